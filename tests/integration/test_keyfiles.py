"""Instance keys: made once, atomically, by `ombuds migrate`/`ombuds keys`; never lazily."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import stat
from pathlib import Path
from typing import Any

import pytest

from ombuds.lib import keyfiles

ROUNDS = 50
PROCESSES = 4


def _make_and_read(path: str, start: Any) -> str:
    start.wait()
    keyfiles.create(Path(path), lambda: secrets.token_bytes(32), 32)
    return Path(path).read_text()


def test_finding_10_keys_created_once(tmp_path: Path) -> None:
    # Processes racing to make the same key all end with the one key that was written,
    # and no process ever reads a half-written file.
    context = multiprocessing.get_context("fork")
    with context.Pool(PROCESSES) as pool, context.Manager() as manager:
        for round_number in range(ROUNDS):
            path = tmp_path / f"round-{round_number}" / "signing.key"
            start = manager.Event()
            pending = [pool.apply_async(_make_and_read, (str(path), start)) for _ in range(4)]
            start.set()
            seen = {result.get(timeout=30) for result in pending}
            assert len(seen) == 1, f"round {round_number}: {len(seen)} different keys"
            assert len(bytes.fromhex(seen.pop().strip())) == 32
            assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_key_is_made_owner_only_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "conflict.key"
    assert keyfiles.create(path, lambda: b"\x01" * 32, 32) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keyfiles.create(path, lambda: b"\x02" * 32, 32) is False
    assert keyfiles.read(path, 32) == b"\x01" * 32


@pytest.mark.parametrize("content", ["", "\n", "abcd", "zz" * 32, "00" * 31, "00" * 33])
def test_finding_10_an_empty_or_short_key_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "signing.key"
    path.write_text(content)
    with pytest.raises(keyfiles.KeyFileError, match="empty or malformed") as refused:
        keyfiles.read(path, 32)
    assert "\n" not in str(refused.value)
    # and `create` never papers over a broken key with a new one
    with pytest.raises(keyfiles.KeyFileError):
        keyfiles.create(path, lambda: b"\x03" * 32, 32)
    assert path.read_text() == content


def test_a_missing_key_is_refused_not_made(tmp_path: Path) -> None:
    path = tmp_path / "nothing.key"
    with pytest.raises(keyfiles.KeyFileError, match="ombuds keys"):
        keyfiles.read(path, 32)
    assert not path.exists()


def test_the_services_never_make_a_key(tmp_path: Path, settings: Any, db: None) -> None:
    from ombuds.ledger.signing import signing_identity

    settings.OMBUDS_SIGNING_KEY_FILE = tmp_path / "absent.key"
    with pytest.raises(keyfiles.KeyFileError):
        signing_identity()
    assert not (tmp_path / "absent.key").exists()
    assert os.listdir(tmp_path) == []
