"""`verify` reads events, head and checkpoints in one snapshot: appends running at the same
time never raise a false alarm (finding 11 of issue 7: 6 of 28 runs said "events removed")."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.checkpoints import checkpoint_create
from ombuds.ledger.services import append_event
from ombuds.ledger.verification import run_verification
from ombuds.ledger.verify import verify_ledger

ROUNDS = 16
ROOT = Path(__file__).resolve().parents[2]


def _append_until(stop: threading.Event) -> None:
    n = 0
    try:
        while not stop.is_set():
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
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the test below")
@pytest.mark.django_db(transaction=True)
def test_verify_under_concurrent_appends_raises_no_false_alarm_postgresql() -> None:
    checkpoint_create()
    stop = threading.Event()
    writer = threading.Thread(target=_append_until, args=(stop,))
    writer.start()
    problems = []
    try:
        for round_ in range(ROUNDS):
            report = verify_ledger() if round_ % 2 else run_verification()[1]
            problems += [f"round {round_}: {p}" for p in report.problems]
    finally:
        stop.set()
        writer.join()
    assert problems == []
    assert verify_ledger().ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the test above")
def test_verify_under_concurrent_appends_raises_no_false_alarm_sqlite(tmp_path: Path) -> None:
    # Two processes on one WAL database file, as `ombuds serve` and `ombuds verify` are.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"OMBUDS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.settings"}

    def worker(*args: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "tests.ledger.snapshot_worker", *args]
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)

    assert worker("migrate", "0").wait(timeout=120) == 0
    writer = worker("write", "5")
    verifier = worker("verify", str(ROUNDS))
    out, _ = verifier.communicate(timeout=300)
    written, _ = writer.communicate(timeout=300)
    assert verifier.returncode == 0 and writer.returncode == 0
    assert out == ""
    assert int(written) > 100
