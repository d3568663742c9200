"""`python -m tests.e2e.shifted_clock DAYS ARGS...`: run `ombuds ARGS...` with its clock
DAYS days ahead and ticking (time-machine moves every clock of the process, all threads
included), so a live server or a sweep sees deadlines made today as long past. For the
browser journeys in which time must have passed; never used by the product."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import time_machine


def main(argv: list[str]) -> int:
    days, rest = int(argv[0]), argv[1:]
    with time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True):
        from ombuds.cli import main as ombuds

        return ombuds(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
