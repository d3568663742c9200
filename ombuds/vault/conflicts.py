"""Conflict-of-interest tokens: keyed hashes of declared interests and case parties.

Allocation compares tokens, never names, so the database holds no names of the people
a handler is close to; without the key (a file outside the database) a token reveals
nothing.
"""

from __future__ import annotations

import re
import unicodedata

import nacl.encoding
import nacl.hash
import nacl.utils

from ombuds.lib.errors import InvalidInput

CONFLICT_KEY_BYTES = 32
INTEREST_KINDS = ("unit", "group", "employer", "person")
_SPACES = re.compile(r"[\s\W_]+", re.UNICODE)


def new_conflict_key() -> bytes:
    """A random key for conflict tokens (one per instance)."""
    return nacl.utils.random(CONFLICT_KEY_BYTES)


def normalise_interest(value: str) -> str:
    """Case, accents of width, punctuation and spacing do not make a different interest."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return _SPACES.sub(" ", folded).strip()


def conflict_token(key: bytes, *, kind: str, value: str) -> str:
    """Hex token for one interest; equal interests give equal tokens under one key."""
    if kind not in INTEREST_KINDS:
        raise InvalidInput(f"Unknown kind of interest {kind!r}.")
    if len(key) != CONFLICT_KEY_BYTES:
        raise InvalidInput("A conflict key is 32 bytes.")
    normal = normalise_interest(value)
    if not normal:
        raise InvalidInput("An interest needs a name.")
    digest = nacl.hash.blake2b(
        f"{kind}:{normal}".encode(),
        digest_size=32,
        key=key,
        person=b"ombuds-conflict",
        encoder=nacl.encoding.RawEncoder,
    )
    return digest.hex()
