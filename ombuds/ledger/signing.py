"""The instance's signing identity, and signed tree heads: a checkpoint's signature, and
the one the ledger's head row carries so that every append is covered by a signature."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ombuds import vault
from ombuds.ledger import note
from ombuds.ledger.encoding import format_time
from ombuds.lib import keyfiles


@dataclass(frozen=True)
class SigningIdentity:
    seed: bytes
    public_key: bytes


def signing_identity() -> SigningIdentity:
    """This instance's checkpoint signing key (made by `ombuds keys`, never here)."""
    # Kept out of the database so that a database administrator cannot forge checkpoints.
    seed = keyfiles.read(Path(settings.OMBUDS_SIGNING_KEY_FILE), vault.SIGNING_SEED_BYTES)
    return _identity(seed)


@lru_cache(maxsize=4)
def _identity(seed: bytes) -> SigningIdentity:
    # The public key is derived once per seed, not once per grant checked.
    return SigningIdentity(seed=seed, public_key=vault.signing_public_key(seed))


# Tree heads this process signed, exactly as signed: the head it finds at its next append
# is usually its own last one, which needs no second check. Bounded.
_signed_here: dict[tuple[int, bytes, str, str, str], None] = {}
_signed_lock = threading.Lock()  # the server's threads sign too


def _head_text(*, size: int, root: bytes, previous: str, signed_at: str) -> bytes:
    return note.checkpoint_note_text(
        origin=settings.OMBUDS_LOG_ORIGIN,
        size=size,
        root=root,
        signed_at=signed_at,
        previous=bytes.fromhex(previous),
    )


def sign_tree_head(*, size: int, root: bytes, previous: str) -> tuple[str, str]:
    """(signing time, hex signature) of a tree head: one Ed25519 signature over its C2SP
    checkpoint note, with the time and `previous` (the hex digest of the latest stored
    checkpoint, or "") as extension lines."""
    signed_at = format_time(timezone.now())
    text = _head_text(size=size, root=root, previous=previous, signed_at=signed_at)
    signature = vault.sign(signing_identity().seed, text).hex()
    with _signed_lock:
        _signed_here[(size, root, previous, signed_at, signature)] = None
        while len(_signed_here) > 64:
            del _signed_here[next(iter(_signed_here))]
    return signed_at, signature


def tree_head_signed(
    *, size: int, root: bytes, previous: str, signed_at: str, signature: str
) -> bool:
    """Whether `signature` is this instance's over that tree head (see sign_tree_head)."""
    if (size, root, previous, signed_at, signature) in _signed_here:
        return True
    try:
        text = _head_text(size=size, root=root, previous=previous, signed_at=signed_at)
        return vault.verify_signature(signing_identity().public_key, text, bytes.fromhex(signature))
    except ValueError:
        return False
