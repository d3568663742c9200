"""Reading event rows for verification, one consistent snapshot, malformed rows reported.

Reads with a plain cursor rather than the ORM: verify must keep up with millions of
events, and a row that no longer parses (bad UTF-8, a NULL, a number stored as text) must
be reported with its sequence number while the rest is still checked, not crash the run.
On SQLite the text columns are read as bytes, because the driver refuses to decode
invalid UTF-8 and would abort the whole fetch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from ombuds.ledger.encoding import ENCODING_TAG

_TEXT = ("stream", "type", "recorded_at", "actor_id", "actor_role", "metadata", "prev_hash")
_SQLITE_SELECT = (
    "SELECT seq, CAST(stream AS BLOB), stream_version, CAST(type AS BLOB), schema_version,"
    " CAST(recorded_at AS BLOB), CAST(actor_id AS BLOB), CAST(actor_role AS BLOB),"
    " CAST(metadata AS BLOB), body, CAST(prev_hash AS BLOB), CAST(hash AS BLOB)"
    " FROM ledger_event"
)
_PLAIN_SELECT = (
    "SELECT seq, stream, stream_version, type, schema_version, recorded_at, actor_id,"
    " actor_role, metadata, body, prev_hash, hash FROM ledger_event"
)

# A row as verify uses it: (seq, stream, version, prev_hash, hash, leaf digest) or, for a
# row that cannot be hashed at all, None in place of the digest.
Row = tuple[Any, bytes, Any, bytes, bytes, bytes | None]


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Everything read inside sees the database at one moment.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction. SQLite: one deferred read
    transaction (WAL gives it a snapshot without blocking writers; the product's IMMEDIATE
    mode would lock writers out for the whole run). Inside a caller's transaction, that
    transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return None


def _length(field: bytes) -> bytes:
    return len(field).to_bytes(4, "big")


def check_row(row: tuple[Any, ...], position: int, problems: list[str]) -> Row:
    """Recompute one row's leaf hash from its raw fields, noting what is malformed.

    The encoding is `encoding.encode_fields`, done on the stored bytes directly (no decode
    and re-encode) so that verify keeps its speed; a test checks that both agree.
    """
    from hashlib import sha256

    seq, stream, version, etype, schema, at, actor, role, meta, body, prev, stored = row
    label = f"event {seq}" if type(seq) is int else f"event at position {position}"
    numbers = (("seq", seq), ("stream_version", version), ("schema_version", schema))
    texts = [_as_bytes(v) for v in (stream, etype, at, actor, role, meta, prev)]
    bad = [name for name, value in numbers if type(value) is not int]
    bad += [name for name, value in zip(_TEXT, texts, strict=True) if value is None]
    stored_b = _as_bytes(stored) or b""
    if bad:
        problems.append(f"{label} is unreadable: {', '.join(bad)} missing or of the wrong type")
        return (seq, texts[0] or b"", version, texts[6] or b"", stored_b, None)
    s_stream, s_type, s_at, s_actor, s_role, s_meta, s_prev = (t or b"" for t in texts)
    for name, value in zip(_TEXT, texts, strict=True):
        if value is not None and not value.isascii():
            try:
                value.decode()
            except UnicodeDecodeError:
                problems.append(f"{label} is malformed: {name} is not valid UTF-8")
    try:
        if not isinstance(json.loads(s_meta), dict):
            raise ValueError
    except ValueError:
        problems.append(f"{label} is malformed: its metadata is not a JSON object")
    body_b = _as_bytes(body) if body is not None else b""
    fields = (
        str(seq).encode(),
        s_stream,
        str(version).encode(),
        s_type,
        str(schema).encode(),
        s_at,
        s_actor,
        s_role,
        s_meta,
        body_b or b"",
        s_prev,
    )
    encoded = ENCODING_TAG + b"".join(_length(f) + f for f in fields)
    digest = sha256(b"\x00" + encoded).digest()
    return (seq, s_stream, version, s_prev, stored_b, digest)


def event_rows(*, from_seq: int = 0, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    """Raw event rows from `from_seq` on, in order."""
    select = _SQLITE_SELECT if connection.vendor == "sqlite" else _PLAIN_SELECT
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE seq >= %s ORDER BY seq", [from_seq])
        while rows := cursor.fetchmany(batch):
            yield from rows


def stream_tips(before: int, wanted: set[tuple[bytes, int]]) -> dict[bytes, tuple[int, bytes]]:
    """For (stream, version) pairs, the stored hash of that version when its seq < before."""
    found: dict[bytes, tuple[int, bytes]] = {}
    pairs = sorted(wanted)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 400):
            chunk = pairs[start : start + 400]
            where = " OR ".join(["(stream = %s AND stream_version = %s)"] * len(chunk))
            cursor.execute(
                f"SELECT stream, stream_version, hash FROM ledger_event"  # noqa: S608
                f" WHERE seq < %s AND ({where})",
                [
                    before,
                    *(
                        v
                        for stream, version in chunk
                        for v in (stream.decode(errors="replace"), version)
                    ),
                ],
            )
            for stream, version, digest in cursor.fetchall():
                found[str(stream).encode()] = (int(version), str(digest).encode())
    return found
