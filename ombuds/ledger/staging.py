"""Appends computed first and written last: the ledger head held for one statement.

A command that appends while holding the head row for its whole transaction makes every
other command wait for all of its work, and under load that work is slow (other requests'
Python and Argon2id share the cores). Inside `appends_at_commit()` the head is read but
not locked; `append_event` and `checkpoint_create` compute each event's sequence number,
hashes, Merkle nodes and signed checkpoint from it in memory, and the block's end writes
them all, with the head's new size and frontier, in one statement that takes the head row
only if the head is still the one read. If another command appended in between, nothing
is written and `HeadMoved` is raised: the caller rolls its transaction back and runs the
command again (`run_with_appends_at_commit`), the last time with the head locked from the
start, so a command always ends.

SQLite serialises write transactions (IMMEDIATE), so the head read there cannot move.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection, transaction

from ombuds.ledger import merkle, timing
from ombuds.ledger.models import Checkpoint, Event, LedgerHead
from ombuds.ledger.signing import sign_tree_head, tree_head_signed
from ombuds.lib.errors import LedgerUnsigned
from ombuds.lib.security_log import SecurityEvent, security_event

T = TypeVar("T")

# How many times a command runs with the head unlocked before it takes the lock early.
OPTIMISTIC_ATTEMPTS = 3

EVENT_COLUMNS = (
    "seq",
    "stream",
    "stream_version",
    "type",
    "schema_version",
    "recorded_at",
    "actor_id",
    "actor_role",
    "metadata",
    "body",
    "prev_hash",
    "hash",
)
CHECKPOINT_COLUMNS = (
    "size",
    "root",
    "signed_at",
    "origin",
    "public_key",
    "signature",
    "note_signature",
    "previous",
)


class HeadMoved(Exception):
    """Another command appended after this one read the head: nothing was written."""


@dataclass
class Staging:
    """The appends of one block, in order, and the head they follow."""

    base_size: int
    size: int
    frontier: list[bytes]
    base_checkpoint: str = ""  # the head's latest checkpoint digest when read
    checkpoint: str = ""  # the digest of the block's latest checkpoint, once it has one
    events: list[Event] = field(default_factory=list)
    nodes: list[tuple[int, int, bytes]] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    tips: dict[str, tuple[int, str]] = field(default_factory=dict)

    def stream_tip(self, stream: str) -> tuple[int, str] | None:
        """The last (version, hash) this block appended to `stream`, if any."""
        return self.tips.get(stream)

    def add_event(self, fields: dict[str, Any]) -> Event:
        """Take one event (fields in `EVENT_COLUMNS` order, `seq` = `self.size`)."""
        self.frontier, completed = merkle.frontier_append_nodes(
            self.frontier, self.size, bytes.fromhex(fields["hash"])
        )
        self.nodes += completed
        self.size += 1
        self.tips[fields["stream"]] = (fields["stream_version"], fields["hash"])
        event = Event(**fields)
        self.events.append(event)
        return event

    def root(self) -> bytes:
        return merkle.frontier_root(self.frontier, self.size)

    def add_checkpoint(self, checkpoint: Checkpoint, digest: str) -> Checkpoint:
        """Take one signed checkpoint of this block's head; `digest`: its digest, which
        the head will name and the block's next checkpoint links to."""
        self.checkpoints.append(checkpoint)
        self.checkpoint = digest
        return checkpoint


_local = threading.local()  # Django's connections are per thread too


def current() -> Staging | None:
    """The staging block this thread is in, if any."""
    return getattr(_local, "staging", None)


@dataclass(frozen=True)
class Head:
    """The ledger head row as stored (`models.LedgerHead`)."""

    size: int
    frontier: str  # JSON list of hex subtree hashes
    checkpoint: str  # the latest checkpoint's digest
    signed_at: str
    signature: str

    @cached_property
    def root(self) -> bytes:
        """The root its frontier gives (once: checking the signature needs it too)."""
        return merkle.frontier_root(
            [bytes.fromhex(h) for h in json.loads(self.frontier)], self.size
        )


