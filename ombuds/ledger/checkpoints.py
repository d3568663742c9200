"""Signed checkpoints: the instance's signing identity, signing the tree head, and the
checkpoint's published forms (JSON and the C2SP note) and their signatures."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ombuds import vault
from ombuds.ledger import merkle, note, staging, timing
from ombuds.ledger.encoding import format_time
from ombuds.ledger.models import Checkpoint
from ombuds.lib import keyfiles
from ombuds.lib.errors import DecryptionFailed

T = TypeVar("T")


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


def _note_text(
    *, origin: str, size: int, root: str, signed_at: str | None, previous: str = ""
) -> bytes:
    try:
        return note.checkpoint_note_text(
            origin=origin,
            size=size,
            root=bytes.fromhex(root),
            signed_at=signed_at,
            previous=bytes.fromhex(previous),
        )
    except ValueError:
        return b""


def checkpoint_signed_texts(
    *,
    origin: str,
    size: int,
    root: str,
    signed_at: str,
    signature: str,
    note_signature: str,
    previous: str = "",
) -> list[tuple[bytes, str]]:
    """(signed bytes, hex signature) of every signature a stored checkpoint carries; a
    field that cannot be what was signed gives b"", which no signature verifies."""

    def note_text(time: str | None) -> bytes:
        return _note_text(origin=origin, size=size, root=root, signed_at=time, previous=previous)

    if one_signature(signature, note_signature):
        return [(note_text(signed_at), signature)]
    texts = [(checkpoint_text(origin=origin, size=size, root=root, signed_at=signed_at), signature)]
    if note_signature:
        texts.append(
            (_note_text(origin=origin, size=size, root=root, signed_at=None), note_signature)
        )
    return texts


def checkpoint_digest(values: Sequence[Any]) -> str:
    """SHA-256 (hex) of a stored checkpoint's columns (`staging.CHECKPOINT_COLUMNS`, in
    order, each length-prefixed): what the next checkpoint's `previous` names. Its
    signature and its own link are among them, so a signed link vouches for the whole
    chain before it."""
    text = "".join(f"{len(v)}:{v}" for v in map(str, values))
    return hashlib.sha256(text.encode()).hexdigest()


def _digest_of(checkpoint: Checkpoint) -> str:
    return checkpoint_digest([getattr(checkpoint, name) for name in staging.CHECKPOINT_COLUMNS])


# Digests of checkpoints this process signed or checked: the next one links to them
# without checking the signature again. Bounded: only the latest few are ever linked to.
_vouched: dict[str, None] = {}
_vouched_lock = threading.Lock()  # the server's threads sign too
_LOOK_BACK = 8  # stored checkpoints tried, newest first, for one with a good signature


def _vouch(digest: str) -> None:
    with _vouched_lock:
        _vouched[digest] = None
        while len(_vouched) > 64:
            del _vouched[next(iter(_vouched))]


def _good_signature(fields: Mapping[str, Any], public_key: str) -> bool:
    if fields["public_key"] != public_key:
        return False
    texts = checkpoint_signed_texts(
        **{k: fields[k] for k in ("origin", "size", "root", "signed_at")},
        signature=fields["signature"],
        note_signature=fields["note_signature"],
        previous=fields["previous"],
    )
    try:
        key = bytes.fromhex(public_key)
        return all(vault.verify_signature(key, text, bytes.fromhex(sig)) for text, sig in texts)
    except (ValueError, DecryptionFailed):
        return False


def _link(cursor: Any, identity: SigningIdentity) -> str:
    """The digest of the newest stored checkpoint whose signature is good: the one a new
    checkpoint links to, so that its signature vouches for that one and all before it.
    A newer row with a bad signature (written by someone without the key) is passed over,
    and `ombuds verify` names it. "" when none of the newest few is good."""
    columns = staging.CHECKPOINT_COLUMNS
    cursor.execute(
        f"SELECT {', '.join(columns)} FROM ledger_checkpoint"  # noqa: S608 - constant columns
        f" ORDER BY id DESC LIMIT {_LOOK_BACK}"
    )
    for row in cursor.fetchall():
        digest = checkpoint_digest(row)
        if digest in _vouched or _good_signature(
            dict(zip(columns, row, strict=True)), identity.public_key.hex()
        ):
            _vouch(digest)
            return digest
    return ""


def checkpoint_create() -> Checkpoint:
    """Sign the current tree head (size, root, time, the checkpoint before) and store it.

    One Ed25519 signature, over the C2SP checkpoint note with the signing time and the
    digest of the previous checkpoint as extension lines; the JSON form publishes the
    same signature (`one_signature`). Runs in its own transaction unless called inside
    one, so the head it signs is the head at commit. In a staged block
    (`ledger/staging.py`) it is written with the block, and only if no other checkpoint
    was signed meanwhile.
    """
    staged = staging.current()
    identity = signing_identity()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if staged is None:
            size, frontier_json, _ = staging.locked_head_row(cursor)
            frontier = [bytes.fromhex(h) for h in json.loads(frontier_json)]
            root = merkle.frontier_root(frontier, size)
            timing.head_locked()
            previous = _link(cursor, identity)
        else:
            size, root = staged.size, staged.root()
            previous = staged.checkpoint if staged.checkpoints else _link(cursor, identity)
        signed_at = format_time(timezone.now())
        note_text = note.checkpoint_note_text(
            origin=settings.OMBUDS_LOG_ORIGIN,
            size=size,
            root=root,
            signed_at=signed_at,
            previous=bytes.fromhex(previous),
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
            previous=previous,
        )
        digest = _digest_of(checkpoint)
        if staged is not None:
            staged.add_checkpoint(checkpoint, digest)
        else:
            checkpoint.save(force_insert=True)
            cursor.execute("UPDATE ledger_ledgerhead SET checkpoint = %s WHERE id = 1", [digest])
    _vouch(digest)
    return checkpoint


def _sign_block_head(block: staging.Staging) -> None:
    if block.events and not (block.checkpoints and block.checkpoints[-1].size == block.size):
        checkpoint_create()


def run_covered(command: Callable[[], T]) -> T:
    """`staging.run_with_appends_at_commit`, with the head the block leaves signed in it:
    a staged command leaves the log covered by a signed checkpoint when it commits."""
    return staging.run_with_appends_at_commit(command, close=_sign_block_head)


def cover_at_commit() -> None:
    """Sign a checkpoint of the head once the caller's transaction has committed, unless
    one already covers it: for commands that append with the head locked, so that every
    command leaves the log covered (a staged one signs inside its block: `run_covered`).
    Robust: the command has committed, so a failure here is logged, not raised; the
    `ombuds checkpoint` timer covers what a crash in between leaves."""
    if not any(entry[1] is _cover_head for entry in connection.run_on_commit):
        transaction.on_commit(_cover_head, robust=True)  # once per transaction


_HEAD_AND_LATEST = (
    "SELECT h.size, (SELECT size FROM ledger_checkpoint ORDER BY id DESC LIMIT 1)"
    " FROM ledger_ledgerhead h WHERE h.id = 1"
)


def _cover_head() -> None:
    with connection.cursor() as cursor:  # first unlocked: usually already covered
        cursor.execute(_HEAD_AND_LATEST)
        row = cursor.fetchone()
    if row is None or row[0] == row[1]:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        staging.locked_head_row(cursor)
        cursor.execute(_HEAD_AND_LATEST)
        row = cursor.fetchone()
        if row[0] != row[1]:
            checkpoint_create()


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
        previous=bytes.fromhex(checkpoint.previous) if one else b"",
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
        **({"previous": checkpoint.previous} if checkpoint.previous else {}),
    }


def checkpoint_signature_valid(published: Mapping[str, Any]) -> bool:
    """True when a published checkpoint's signature is good for its own public key: over
    its C2SP note text with the signing time and, on those that have one, the link to
    the checkpoint before (since 1 December 2026), or over `checkpoint_text` (before).
    All bind origin, size, root and time."""
    try:
        origin, size = str(published["origin"]), int(published["size"])
        root, signed_at = str(published["root"]), str(published["signed_at"])
        previous = str(published.get("previous", ""))
        public_key = bytes.fromhex(published["public_key"])
        signature = bytes.fromhex(published["signature"])
        texts = [
            _note_text(origin=origin, size=size, root=root, signed_at=signed_at, previous=previous),
        ]
        if not previous:
            texts.append(checkpoint_text(origin=origin, size=size, root=root, signed_at=signed_at))
        return any(vault.verify_signature(public_key, text, signature) for text in texts)
    except (KeyError, ValueError, TypeError, DecryptionFailed):
        return False
