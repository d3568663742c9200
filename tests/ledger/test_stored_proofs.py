"""Proofs from stored interior nodes equal the proofs from every leaf, at every size."""

from __future__ import annotations

from hashlib import sha256

import pytest

from ombuds.intake.services import Submission
from ombuds.ledger import merkle, proofs
from ombuds.ledger.models import Event, MerkleNode


def _stored(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    nodes: dict[tuple[int, int], bytes] = {}
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        nodes[(0, size)] = leaf
        frontier, made = merkle.frontier_append_nodes(frontier, size, leaf)
        nodes.update({(level, index): h for level, index, h in made})
    return nodes


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 9, 33])
def test_stored_nodes_give_the_same_proofs_as_every_leaf(count: int) -> None:
    leaves = [sha256(bytes([i])).digest() for i in range(count)]
    nodes = _stored(leaves)

    def lookup(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        return {p: nodes[p] for p in wanted if p in nodes}

    for size in range(1, count + 1):
        assert merkle.stored_root(size, lookup) == merkle.root_from_leaf_hashes(leaves[:size])
        for index in range(size):
            assert merkle.stored_inclusion_proof(
                index, size, lookup
            ) == merkle.inclusion_proof_from_leaf_hashes(leaves[:size], index)
        for old in range(size + 1):
            assert merkle.stored_consistency_proof(
                old, size, lookup
            ) == merkle.consistency_proof_from_leaf_hashes(leaves[:size], old)


def test_a_missing_node_is_an_error_not_a_wrong_proof() -> None:
    leaves = [sha256(bytes([i])).digest() for i in range(8)]
    nodes = _stored(leaves)
    del nodes[(2, 1)]

    def lookup(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        return {p: nodes[p] for p in wanted if p in nodes}

    with pytest.raises(ValueError, match="missing"):
        merkle.stored_inclusion_proof(0, 8, lookup)


def test_append_event_stores_every_interior_node(anonymous_report: Submission) -> None:
    leaves = [
        bytes.fromhex(h) for h in Event.objects.order_by("seq").values_list("hash", flat=True)
    ]
    expected = {p: h for p, h in _stored(leaves).items() if p[0] > 0}
    stored = {(n.level, n.index): bytes.fromhex(n.hash) for n in MerkleNode.objects.all()}
    assert stored == expected
    size = len(leaves)
    for index in range(size):
        assert proofs.inclusion_proof(index, size) == merkle.inclusion_proof_from_leaf_hashes(
            leaves, index
        )
    assert proofs.root_at(size) == merkle.root_from_leaf_hashes(leaves)


def test_verify_hashes_a_row_exactly_as_the_ledger_does(anonymous_report: Submission) -> None:
    from ombuds.ledger.encoding import EventRecord, event_hash
    from ombuds.ledger.rows import check_row, checked_rows, event_rows

    rows = list(event_rows())
    for position, row in enumerate(rows):
        seq, stream, version, etype, schema, at, actor, role, meta, body, prev, _stored = row
        text = [
            v.decode() if isinstance(v, bytes) else v
            for v in (stream, etype, at, actor, role, meta, prev)
        ]
        record = EventRecord(
            seq,
            text[0],
            version,
            text[1],
            schema,
            text[2],
            text[3],
            text[4],
            text[5],
            bytes(body),
            text[6],
        )
        problems: list[str] = []
        checked = check_row(row, position, problems)
        assert problems == [] and checked[5] == bytes.fromhex(event_hash(record))
    # The two-process path gives the same rows in the same order.
    serial = list(checked_rows(iter(rows), 0, [], parallel=False))
    assert list(checked_rows(iter(rows), 0, [], parallel=True)) == serial
