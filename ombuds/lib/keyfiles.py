"""Instance secrets kept in files outside the database (signing and conflict-token keys).

A key file is made once, by `ombuds migrate` or `ombuds keys`, and never on a request:
two processes that each made a key on first use could end up with different secrets
(checkpoints signed by two keys, tokens that never match). `create` is atomic across
processes: the secret is written and fsynced under a private temporary name, then
hard-linked to the real name, which fails if another process got there first; the
loser then reads the winner's key. No reader ever sees a half-written file.

`read` refuses a missing, empty, short or malformed file with `KeyFileError`, whose
message is one plain line naming the file and the fix.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path


class KeyFileError(Exception):
    """A key file is missing or malformed; the message says which and what to do."""


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _parse(path: Path, text: str, length: int) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) != length:
        raise KeyFileError(
            f"the key file {path} is empty or malformed (expected {2 * length} hex "
            "characters): restore it from your backup; a new key would break what the old "
            "one signed"
        )
    return key


def create(path: Path, make: Callable[[], bytes], length: int) -> bool:
    """Make the key at `path` unless it exists; True if this call made it.

    Safe when several processes run it at once: all end with the same key."""
    path = Path(path)
    if path.exists():
        _parse(path, path.read_text(), length)  # an existing but broken key is never replaced
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = make()
    if len(key) != length:
        raise KeyFileError(f"refusing to write a {len(key)}-byte key to {path}")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.hex().encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # atomic, and refuses to replace a key already there
        except FileExistsError:
            _parse(path, path.read_text(), length)
            return False
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(path.parent)
    return True


def read(path: Path, length: int) -> bytes:
    """The key at `path`; KeyFileError if it is missing or malformed. Never creates it."""
    return _read_cached(Path(path), length)


@cache
def _read_cached(path: Path, length: int) -> bytes:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise KeyFileError(
            f"the key file {path} does not exist: run `ombuds keys` (or `ombuds migrate`) "
            "once to create the instance's keys"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot read the key file {path}: {exc.strerror}") from None
    return _parse(path, text, length)


def forget() -> None:
    """Drop keys read so far (tests that point the settings at other files)."""
    _read_cached.cache_clear()
