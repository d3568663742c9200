"""Reading event rows for verification, one consistent snapshot, malformed rows reported.

Reads with a plain cursor rather than the ORM: verify must keep up with millions of
events, and a row that no longer parses (bad UTF-8, a NULL, a number stored as text) must
be reported with its sequence number while the rest is still checked, not crash the run.
On SQLite the text columns are read as bytes, because the driver refuses to decode
invalid UTF-8 and would abort the whole fetch.
"""

from __future__ import annotations

import binascii
import json
import multiprocessing
import operator
import struct
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from hashlib import sha256
from typing import Any

from django.db import connection, transaction

from ombuds.ledger.encoding import ENCODING_TAG, GENESIS_HASH

_TEXT = ("stream", "type", "recorded_at", "actor_id", "actor_role", "metadata", "prev_hash")
SQLITE_SELECT = (
    "SELECT seq, CAST(stream AS BLOB), stream_version, CAST(type AS BLOB), schema_version,"
    " CAST(recorded_at AS BLOB), CAST(actor_id AS BLOB), CAST(actor_role AS BLOB),"
    " CAST(metadata AS BLOB), body, CAST(prev_hash AS BLOB), CAST(hash AS BLOB)"
    " FROM ledger_event"
)
_PLAIN_SELECT = (
    "SELECT seq, stream, stream_version, type, schema_version, recorded_at, actor_id,"
    " actor_role, metadata, body, prev_hash, hash FROM ledger_event"
)

BATCH = 5000
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


_PACK = struct.Struct(">I").pack
_HEAD = b"\x00" + ENCODING_TAG  # the RFC 6962 leaf prefix, then the encoding's tag
_GENESIS = GENESIS_HASH.encode()


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return None


def _unreadable(row: tuple[Any, ...], position: int, problems: list[str]) -> Row:
    seq, stream, version, etype, schema, at, actor, role, meta, _body, prev, stored = row
    label = f"event {seq}" if type(seq) is int else f"event at position {position}"
    numbers = (("seq", seq), ("stream_version", version), ("schema_version", schema))
    texts = [_as_bytes(v) for v in (stream, etype, at, actor, role, meta, prev)]
    bad = [name for name, value in numbers if type(value) is not int]
    bad += [name for name, value in zip(_TEXT, texts, strict=True) if value is None]
    problems.append(f"{label} is unreadable: {', '.join(bad)} missing or of the wrong type")
    return (seq, texts[0] or b"", version, texts[6] or b"", _as_bytes(stored) or b"", None)


def _not_utf8(label: str, texts: tuple[bytes, ...], problems: list[str]) -> None:
    for name, value in zip(_TEXT, texts, strict=True):
        if not value.isascii():
            try:
                value.decode()
            except UnicodeDecodeError:
                problems.append(f"{label} is malformed: {name} is not valid UTF-8")


_OBJECTS: set[bytes] = set()  # metadata seen to be a JSON object ('{}' is a third of them)
_OBJECTS_KEPT = 20_000
_RAW_DECODE = json.JSONDecoder().raw_decode


def _json_object(meta: bytes) -> bool:
    """Whether the metadata is one JSON object, as `json.loads(meta)` would say, at a third
    of its cost (it was 40% of hashing a row): metadata seen before is remembered, and the
    canonical form (UTF-8, no surrounding space) is decoded directly; anything else goes
    to `json.loads` itself, so the answer is the same."""
    if meta in _OBJECTS:
        return True
    try:
        text = meta.decode()
        value, end = _RAW_DECODE(text)
        ok = end == len(text) and type(value) is dict
    except ValueError:
        ok = False
    if not ok:
        try:
            ok = type(json.loads(meta)) is dict
        except ValueError:
            return False
    if ok and len(_OBJECTS) < _OBJECTS_KEPT:
        _OBJECTS.add(meta)
    return ok