def head_row(cursor: Any, *, lock: bool) -> Head | None:
    """The head row, locked if asked (PostgreSQL: FOR UPDATE; SQLite's IMMEDIATE
    transaction already holds the write lock); None before the first append."""
    suffix = " FOR UPDATE" if lock and connection.vendor == "postgresql" else ""
    cursor.execute(
        "SELECT size, frontier, checkpoint, signed_at, signature FROM ledger_ledgerhead"  # noqa: S608
        f" WHERE id = 1{suffix}"
    )
    row = cursor.fetchone()
    return Head(int(row[0]), *map(str, row[1:])) if row else None


def locked_head_row(cursor: Any) -> Head:
    """head_row, locked until commit, once its signature is checked (`check_head_signed`);
    the head row is made by the very first append."""
    head = head_row(cursor, lock=True)
    if head is None:
        LedgerHead.objects.get_or_create(pk=1)
        head = head_row(cursor, lock=True)
    if head is None:  # pragma: no cover - made just above
        raise RuntimeError("the ledger head row could not be made")
    check_head_signed(head)
    return head


def check_head_signed(head: Head) -> None:
    """Refuse to write on top of a head that does not carry this instance's signature
    over what it stores (LedgerUnsigned, and a security event). Every append signs the
    head it leaves (`sign_head`), so a head that fails was changed by someone without
    the key, and signing on top of it would cover the change. Only the new, empty head
    has no signature."""
    if not head.signature and (head.size, head.frontier, head.checkpoint) == (0, "[]", ""):
        return
    try:
        root = head.root
    except (ValueError, TypeError):
        root = b""
    if not tree_head_signed(
        size=head.size,
        root=root,
        previous=head.checkpoint,
        signed_at=head.signed_at,
        signature=head.signature,
    ):
        security_event(SecurityEvent.LEDGER_HEAD_UNSIGNED, size=head.size)
        raise LedgerUnsigned(
            "The record cannot be written to until the scheme's administrator has checked"
            " it. Nothing was saved: please try again later."
        )


@contextmanager
def appends_at_commit(*, lock: bool = False) -> Iterator[Staging | None]:
    """Stage the block's appends and write them at its end (see the module's docstring).

    Inside the caller's transaction. `lock`: take the head row now (the last attempt of
    a command that found the head moved twice). Raises HeadMoved at the end if another
    command appended meanwhile. A ledger with no head row yet is appended to directly.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("appends_at_commit must run inside the command's transaction")
    if current() is not None:
        raise RuntimeError("appends_at_commit blocks do not nest")
    with connection.cursor() as cursor:
        head = head_row(cursor, lock=lock)
    if head is None:  # the very first append makes the head row, under its lock
        yield None
        return
    check_head_signed(head)
    if lock:
        timing.head_locked()
    staging = Staging(
        base_size=head.size,
        size=head.size,
        frontier=[bytes.fromhex(h) for h in json.loads(head.frontier)],
        base_checkpoint=head.checkpoint,
        checkpoint=head.checkpoint,
    )
    _local.staging = staging
    try:
        yield staging
    finally:
        _local.staging = None
    if staging.events or staging.checkpoints:
        _write(staging)


def run_with_appends_at_commit(command: Callable[[], T]) -> T:
    """Run `command` in a transaction whose appends are staged, again if the head moved.

    `command` must be safe to run again: everything it wrote is rolled back with the
    transaction, and it must draw its random values afresh inside. Inside another
    staged block, its appends simply join that block's."""
    if current() is not None:
        return command()
    for attempt in range(OPTIMISTIC_ATTEMPTS + 1):
        try:
            with transaction.atomic(), appends_at_commit(lock=attempt == OPTIMISTIC_ATTEMPTS):
                return command()
        except HeadMoved:
            continue
    raise AssertionError("unreachable: the last attempt holds the head")  # pragma: no cover


def _write(staging: Staging) -> None:
    new_frontier = json.dumps([h.hex() for h in staging.frontier])
    signed = sign_tree_head(size=staging.size, root=staging.root(), previous=staging.checkpoint)
    timing.head_locked()  # from here to the commit, if the head is still ours
    if connection.vendor == "postgresql":
        _write_postgresql(staging, new_frontier, signed)
    else:
        _write_in_steps(staging, new_frontier, signed)


_SET_HEAD = (
    "UPDATE ledger_ledgerhead SET size = %s, frontier = %s, checkpoint = %s, signed_at = %s,"
    " signature = %s WHERE id = 1"
)
# A block's head moves only if it is where the block read it: its size, latest checkpoint.
_MOVE_HEAD = f"{_SET_HEAD} AND size = %s AND checkpoint = %s"


