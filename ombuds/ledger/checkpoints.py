"""Signed checkpoints: signing and storing them, the chain they form, and their published
forms (JSON and the C2SP note) and signatures."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from ombuds import vault
from ombuds.ledger import note, staging, timing
from ombuds.ledger.models import Checkpoint
from ombuds.ledger.signing import sign_tree_head, signing_identity, tree_head_signed
from ombuds.lib.errors import DecryptionFailed
from ombuds.lib.security_log import SecurityEvent, security_event


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


_LOOK_BACK = 8  # stored checkpoints tried, newest first, for one with a good signature


def _good_signature(fields: Mapping[str, Any], public_key: str) -> bool:
    """Whether a stored checkpoint carries good signatures by this instance's key; one
    this process signed needs no second check (`signing.tree_head_signed`)."""
    if fields["public_key"] != public_key:
        return False
    if (
        one_signature(fields["signature"], fields["note_signature"])
        and fields["origin"] == settings.OMBUDS_LOG_ORIGIN
    ):
        try:
            root = bytes.fromhex(fields["root"])
        except ValueError:
            return False
        return tree_head_signed(
            size=fields["size"],
            root=root,
            previous=fields["previous"],
            signed_at=fields["signed_at"],
            signature=fields["signature"],
        )
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


def _link(cursor: Any) -> str:
    """The digest of the newest stored checkpoint whose signature is good: the one a new
    checkpoint links to, so that its signature vouches for that one and all before it.
    A newer row with a bad signature (written by someone without the key) is passed over,
    and `ombuds verify` names it. "" when none of the newest few is good."""
    columns = staging.CHECKPOINT_COLUMNS
    public_key = signing_identity().public_key.hex()
    cursor.execute(
        f"SELECT {', '.join(columns)} FROM ledger_checkpoint"  # noqa: S608 - constant columns
        f" ORDER BY id DESC LIMIT {_LOOK_BACK}"
    )
    for row in cursor.fetchall():
        if _good_signature(dict(zip(columns, row, strict=True)), public_key):
            return checkpoint_digest(row)
    return ""


def checkpoint_create() -> Checkpoint:
    """Sign the current tree head (size, root, time, the checkpoint before) and store it.

    One Ed25519 signature, over the C2SP checkpoint note with the signing time and the
    digest of the previous checkpoint as extension lines; the JSON form publishes the
    same signature (`one_signature`). The head row then names this checkpoint, under a
    signature of its own (`staging`). Runs in its own transaction unless called inside
    one, so the head it signs is the head at commit. In a staged block
    (`ledger/staging.py`) it is written with the block, and only if no other checkpoint
    was signed meanwhile.
    """
    staged = staging.current()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if staged is None:
            head = staging.locked_head_row(cursor)
            size, root = head.size, head.root
            timing.head_locked()
            previous = _link(cursor)
        else:
            size, root = staged.size, staged.root()
            previous = staged.checkpoint if staged.checkpoints else _link(cursor)
        signed_at, signature = sign_tree_head(size=size, root=root, previous=previous)
        checkpoint = Checkpoint(
            size=size,
            root=root.hex(),
            signed_at=signed_at,
            origin=settings.OMBUDS_LOG_ORIGIN,
            public_key=signing_identity().public_key.hex(),
            signature=signature,
            note_signature=signature,
            previous=previous,
        )
        digest = _digest_of(checkpoint)
        if staged is not None:
            staged.add_checkpoint(checkpoint, digest)
        else:
            checkpoint.save(force_insert=True)
            staging.sign_head(
                cursor, size=size, frontier=head.frontier, root=root, checkpoint=digest
            )
    return checkpoint


def head_sign_once() -> bool:
    """Sign a head that has never been signed, naming the newest good checkpoint: what
    every append does, for a ledger last written before heads were signed (`ombuds
    migrate` runs it, only in the run that brings in signed heads). A signed head is left
    alone: signing it again would cover whatever was changed since. Whether it signed.

    A head without a signature in a ledger that holds a checkpoint signed with a link
    was blanked: the release that links checkpoints signs every head it writes. Signing
    it would cover whatever was changed with it, so LedgerUnsigned is raised instead."""
    with transaction.atomic(), connection.cursor() as cursor:
        head = staging.head_row(cursor, lock=True)
        if head is None or head.signature:
            return False
        cursor.execute("SELECT 1 FROM ledger_checkpoint WHERE previous <> '' LIMIT 1")
        if cursor.fetchone() is not None:
            staging.check_head_signed(head)  # refuses, with a security event
        _sign_as_it_stands(cursor, head)
        return True


def head_accept() -> int:
    """Sign the head as it stands, whatever its signature: the operator's explicit
    acceptance of the record after an incident (`ombuds checkpoint --accept-head`, once
    `ombuds verify --full` has shown what changed; docs/DEPLOY.md), never automatic.
    Logged as a security event. The head's size, 0 when there is no head yet."""
    with transaction.atomic(), connection.cursor() as cursor:
        head = staging.head_row(cursor, lock=True)
        if head is None:
            return 0
        _sign_as_it_stands(cursor, head)
    security_event(SecurityEvent.LEDGER_HEAD_ACCEPTED, size=head.size)
    return head.size


def _sign_as_it_stands(cursor: Any, head: staging.Head) -> None:
    staging.sign_head(
        cursor, size=head.size, frontier=head.frontier, root=head.root, checkpoint=_link(cursor)
    )


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
