"""Instance secrets kept in files outside the database (signing and conflict keys)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path


@cache
def _read_or_make(path: Path, make: Callable[[], bytes]) -> bytes:
    if not path.exists():
        # First start of an instance: make the secret, readable by its owner only.
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make().hex().encode())
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def instance_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The secret stored at `path`, made with `make` on first use."""
    return _read_or_make(Path(path), make)
