"""A separate process for the snapshot test: `write SECONDS` appends events and signs
checkpoints as fast as it can; `verify ROUNDS` runs verify and prints each problem (the
second half of the rounds with the worker reading the last part of the log itself)."""

from __future__ import annotations

import os
import sys
import time

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from ombuds.ledger.actor import SYSTEM
    from ombuds.ledger.checkpoints import checkpoint_create
    from ombuds.ledger.services import append_event
    from ombuds.ledger.verification import run_verification
    from ombuds.ledger.verify import verify_ledger

    what, amount = sys.argv[1], float(sys.argv[2])
    if what == "migrate":
        from ombuds import cli

        call_command("migrate", interactive=False, verbosity=0)
        return cli.main(["keys"])
    if what == "write":
        until, n = time.monotonic() + amount, 0
        while time.monotonic() < until:
            with transaction.atomic():
                for _ in range(3):
                    n += 1
                    append_event(
                        stream=f"load/{n % 7}",
                        event_type="load.appended",
                        actor=SYSTEM,
                        metadata={"n": n},
                    )
                checkpoint_create()
        print(n)
        return 0
    from ombuds.ledger import second_part, verify

    for round_ in range(int(amount)):
        if round_ == int(amount) // 2:
            # The second half of the rounds: the worker reads the last part of the log
            # on its own connection, whose snapshot is later than this process's.
            verify._ASIDE_FROM, second_part.SECOND_PART_FROM = 1, 1
        report = verify_ledger() if round_ % 2 else run_verification()[1]
        for problem in report.problems:
            print(f"round {round_}: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
