"""The second part of the log, read and walked by verify's worker while the verifying
process reads and walks the first (SQLite, a full run in stored order, many events).

Reading rows costs as much as hashing them, and only the process that holds the
snapshot's connection could read them; so the worker opens a read-only connection of
its own to the database file. Its snapshot is later than the verifying process's, which
changes nothing below the head's size: Ombuds never changes or removes an event, and a
change by anyone else is what verify is looking for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from ombuds.ledger.encoding import GENESIS_HASH
from ombuds.ledger.rows import BATCH, SEQ, SQLITE_SELECT, NotInStoredOrder, walk_rows

# From here on (events), the worker also reads and walks the last part of the log itself.
SECOND_PART_FROM = 50_000
# The verifying process's share: reading and walking cost the same in both processes,
# and the worker also builds the tree and the checkpoints' roots (about half as much).
FIRST_PART = 0.65

_GENESIS = GENESIS_HASH.encode()
SecondPart = tuple[str, int, int, int]  # database file, first row id, first seq, seq to stop at


def second_part(size: int, *, stored_order: bool) -> SecondPart | None:
    """What verify's worker reads and walks itself, in a full run of `size` events: on a
    SQLite file, in stored order, with many events, the last part of the log."""
    if not stored_order or connection.vendor != "sqlite" or size < SECOND_PART_FROM:
        return None
    name = str(connection.settings_dict["NAME"])
    if "memory" in name or not Path(name).is_file():
        return None
    first = int(size * FIRST_PART)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM ledger_event WHERE seq = %s", [first])
        row = cursor.fetchone()
    return None if row is None else (name, int(row[0]), first, size)


def stored_half(path: str, from_id: int, from_seq: int, until_seq: int) -> Iterator[list[Any]]:
    """Event rows `from_seq` to `until_seq` (excluded), read in stored order from row id
    `from_id`, through a connection of their own to the SQLite file at `path`: for
    verify's worker, which reads the second part of the log while the verifying process
    reads the first. Its snapshot is later than the verifying process's, which changes
    nothing below `until_seq` (the head's size then): events are never changed or removed
    by Ombuds, and a change by anyone else is what is being looked for. NotInStoredOrder
    as in `event_batches`."""
    reader = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        cursor = reader.execute(f"{SQLITE_SELECT} WHERE id >= ? ORDER BY id", [from_id])
        expected = from_seq
        while expected < until_seq and (rows := cursor.fetchmany(BATCH)):
            rows = rows[: until_seq - expected]
            if list(map(SEQ, rows)) != list(range(expected, expected + len(rows))):
                raise NotInStoredOrder(f"event rows after seq {expected - 1}")
            expected += len(rows)
            yield rows
        if expected < until_seq:
            raise NotInStoredOrder(f"event rows after seq {expected - 1}")
    finally:
        reader.close()


@dataclass
class Half:
    """What `walk_half` found in the second part of the log."""

    leaves: bytes  # the leaf hashes, 32 bytes each, in order
    problems: list[str]
    firsts: dict[Any, tuple[Any, Any, Any]]  # stream: (seq, version, prev_hash) of its first
    chains: dict[Any, Any]  # stream: (version, stored hash) of its last


def walk_half(path: str, from_id: int, from_seq: int, until_seq: int, *, limit: int) -> Half:
    """`walk_rows` over the events `from_seq` to `until_seq`, read by `stored_half`. A
    stream's first event here is taken to link to whatever it names; the verifying
    process checks that against the first part's chains (`Half.firsts`), as one walk
    over the whole log would."""
    chains: dict[Any, Any] = {}
    firsts: dict[Any, tuple[Any, Any, Any]] = {}
    problems: list[str] = []
    leaves: list[bytes] = []
    for rows in stored_half(path, from_id, from_seq, until_seq):
        for row in rows:
            stream = row[1]
            if stream not in firsts:
                firsts[stream] = (row[0], row[2], row[10])
                if type(row[2]) is int:
                    chains[stream] = (row[2] - 1, row[10])
        leaves += walk_rows(rows, from_seq + len(leaves), chains, problems, limit=limit)
        if len(problems) > limit:
            break
    return Half(b"".join(leaves), problems, firsts, chains)


def links_into_half(half: Half, chains: dict[Any, Any]) -> list[str]:
    """The chain problems at each stream's first event in `half`, against `chains` (the
    first part's, walked by this process): what one walk would have found there."""
    problems = []
    for stream, (seq, version, prev) in half.firsts.items():
        if type(version) is not int or type(stream) is not bytes:
            continue  # malformed: reported by the walk
        last_version, last_hash = chains.get(stream) or (0, _GENESIS)
        if version != last_version + 1 or prev != last_hash:
            name = stream.decode(errors="replace")
            problems.append(f"event {seq} breaks the chain of {name} at version {version}")
    return problems


def joined_half(half: Half, leaves: list[bytes], chains: dict[Any, Any]) -> list[str]:
    """Add the second part's leaves and chains to the first part's, and give its problems
    with the chain links into it checked against the first part's chains, each event's
    in the order one walk finds them (the chain last)."""
    problems = sorted(half.problems + links_into_half(half, chains), key=_problem_seq)
    leaves += [half.leaves[i : i + 32] for i in range(0, len(half.leaves), 32)]
    chains.update(half.chains)
    return problems


def _problem_seq(problem: str) -> int:
    words = problem.split(" ", 2)
    return int(words[1]) if words[0] == "event" and words[1].isdigit() else -1
