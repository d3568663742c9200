"""A separate process for the second-part tests (`test_second_part.py`), on a database
file: `build EVENTS` writes a ledger; `compare` runs a full verify with the worker reading
the second part of the log and without, and prints both reports as JSON."""

from __future__ import annotations

import json
import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from ombuds.ledger import second_part, verify
    from ombuds.ledger.actor import SYSTEM
    from ombuds.ledger.checkpoints import checkpoint_create
    from ombuds.ledger.services import append_event

    if sys.argv[1] == "build":
        from ombuds import cli

        call_command("migrate", interactive=False, verbosity=0)
        if cli.main(["keys"]) != 0:
            return 1
        for n in range(int(sys.argv[2])):
            with transaction.atomic():
                append_event(
                    stream=f"case/{n % 37}",
                    event_type="load.appended",
                    actor=SYSTEM,
                    metadata={"n": n},
                )
                if n % 3 == 0:
                    checkpoint_create()
        return 0
    used: list[bool] = []
    real = second_part.second_part

    def noted(size: int, *, stored_order: bool) -> second_part.SecondPart | None:
        found = real(size, stored_order=stored_order)
        used.append(found is not None)
        return found

    verify.second_part = noted
    verify._ASIDE_FROM = 1  # the worker, however few checkpoints
    second_part.SECOND_PART_FROM = 1
    split = verify.verify_ledger()
    second_part.SECOND_PART_FROM = 10**12
    whole = verify.verify_ledger()
    print(
        json.dumps(
            {
                "split": split.problems,
                "whole": whole.problems,
                "used": used[0],
                "events": whole.events,
                "root": [split.root, whole.root],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