def check_row(row: tuple[Any, ...], position: int, problems: list[str]) -> Row:
    """Recompute one row's leaf hash from its raw fields, noting what is malformed.

    The encoding is `encoding.encode_fields`, written out on the stored bytes (no decode
    and re-encode, no loop) because this is verify's inner loop; a test checks that both
    agree.
    """
    seq, stream, version, etype, schema, at, actor, role, meta, body, prev, stored = row
    if type(stream) is str:  # PostgreSQL hands back text; SQLite was asked for bytes
        stream, etype, at, actor, role, meta, prev, stored = (
            v.encode() if type(v) is str else v
            for v in (stream, etype, at, actor, role, meta, prev, stored)
        )
    if not (
        type(seq) is int
        and type(version) is int
        and type(schema) is int
        and type(stream) is bytes
        and type(etype) is bytes
        and type(at) is bytes
        and type(actor) is bytes
        and type(role) is bytes
        and type(meta) is bytes
        and type(prev) is bytes
    ):
        return _unreadable(row, position, problems)
    texts = (stream, etype, at, actor, role, meta, prev)
    if not b"".join(texts).isascii():  # one C call, not a generator per field
        _not_utf8(f"event {seq}", texts, problems)
    if not _json_object(meta):
        problems.append(f"event {seq} is malformed: its metadata is not a JSON object")
    body = b"" if body is None else bytes(body)
    s, v, c = str(seq).encode(), str(version).encode(), str(schema).encode()
    encoded = b"".join(
        (
            _HEAD,
            _PACK(len(s)), s,
            _PACK(len(stream)), stream,
            _PACK(len(v)), v,
            _PACK(len(etype)), etype,
            _PACK(len(c)), c,
            _PACK(len(at)), at,
            _PACK(len(actor)), actor,
            _PACK(len(role)), role,
            _PACK(len(meta)), meta,
            _PACK(len(body)), body,
            _PACK(len(prev)), prev,
        )
    )  # fmt: skip
    stored_b = stored if type(stored) is bytes else (_as_bytes(stored) or b"")
    return (seq, stream, version, prev, stored_b, sha256(encoded).digest())


_LENGTHS = [_PACK(n) for n in range(4096)]  # 4-byte prefixes of the usual field lengths
_NUMBERS: dict[int, bytes] = {}  # version or schema number -> its prefixed decimal
_NUMBERS_KEPT = 100_000


def _number(value: int) -> bytes:
    text = str(value).encode()
    prefixed = _PACK(len(text)) + text
    if len(_NUMBERS) < _NUMBERS_KEPT:
        _NUMBERS[value] = prefixed
    return prefixed


def walk_rows(
    rows: Iterable[tuple[Any, ...]],
    start: int,
    chains: dict[bytes, Any],
    problems: list[str],
    *,
    limit: int,
) -> list[bytes]:
    """Check each row's hash, position and chain link (as `check_row` and verify's walk
    do), and return the leaf hashes in order: verify's inner loop over SQLite's rows.

    One loop, one `b"".join` and one hashlib call per row, with the length prefixes of
    usual lengths precomputed. A row that is not as expected (a NULL, a number stored as
    text, a field of 4,096 bytes or more) goes through `check_row` itself, so what is
    reported is the same. `chains` maps a stream to its last (version, stored hash)
    before `start`, as in verify; stops once more than `limit` problems are found.
    """
    lengths, numbers, objects = _LENGTHS, _NUMBERS, _OBJECTS
    genesis = _GENESIS
    head = _HEAD
    leaves: list[bytes] = []
    append = leaves.append
    chain_of = chains.get
    hexlify = binascii.hexlify
    position = start - 1
    for row in rows:
        position += 1
        seq, stream, version, etype, schema, at, actor, role, meta, body, prev, stored = row
        try:
            if type(seq) is not int or type(version) is not int or type(schema) is not int:
                raise TypeError
            s = b"%d" % seq
            encoded = b"".join(
                (
                    head,
                    lengths[len(s)], s,
                    lengths[len(stream)], stream,
                    numbers.get(version) or _number(version),
                    lengths[len(etype)], etype,
                    numbers.get(schema) or _number(schema),
                    lengths[len(at)], at,
                    lengths[len(actor)], actor,
                    lengths[len(role)], role,
                    lengths[len(meta)], meta,
                    lengths[len(body)], body,
                    lengths[len(prev)], prev,
                )
            )  # fmt: skip
            if type(stored) is not bytes:
                raise TypeError
        except (TypeError, IndexError):
            seq, stream, version, prev, stored, digest = check_row(row, position, problems)
            if digest is None:
                append(b"\x00" * 32)
                continue
        else:
            texts = (stream, etype, at, actor, role, meta, prev)
            if not b"".join(texts).isascii():
                _not_utf8(f"event {seq}", texts, problems)
            if meta not in objects and not _json_object(meta):
                problems.append(f"event {seq} is malformed: its metadata is not a JSON object")
            digest = sha256(encoded).digest()
        if seq != position:
            problems.append(f"event {seq} is at position {position}: missing events")
        if hexlify(digest) != stored:
            problems.append(f"event {seq} does not match its hash: it was altered")
        last_version, last_hash = chain_of(stream) or (0, genesis)
        if version != last_version + 1 or prev != last_hash:
            name = stream.decode(errors="replace")
            problems.append(f"event {seq} breaks the chain of {name} at version {version}")
        # Chain on the stored hash, so one altered event is reported once, not again as a
        # break in the event after it.
        chains[stream] = (version, stored)
        append(digest)
        if len(problems) > limit:
            break
    return leaves


