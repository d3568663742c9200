"""verify's worker reads and walks the second part of the log itself, on its own
connection to the database file (`ombuds/ledger/second_part.py`): what a full run reports
must not depend on it. Each case is checked by running verify both ways on one file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from ombuds.ledger.second_part import FIRST_PART

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 600

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the worker reads the SQLite file itself"
)


def _run(data_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"OMBUDS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ledger.second_part_worker", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("second-part")
    _run(data_dir, "build", str(EVENTS))
    return data_dir


def _compared(ledger: Path, tmp_path: Path, *statements: tuple[str, list[Any]]) -> dict[str, Any]:
    """Both reports on a copy of the ledger with `statements` run on it (guards dropped)."""
    copy = tmp_path / "copy"
    copy.mkdir()
    for item in ledger.iterdir():
        if item.is_file() and not item.name.endswith(("-wal", "-shm")):
            (copy / item.name).write_bytes(item.read_bytes())
    database = sqlite3.connect(copy / "ombuds.sqlite3")
    with database:
        database.execute("DROP TRIGGER IF EXISTS ledger_event_no_update")
        database.execute("DROP TRIGGER IF EXISTS ledger_event_no_delete")
        for sql, params in statements:
            database.execute(sql, params)
    database.close()
    return json.loads(_run(copy, "compare"))


def _first_in_second_part(ledger: Path) -> tuple[int, int]:
    """(seq, version) of an event that is its stream's first in the second part."""
    first = int(EVENTS * FIRST_PART)
    database = sqlite3.connect(ledger / "ombuds.sqlite3")
    seq, version = database.execute(
        "SELECT seq, stream_version FROM ledger_event e WHERE seq >= ? AND stream_version > 1"
        " AND NOT EXISTS (SELECT 1 FROM ledger_event o WHERE o.stream = e.stream"
        " AND o.seq >= ? AND o.seq < e.seq) ORDER BY seq LIMIT 1",
        [first, first],
    ).fetchone()
    database.close()
    return int(seq), int(version)


def test_an_untouched_ledger_verifies_both_ways(ledger: Path, tmp_path: Path) -> None:
    found = _compared(ledger, tmp_path)
    assert found["used"] and found["events"] == EVENTS
    assert found["split"] == found["whole"] == []
    assert found["root"][0] == found["root"][1]


@pytest.mark.parametrize(
    "seq", [3, int(EVENTS * FIRST_PART) - 1, int(EVENTS * FIRST_PART), EVENTS - 1]
)
def test_an_altered_event_is_reported_alike_in_either_part(
    ledger: Path, tmp_path: Path, seq: int
) -> None:
    found = _compared(
        ledger, tmp_path, ("UPDATE ledger_event SET metadata = '{\"n\": -1}' WHERE seq = ?", [seq])
    )
    assert found["used"]
    assert found["split"] == found["whole"]
    assert any(p.startswith(f"event {seq} does not match its hash") for p in found["split"])


def test_a_chain_broken_where_the_second_part_begins_is_reported_alike(
    ledger: Path, tmp_path: Path
) -> None:
    seq, _ = _first_in_second_part(ledger)
    found = _compared(
        ledger, tmp_path, ("UPDATE ledger_event SET prev_hash = ? WHERE seq = ?", ["0" * 64, seq])
    )
    assert found["used"]
    assert found["split"] == found["whole"]
    assert any(p.startswith(f"event {seq} breaks the chain") for p in found["split"]), found


def test_a_version_skipped_where_the_second_part_begins_is_reported_alike(
    ledger: Path, tmp_path: Path
) -> None:
    seq, version = _first_in_second_part(ledger)
    found = _compared(
        ledger,
        tmp_path,
        ("UPDATE ledger_event SET stream_version = ? WHERE seq = ?", [version + 50, seq]),
    )
    assert found["split"] == found["whole"]
    assert any(f"event {seq} breaks the chain" in p for p in found["split"]), found


def test_an_event_deleted_from_the_second_part_is_reported_alike(
    ledger: Path, tmp_path: Path
) -> None:
    found = _compared(ledger, tmp_path, ("DELETE FROM ledger_event WHERE seq = ?", [EVENTS - 20]))
    assert found["split"] == found["whole"] != []
