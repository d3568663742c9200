"""`ombuds sweep`: two sweeps at once, as separate processes, on a copy of a live
instance with every deadline missed, escalate each missed deadline exactly once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, LiveInstance, ombuds_env, run_ombuds
from tests.e2e.test_cli import _copy_instance

pytestmark = pytest.mark.e2e
LATER = "2031-01-06T09:00:00+00:00"  # every demo deadline is long past


def test_two_sweeps_at_once_escalate_each_deadline_once(
    live_instance: LiveInstance, tmp_path: Path
) -> None:
    if live_instance.postgresql:
        pytest.skip("run on a copy of the SQLite file")
    copy = _copy_instance(live_instance, tmp_path / "copy")
    command = [sys.executable, "-m", "ombuds.cli", "sweep", "--now", LATER, "--data-dir", str(copy)]
    sweeps = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=ombuds_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sweep.communicate(timeout=120) for sweep in sweeps]
    for sweep, (out, err) in zip(sweeps, outputs, strict=True):
        assert sweep.returncode == 0, out + err
        assert "Deadlines:" in out and "Notifications:" in out and "Statistics:" in out
    db = sqlite3.connect(copy / "ombuds.sqlite3")
    try:
        per_case = db.execute(
            "SELECT stream, count(*) FROM ledger_event WHERE type = 'case.deadline_missed' "
            "GROUP BY stream"
        ).fetchall()
        watched = db.execute("SELECT count(*) FROM deadlines_watch").fetchone()[0]
        frozen = db.execute("SELECT count(*) FROM oversight_frozenquarter").fetchone()[0]
    finally:
        db.close()
    assert per_case, "the demo's open cases all have a missed deadline"
    assert all(count == 1 for _, count in per_case), per_case
    assert len(per_case) <= watched
    assert frozen, "the demo's quarters have all ended by then: each frozen once, by either"
    again = run_ombuds("sweep", "--now", LATER, "--data-dir", str(copy), env=ombuds_env())
    assert again.returncode == 0 and "0 escalation(s)" in again.stdout, again.stdout
    verified = run_ombuds("verify", "--data-dir", str(copy), env=ombuds_env())
    assert verified.returncode == 0, verified.stdout