def check_rows(rows: list[tuple[Any, ...]], start: int) -> tuple[list[Row], list[str]]:
    """check_row over a batch (a process pool's unit of work)."""
    problems: list[str] = []
    return [check_row(row, i, problems) for i, row in enumerate(rows, start)], problems


def checked_rows(
    rows: Iterator[tuple[Any, ...]], start: int, problems: list[str], *, parallel: bool
) -> Iterator[Row]:
    """Rows checked in order; with `parallel`, hashed by two processes while this one
    goes on reading (fork: the workers never touch the database connection)."""
    if not parallel:
        for position, row in enumerate(rows, start):
            yield check_row(row, position, problems)
        return
    context = multiprocessing.get_context("fork")
    pending: deque[Future[tuple[list[Row], list[str]]]] = deque()
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        position = start
        for batch in _batched(rows):
            pending.append(pool.submit(check_rows, list(batch), position))
            position += len(batch)
            while len(pending) > 4:
                done, found = pending.popleft().result()
                problems.extend(found)
                yield from done
        while pending:
            done, found = pending.popleft().result()
            problems.extend(found)
            yield from done


def _batched(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def event_rows(
    *, from_seq: int = 0, batch: int = 5000, stored_order: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Raw event rows from `from_seq` on, in order (`stored_order`: as `event_batches`)."""
    for rows in event_batches(from_seq=from_seq, batch=batch, stored_order=stored_order):
        yield from rows


class NotInStoredOrder(Exception):
    """The rows, read in the order SQLite stores them, are not one seq after another:
    read them again through the seq index."""


SEQ = operator.itemgetter(0)


def event_batches(
    *,
    from_seq: int = 0,
    batch: int = 5000,
    stored_order: bool = False,
    until_seq: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Raw event rows from `from_seq` on, in order, a list of up to `batch` at a time.

    `stored_order` (SQLite, a full read): read the table in row-id order, which is the
    order events were appended in, instead of through the seq index, which looks every
    row up apart (2.3 against 5.7 us a row at 100,000 events). Each batch is checked to
    hold exactly the next seqs; if it does not (an event deleted, ids rewritten, a seq not
    a number), `NotInStoredOrder` is raised and the caller reads again by seq, so what is
    reported never depends on the row ids. `until_seq` (with `stored_order`): stop before
    that seq.
    """
    sqlite = connection.vendor == "sqlite"
    select = SQLITE_SELECT if sqlite else _PLAIN_SELECT
    by_id = stored_order and sqlite and from_seq == 0
    with connection.cursor() as cursor:
        if by_id:
            cursor.execute(f"{select} ORDER BY id")
        else:
            cursor.execute(f"{select} WHERE seq >= %s ORDER BY seq", [from_seq])
        expected = from_seq
        while rows := cursor.fetchmany(batch):
            if until_seq is not None and expected + len(rows) >= until_seq:
                rows = rows[: max(until_seq - expected, 0)]
            if by_id and list(map(SEQ, rows)) != list(range(expected, expected + len(rows))):
                raise NotInStoredOrder(f"event rows after seq {expected - 1}")
            expected += len(rows)
            if rows:
                yield rows
            if until_seq is not None and expected >= until_seq:
                return


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