def sign_head(cursor: Any, *, size: int, frontier: str, root: bytes, checkpoint: str) -> None:
    """Write the locked head (`size` events, `frontier` JSON giving `root`; `checkpoint`:
    the latest stored checkpoint's digest) with its signature, in one statement. Every
    write of the head signs it, so every command leaves the log covered by a signature
    that no one without the key can make, checked by `ombuds verify`."""
    signed_at, signature = sign_tree_head(size=size, root=root, previous=checkpoint)
    cursor.execute(_SET_HEAD, [size, frontier, checkpoint, signed_at, signature])


def _rows(values: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    if not values:
        return "", []
    width = len(values[0])
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * len(values)), [v for value in values for v in value]


def _event_values(staging: Staging) -> list[tuple[Any, ...]]:
    return [tuple(getattr(e, c) for c in EVENT_COLUMNS) for e in staging.events]


def _node_values(staging: Staging) -> list[tuple[Any, ...]]:
    return [(level, index, h.hex()) for level, index, h in staging.nodes]


def _checkpoint_values(staging: Staging) -> list[tuple[Any, ...]]:
    return [tuple(getattr(c, n) for n in CHECKPOINT_COLUMNS) for c in staging.checkpoints]


def _tables(staging: Staging) -> list[tuple[str, str, tuple[str, ...], list[tuple[Any, ...]], str]]:
    """(name, table, columns, rows, the column that names a row's id back, if any) of what
    the block writes besides the head."""
    return [
        ("events", "ledger_event", EVENT_COLUMNS, _event_values(staging), "seq"),
        ("nodes", "ledger_merklenode", ("level", '"index"', "hash"), _node_values(staging), ""),
        ("checkpoints", "ledger_checkpoint", CHECKPOINT_COLUMNS, _checkpoint_values(staging),
         "signature"),
    ]  # fmt: skip


def _write_postgresql(staging: Staging, new_frontier: str, signed: tuple[str, str]) -> None:
    """One statement: move the head if it is still where it was read, and only then
    insert the events, nodes and checkpoints (each insert reads the move's result)."""
    parts = [f"WITH moved AS ({_MOVE_HEAD} RETURNING id)"]
    params: list[Any] = [
        staging.size,
        new_frontier,
        staging.checkpoint,
        *signed,
        staging.base_size,
        staging.base_checkpoint,
    ]
    selects = ["SELECT 'head', count(*) FROM moved"]
    for name, table, columns, values, key in _tables(staging):
        if not values:
            continue
        rows, row_params = _rows(values)
        names = ", ".join(columns)
        returning = f" RETURNING {key}, id" if key else ""
        parts.append(
            f", {name} AS (INSERT INTO {table} ({names}) SELECT * FROM (VALUES {rows})"  # noqa: S608
            f" AS v WHERE EXISTS (SELECT 1 FROM moved){returning})"  # constant names
        )
        params += row_params
        if key:
            selects.append(f"SELECT {key}::text, id FROM {name}")  # noqa: S608
    sql = " ".join(parts) + " " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = {str(k): int(v) for k, v in cursor.fetchall()}
    if written.pop("head") != 1:
        raise HeadMoved
    _note_ids(staging, written)


def _write_in_steps(staging: Staging, new_frontier: str, signed: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _MOVE_HEAD,
            [
                staging.size,
                new_frontier,
                staging.checkpoint,
                *signed,
                staging.base_size,
                staging.base_checkpoint,
            ],
        )
        if cursor.rowcount != 1:
            raise HeadMoved
        written: dict[str, int] = {}
        for _name, table, columns, values, key in _tables(staging):
            if not values:
                continue
            rows, row_params = _rows(values)
            returning = f" RETURNING {key}, id" if key else ""
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows}{returning}",  # noqa: S608
                row_params,
            )
            if key:
                written.update({str(k): int(v) for k, v in cursor.fetchall()})
    _note_ids(staging, written)


def _note_ids(staging: Staging, written: dict[str, int]) -> None:
    """Give the staged events and checkpoints the ids their rows were given."""
    for event in staging.events:
        event.id = written[str(event.seq)]
        event._state.adding = False
        event._state.db = connection.alias
    for checkpoint in staging.checkpoints:
        checkpoint.id = written[checkpoint.signature]
        checkpoint._state.adding = False
        checkpoint._state.db = connection.alias
