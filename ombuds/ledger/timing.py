"""How long a transaction holds the ledger head: measured only when asked.

With OMBUDS_HEAD_TIMING_FILE set (the benchmark sets it; it is off by default), the time
from the first head-row lock of a transaction (PostgreSQL's SELECT ... FOR UPDATE) to its
commit is appended to that file, one number of milliseconds per line. Rolled-back
transactions are not counted. Nothing about what was written is recorded.
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import connection


class _HoldTimer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.started = time.perf_counter()

    def __call__(self) -> None:  # run by Django right after the commit
        held_ms = (time.perf_counter() - self.started) * 1000
        line = f"{held_ms:.3f}\n".encode()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)  # one write per line: processes never interleave
        finally:
            os.close(descriptor)


def head_locked() -> None:
    """Note that this transaction now holds the head (the first time only)."""
    path = getattr(settings, "OMBUDS_HEAD_TIMING_FILE", None)
    if not path:
        return
    if any(isinstance(entry[1], _HoldTimer) for entry in connection.run_on_commit):
        return  # already timing this transaction
    connection.on_commit(_HoldTimer(str(path)))
    # First in line: the head is free once the commit returns, not after the command's
    # other callbacks (notifications and the like) have run.
    connection.run_on_commit.insert(0, connection.run_on_commit.pop())
