"""Signed checkpoints: the instance's signing identity, signing the tree head, and the
checkpoint's published forms (JSON and the C2SP note) and their signatures."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ombuds import vault
from ombuds.ledger import merkle, note, staging, timing
from ombuds.ledger.encoding import format_time
from ombuds.ledger.models import Checkpoint
from ombuds.ledger.services import _head_row
from ombuds.lib import keyfiles
from ombuds.lib.errors import DecryptionFailed


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


def checkpoint_text(*, origin: str, size: int, root: str, signed_at: str) -> bytes:
    """The exact bytes the JSON form's signature covered on checkpoints signed before
    1 December 2026 (since then: `one_signature`)."""
    return f"{origin}\n{size}\n{root}\n{signed_at}\n".encode()


def one_signature(signature: str, note_signature: str) -> bool:
    """Whether a checkpoint carries one signature, published in both forms: over its
    C2SP note text with the signing time as an extension line. Earlier checkpoints
    carry two (`checkpoint_text`, and the note without the time), and two different
    messages never share an Ed25519 signature, so equal columns mark the one form."""
    return bool(signature) and signature == note_signature


def _note_text(*, origin: str, size: int, root: str, signed_at: str | None) -> bytes:
    try:
        return note.checkpoint_note_text(
            origin=origin, size=size, root=bytes.fromhex(root), signed_at=signed_at
        )
    except ValueError:
        return b""


def checkpoint_signed_texts(
    *, origin: str, size: int, root: str, signed_at: str, signature: str, note_signature: str
) -> list[tuple[bytes, str]]:
    """(signed bytes, hex signature) of every signature a stored checkpoint carries; a
    field that cannot be what was signed gives b"", which no signature verifies."""

    def note_text(time: str | None) -> bytes:
        return _note_text(origin=origin, size=size, root=root, signed_at=time)

    if one_signature(signature, note_signature):
        return [(note_text(signed_at), signature)]
    texts = [(checkpoint_text(origin=origin, size=size, root=root, signed_at=signed_at), signature)]
    if note_signature:
        texts.append((note_text(None), note_signature))
    return texts


def checkpoint_create() -> Checkpoint:
    """Sign the current tree head (size, root, time) and store it.

    One Ed25519 signature, over the C2SP checkpoint note with the signing time as an
    extension line; the JSON form publishes the same signature (`one_signature`).
    Runs in its own transaction unless called inside one, so the head it signs is the
    head at commit.
    """
    staged = staging.current()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if staged is None:
            size, frontier_json = _head_row(cursor)  # locked until commit, as in append_event
            frontier = [bytes.fromhex(h) for h in json.loads(frontier_json)]
            root = merkle.frontier_root(frontier, size)
            timing.head_locked()
        else:
            size, root = staged.size, staged.root()
        identity = signing_identity()
        signed_at = format_time(timezone.now())
        note_text = note.checkpoint_note_text(
            origin=settings.OMBUDS_LOG_ORIGIN, size=size, root=root, signed_at=signed_at
        )
        signature = vault.sign(identity.seed, note_text).hex()
        checkpoint = Checkpoint(
            size=size,
            root=root.hex(),
            signed_at=signed_at,
            origin=settings.OMBUDS_LOG_ORIGIN,
            public_key=identity.public_key.hex(),
            signature=signature,
            note_signature=signature,
        )
        if staged is not None:
            return staged.add_checkpoint(checkpoint)
        checkpoint.save(force_insert=True)
        return checkpoint


def checkpoint_as_note(checkpoint: Checkpoint) -> str | None:
    """A checkpoint as a C2SP signed note, or None if it was signed before notes were."""
    if not checkpoint.note_signature:
        return None
    one = one_signature(checkpoint.signature, checkpoint.note_signature)
    text = note.checkpoint_note_text(
        origin=checkpoint.origin,
        size=checkpoint.size,
        root=bytes.fromhex(checkpoint.root),
        signed_at=checkpoint.signed_at if one else None,
    )
    return note.format_note(
        text,
        checkpoint.origin,
        bytes.fromhex(checkpoint.public_key),
        bytes.fromhex(checkpoint.note_signature),
    )


def checkpoint_as_dict(checkpoint: Checkpoint) -> dict[str, Any]:
    """A checkpoint as published: everything needed to check its signature."""
    return {
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "signed_at": checkpoint.signed_at,
        "public_key": checkpoint.public_key,
        "signature": checkpoint.signature,
    }


def checkpoint_signature_valid(published: Mapping[str, Any]) -> bool:
    """True when a published checkpoint's signature is good for its own public key: over
    its C2SP note text with the signing time (since 1 December 2026), or over
    `checkpoint_text` (before). Both bind origin, size, root and time."""
    try:
        origin, size = str(published["origin"]), int(published["size"])
        root, signed_at = str(published["root"]), str(published["signed_at"])
        public_key = bytes.fromhex(published["public_key"])
        signature = bytes.fromhex(published["signature"])
        texts = [
            checkpoint_text(origin=origin, size=size, root=root, signed_at=signed_at),
            _note_text(origin=origin, size=size, root=root, signed_at=signed_at),
        ]
        return any(vault.verify_signature(public_key, text, signature) for text in texts)
    except (KeyError, ValueError, TypeError, DecryptionFailed):
        return False
