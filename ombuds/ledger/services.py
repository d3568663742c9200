"""Appending events: the only writes to the ledger's events (checkpoints: `checkpoints.py`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection
from django.utils import timezone

from ombuds import vault
from ombuds.ledger import merkle, staging, timing
from ombuds.ledger.actor import Actor
from ombuds.ledger.encoding import GENESIS_HASH, EventRecord, event_hash, format_time
from ombuds.ledger.models import Event, LedgerHead
from ombuds.lib.canonical import canonical_json, parse_json_object
from ombuds.lib.errors import ConcurrentChange, InvalidInput, MalformedEvent

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


# append_event is the hot path of every command, so it speaks plain SQL through Django's
# cursor (as verify does) instead of building querysets and model saves four times over.
_EVENT_COLUMNS = ", ".join(staging.EVENT_COLUMNS)
_INSERT_EVENTS = (
    f"INSERT INTO ledger_event ({_EVENT_COLUMNS})"  # noqa: S608 - constant column list
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_INSERT_EVENT = f"{_INSERT_EVENTS} RETURNING id"
_LAST_OF_STREAM = (
    "SELECT stream_version, hash FROM ledger_event WHERE stream = %s"
    " ORDER BY stream_version DESC LIMIT 1"
)


def _store_tree(
    cursor: Any,
    nodes: list[tuple[int, int, bytes]],
    size: int,
    frontier: list[bytes],
    checkpoint: str,
) -> None:
    """The interior Merkle nodes the appends completed (so that proofs read O(log n) rows,
    ledger/proofs.py) and the head's new size and frontier, signed (`checkpoint`: the
    latest checkpoint's digest, which the head names)."""
    for start in range(0, len(nodes), 300):
        chunk = nodes[start : start + 300]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        cursor.execute(
            f'INSERT INTO ledger_merklenode (level, "index", hash) VALUES {values}',  # noqa: S608
            [v for level, index, h in chunk for v in (level, index, h.hex())],
        )
    staging.sign_head(
        cursor,
        size=size,
        frontier=json.dumps([h.hex() for h in frontier]),
        root=merkle.frontier_root(frontier, size),
        checkpoint=checkpoint,
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
            head = staging.locked_head_row(cursor)
            size, frontier_json, checkpoint = head.size, head.frontier, head.checkpoint
            timing.head_locked()
        else:  # computed now, written at the block's end (ledger/staging.py)
            size, frontier_json, checkpoint = staged.size, "", ""
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
        _store_tree(cursor, nodes, size + 1, frontier, checkpoint)
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
        head = staging.locked_head_row(cursor)
        size, frontier_json, checkpoint = head.size, head.frontier, head.checkpoint
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
        _store_tree(cursor, nodes, size + len(rows), frontier, checkpoint)
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
