"""Survey tokens: single-use codes that let someone answer a survey without an account.

A token is 80 random bits written as 16 characters of an alphabet without look-alikes
(no I, O, 0 or 1), in four groups. The server keeps only a keyed BLAKE2b digest of it,
under an instance key held in a file outside the database: a stolen database cannot
tell which printed token is which row, nor test a guess.
"""

from __future__ import annotations

import hashlib
import secrets

from ombuds.vault._common import require_bytes

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: 5 bits each
LENGTH = 16  # 80 bits
_PERSON = b"ombuds:survey:v1"  # domain separation from the key's other use


def new_survey_token() -> str:
    """A fresh token, grouped for reading aloud and typing: ABCD-EFGH-JKLM-NPQR."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise_survey_token(typed: str) -> str | None:
    """The token as issued, whatever the case, spaces or dashes; None if it cannot be one."""
    compact = "".join(typed.split()).replace("-", "").upper()
    if len(compact) != LENGTH or any(c not in ALPHABET for c in compact):
        return None
    return compact


def survey_token_digest(key: bytes, typed: str) -> str | None:
    """The keyed digest stored for a token (None: not a token at all)."""
    require_bytes("key", key)
    compact = normalise_survey_token(typed)
    if compact is None:
        return None
    return hashlib.blake2b(
        compact.encode("ascii"), key=key, digest_size=32, person=_PERSON
    ).hexdigest()
