"""Encrypted blobs on disk, under settings.OMBUDS_BLOB_DIR. Only ciphertext is written.

A blob is written to a temporary name in its directory, flushed to disk and renamed, so
a reader never sees half a file and a crash leaves no partial blob under a real name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from ombuds.lib.errors import DecryptionFailed


def blob_root() -> Path:
    return Path(settings.OMBUDS_BLOB_DIR)


def blob_path(relative: str) -> Path:
    """The absolute path of a stored blob; refuses anything outside the blob directory."""
    root = blob_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise DecryptionFailed("blob path outside the blob directory")
    return path


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def blob_write(relative: str, ciphertext: bytes) -> Path:
    """Write a new blob durably (owner-only permissions); refuses to overwrite one."""
    path = blob_path(relative)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(ciphertext)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            raise FileExistsError(path)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def blob_read(relative: str) -> bytes:
    """A stored blob's bytes; DecryptionFailed if it is missing (it cannot be opened)."""
    try:
        return blob_path(relative).read_bytes()
    except FileNotFoundError as exc:
        raise DecryptionFailed("the blob is missing") from exc


def blob_delete(path: Path) -> None:
    path.unlink(missing_ok=True)
