"""Appending events and signing checkpoints: the only writes to the ledger."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ombuds import vault
from ombuds.ledger import merkle, note, staging, timing
from ombuds.ledger.actor import Actor
from ombuds.ledger.encoding import GENESIS_HASH, EventRecord, event_hash, format_time
from ombuds.ledger.models import Checkpoint, Event, LedgerHead
from ombuds.lib import keyfiles
from ombuds.lib.canonical import canonical_json, parse_json_object
from ombuds.lib.errors import ConcurrentChange, DecryptionFailed, InvalidInput, MalformedEvent

SCHEME_STREAM = "scheme"


def case_stream(case_id: object) -> str:
    """The stream name of a case's own hash chain."""
    return f"case/{case_id}"


def access_stream(case_id: object) -> str:
    """The stream recording who read a case. Separate from the case's own chain, so that
    reading never makes someone else's pending action on the case stale."""
    return f"access/{case_id}"


def body_binding(stream: str, stream_version: int, event_type: str) -> str:
    """Associated data that ties an encrypted body to exactly one event."""
    return f"event/{stream}/{stream_version}/{event_type}"


def _locked_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LedgerHead.objects.get_or_create(pk=1)
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


# append_event is the hot path of every command, so it speaks plain SQL through Django's
# cursor (as verify does) instead of building querysets and model saves four times over.
_EVENT_COLUMNS = (
    "seq, stream, stream_version, type, schema_version, recorded_at, actor_id, actor_role,"
    " metadata, body, prev_hash, hash"
)
_INSERT_EVENTS = (
    f"INSERT INTO ledger_event ({_EVENT_COLUMNS})"  # noqa: S608 - constant column list
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_INSERT_EVENT = f"{_INSERT_EVENTS} RETURNING id"
_LAST_OF_STREAM = (
    "SELECT stream_version, hash FROM ledger_event WHERE stream = %s"
    " ORDER BY stream_version DESC LIMIT 1"
)


def _head_row(cursor: Any) -> tuple[int, str]:
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""  # SQLite: IMMEDIATE
    cursor.execute(f"SELECT size, frontier FROM ledger_ledgerhead WHERE id = 1{lock}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        _locked_head()  # the first event ever: make the head row
        return 0, "[]"
    return int(row[0]), str(row[1])


def _store_tree(
    cursor: Any, nodes: list[tuple[int, int, bytes]], size: int, frontier: list[bytes]
) -> None:
    """The interior Merkle nodes the appends completed (so that proofs read O(log n) rows,
    ledger/proofs.py) and the head's new size and frontier."""
    for start in range(0, len(nodes), 300):
        chunk = nodes[start : start + 300]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        cursor.execute(
            f'INSERT INTO ledger_merklenode (level, "index", hash) VALUES {values}',  # noqa: S608
            [v for level, index, h in chunk for v in (level, index, h.hex())],
        )
    cursor.execute(
        "UPDATE ledger_ledgerhead SET size = %s, frontier = %s WHERE id = 1",
        [size, json.dumps([h.hex() for h in frontier])],
    )


def append_event(
    *,
    stream: str,
    event_type: str,
    actor: Actor,
    metadata: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    case_key: bytes | None = None,
    expected_version: int | None = None,
    schema_version: int = 1,
    tip: tuple[int, str] | None = None,
) -> Event:
    """Append one event to `stream` inside the caller's transaction.

    `content` is encrypted with `case_key`, bound to this event; `metadata` is stored in
    the clear and must never hold case content. With `expected_version`, the append is
    refused with ConcurrentChange unless the stream is at that version. `tip`: the
    stream's last (version, hash) as the caller just folded it, which saves reading it
    again; if another append came first, the stream's unique (stream, version) refuses
    this one, as ConcurrentChange.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_event must run inside the command's transaction")
    if content is not None and case_key is None:
        raise ValueError("content needs a case key")
    staged = staging.current()
    with connection.cursor() as cursor:
        if staged is None:
            size, frontier_json = _head_row(cursor)
            timing.head_locked()
        else:  # computed now, written at the block's end (ledger/staging.py)
            size, frontier_json = staged.size, ""
        tip = tip or (staged.stream_tip(stream) if staged is not None else None)
        if tip is None:
            cursor.execute(_LAST_OF_STREAM, [stream])
            last = cursor.fetchone()
            version, prev_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS_HASH)
        else:
            version, prev_hash = tip[0], tip[1] or GENESIS_HASH
        if expected_version is not None and expected_version != version:
            raise ConcurrentChange("Someone else changed this case just now. Reload and try again.")
        body = b""
        if content is not None and case_key is not None:
            binding = body_binding(stream, version + 1, event_type)
            body = vault.encrypt_case_content(
                case_key, canonical_json(dict(content)).encode(), bound_to=binding
            )
        record = EventRecord(
            seq=size,
            stream=stream,
            stream_version=version + 1,
            type=event_type,
            schema_version=schema_version,
            recorded_at=format_time(timezone.now()),
            actor_id=actor.pseudonym,
            actor_role=actor.role,
            metadata=canonical_json(dict(metadata or {})),
            body=body,
            prev_hash=prev_hash,
        )
        fields = {**dataclasses.asdict(record), "hash": event_hash(record)}  # column order
        if staged is not None:
            return staged.add_event(fields)
        try:
            cursor.execute(_INSERT_EVENT, list(fields.values()))
        except IntegrityError as exc:
            if tip is None:
                raise
            raise ConcurrentChange(
                "Someone else changed this case just now. Reload and try again."
            ) from exc
        event_id = cursor.fetchone()[0]
        frontier = [bytes.fromhex(h) for h in json.loads(frontier_json)]
        frontier, nodes = merkle.frontier_append_nodes(
            frontier, size, bytes.fromhex(fields["hash"])
        )
        _store_tree(cursor, nodes, size + 1, frontier)
    event = Event(id=event_id, **fields)
    event._state.adding = False
    event._state.db = connection.alias
    return event


@dataclass(frozen=True)
class Append:
    """One event of a batch: no content, metadata only (see `append_events`)."""

    stream: str
    event_type: str
    actor: Actor
    metadata: Mapping[str, Any]
    schema_version: int = 1


def _stream_tips(cursor: Any, streams: list[str]) -> dict[str, tuple[int, str]]:
    """The last (version, hash) of each stream named, in one statement per 400 streams."""
    tips: dict[str, tuple[int, str]] = {}
    for start in range(0, len(streams), 400):
        chunk = streams[start : start + 400]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            "SELECT e.stream, e.stream_version, e.hash FROM ledger_event e"  # noqa: S608
            " JOIN (SELECT stream, MAX(stream_version) AS v FROM ledger_event"
            f" WHERE stream IN ({marks}) GROUP BY stream) last"
            " ON e.stream = last.stream AND e.stream_version = last.v",
            chunk,
        )
        tips.update({str(s): (int(v), str(h)) for s, v, h in cursor.fetchall()})
    return tips


def append_events(appends: Sequence[Append]) -> list[Event]:
    """Append several events without content (each after its stream's current last
    event, read under the head lock) inside the caller's transaction, in order.

    The same events, hashes and Merkle nodes as as many `append_event` calls, but the
    head is read and written once, and the rows go in with one statement per kind:
    for the sweep, which escalates hundreds of cases in one pass.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_events must run inside the command's transaction")
    if not appends:
        return []
    if staging.current() is not None:
        raise RuntimeError("append_events does not stage: call it outside appends_at_commit")
    with connection.cursor() as cursor:
        size, frontier_json = _head_row(cursor)
        timing.head_locked()
        tips = _stream_tips(cursor, sorted({a.stream for a in appends}))
        frontier = [bytes.fromhex(h) for h in json.loads(frontier_json)]
        recorded_at = format_time(timezone.now())
        rows: list[dict[str, Any]] = []
        nodes: list[tuple[int, int, bytes]] = []
        for seq, append in enumerate(appends, start=size):
            version, prev_hash = tips.get(append.stream, (0, GENESIS_HASH))
            record = EventRecord(
                seq=seq,
                stream=append.stream,
                stream_version=version + 1,
                type=append.event_type,
                schema_version=append.schema_version,
                recorded_at=recorded_at,
                actor_id=append.actor.pseudonym,
                actor_role=append.actor.role,
                metadata=canonical_json(dict(append.metadata)),
                body=b"",
                prev_hash=prev_hash,
            )
            fields = {**dataclasses.asdict(record), "hash": event_hash(record)}
            rows.append(fields)
            tips[append.stream] = (record.stream_version, fields["hash"])
            frontier, completed = merkle.frontier_append_nodes(
                frontier, seq, bytes.fromhex(fields["hash"])
            )
            nodes += completed
        cursor.executemany(_INSERT_EVENTS, [list(row.values()) for row in rows])
        _store_tree(cursor, nodes, size + len(rows), frontier)
    return list(Event.objects.filter(seq__gte=size, seq__lt=size + len(rows)).order_by("seq"))


def event_content(event: Event, case_key: bytes) -> dict[str, Any]:
    """Decrypt an event's body with the case key; {} when it has none."""
    body = bytes(event.body)
    if not body:
        return {}
    plaintext = vault.decrypt_case_content(
        case_key, body, bound_to=body_binding(event.stream, event.stream_version, event.type)
    )
    try:
        return parse_json_object(plaintext.decode())
    except (ValueError, InvalidInput) as exc:
        raise _malformed(event, "content") from exc


def event_metadata(event: Event) -> dict[str, Any]:
    """The event's clear metadata as a dict; MalformedEvent (naming the event) if it does
    not parse, so a page can say which entry is damaged instead of failing."""
    try:
        return parse_json_object(event.metadata)
    except (ValueError, TypeError, InvalidInput) as exc:
        raise _malformed(event, "metadata") from exc


def _malformed(event: Event, part: str) -> MalformedEvent:
    return MalformedEvent(
        f"Entry {event.seq} of the record cannot be read (its {part} is damaged). "
        "The auditor's verification reports it.",
        seq=event.seq,
    )


def current_root(head: LedgerHead | None = None) -> tuple[int, bytes]:
    """Size and root of the log now, from the stored frontier (or the head given)."""
    head = head if head is not None else LedgerHead.objects.filter(pk=1).first()
    if head is None:
        return 0, merkle.root_from_leaf_hashes([])
    frontier = [bytes.fromhex(h) for h in json.loads(head.frontier)]
    return head.size, merkle.frontier_root(frontier, head.size)


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
