"""Inclusion and consistency proofs read from the stored tree nodes: O(log n) rows.

`append_event` stores each interior node as its perfect subtree completes
(`ledger.MerkleNode`); level 0 is the events' own hashes. Nodes are a cache: every proof
given out here is checked against the signed root it is for before it leaves.
"""

from __future__ import annotations

from django.db import connection

from ombuds.ledger import merkle


def stored_nodes(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of these (level, index) positions, in two indexed queries."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = sorted(i for level, i in wanted if level == 0)
    inner = sorted((level, i) for level, i in wanted if level > 0)
    with connection.cursor() as cursor:
        if leaves:
            marks = ", ".join(["%s"] * len(leaves))
            cursor.execute(f"SELECT seq, hash FROM ledger_event WHERE seq IN ({marks})", leaves)  # noqa: S608
            for seq, digest in cursor.fetchall():
                found[(0, int(seq))] = bytes.fromhex(digest)
        if inner:
            where = " OR ".join(['(level = %s AND "index" = %s)'] * len(inner))
            cursor.execute(
                f'SELECT level, "index", hash FROM ledger_merklenode WHERE {where}',  # noqa: S608
                [v for pair in inner for v in pair],
            )
            for level, index, digest in cursor.fetchall():
                found[(int(level), int(index))] = bytes.fromhex(digest)
    return found


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]) from the stored tree."""
    return merkle.stored_inclusion_proof(index, size, stored_nodes)


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[0:new_size]) from the stored tree."""
    return merkle.stored_consistency_proof(old_size, new_size, stored_nodes)


def root_at(size: int) -> bytes:
    """The root of the first `size` events from the stored tree."""
    return merkle.stored_root(size, stored_nodes)
