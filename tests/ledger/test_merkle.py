"""Tests for ombuds.ledger.merkle: published RFC 6962 vectors, properties, and garbage input.

Pure Python: no database, no Django.
"""

import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ombuds.ledger.merkle import (
    EMPTY_ROOT,
    MerkleLevels,
    consistency_proof,
    consistency_proof_from_leaf_hashes,
    frontier_append,
    frontier_root,
    inclusion_proof,
    inclusion_proof_from_leaf_hashes,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.database_free


def h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


# --- Reference vectors --------------------------------------------------------------------------
# Leaves, roots, perfect-subtree hashes and compact ranges: github.com/transparency-dev/merkle,
# testonly/constants.go (LeafInputs, RootHashes, NodeHashes, CompactTrees).
# Inclusion and consistency proofs: the same repository, proof/verify_test.go (inclusionProofs,
# consistencyProofs; its leaf numbers there are 1-based, converted to 0-based indexes here).
# They descend from google/certificate-transparency's merkle_tree_test.cc.

LEAVES = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]

ROOTS = [  # indexed by tree size, 0..8
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

NODE_HASHES = [  # [level][index] for the tree of all eight leaves
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")],
]

N = NODE_HASHES
COMPACT_TREES = [  # the frontier for each size 0..8, largest subtree first
    [],
    [N[0][0]],
    [N[1][0]],
    [N[1][0], N[0][2]],
    [N[2][0]],
    [N[2][0], N[0][4]],
    [N[2][0], N[1][2]],
    [N[2][0], N[1][2], N[0][6]],
    [N[3][0]],
]

INCLUSION_PROOFS = [  # (index, size, proof)
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

CONSISTENCY_PROOFS = [  # (old_size, new_size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


# --- Helpers ------------------------------------------------------------------------------------


def flip_bit(proof: Sequence[bytes], element: int, bit: int) -> list[bytes]:
    """A copy of proof with one bit of one element flipped."""
    out = list(proof)
    raw = bytearray(out[element])
    raw[bit // 8] ^= 1 << (bit % 8)
    out[element] = bytes(raw)
    return out


def flip(value: bytes) -> bytes:
    return flip_bit([value], 0, 0)[0]


def assert_inclusion_tamper_fails(
    hashes: Sequence[bytes], index: int, proof: list[bytes], rnd: random.Random
) -> None:
    """Every corruption of a good inclusion proof must be refused."""
    size, levels = len(hashes), MerkleLevels(hashes)
    root, leaf = levels.root(), hashes[index]
    if proof:
        bit = rnd.randrange(256 * len(proof))
        assert not verify_inclusion(leaf, index, size, flip_bit(proof, bit // 256, bit % 256), root)
        assert not verify_inclusion(leaf, index, size, proof[:-1], root)  # truncated
        assert not verify_inclusion(leaf, index, size, [proof[0], *proof], root)
    for other in {index - 1, index + 1, index ^ 1, index ^ 2} - {index}:
        assert not verify_inclusion(leaf, other, size, proof, root)
    assert not verify_inclusion(leaf, index, size * 2, proof, root)
    if index < size // 2:
        assert not verify_inclusion(leaf, index, size // 2, proof, root)
    # The proof alone does not pin the size (index 0 has the same path shape in trees of 5 and
    # 6 leaves, RFC 9162 binds size via the signed root), so another size is tried with the
    # root that size really has: it must fail.
    other_size = rnd.randrange(index + 1, size + 1)
    if other_size != size:
        assert not verify_inclusion(leaf, index, other_size, proof, levels.root(other_size))
    assert not verify_inclusion(leaf, index, size, [*proof, root], root)
    assert not verify_inclusion(leaf, index, size, proof, flip(root))
    assert not verify_inclusion(leaf, index, size, proof, EMPTY_ROOT)
    assert not verify_inclusion(flip(leaf), index, size, proof, root)


def assert_consistency_tamper_fails(
    hashes: Sequence[bytes], old: int, proof: list[bytes], rnd: random.Random
) -> None:
    """Every corruption of a good, non-trivial consistency proof (0 < old < new) is refused."""
    new, levels = len(hashes), MerkleLevels(hashes)
    old_root, new_root = levels.root(old), levels.root()
    bit = rnd.randrange(256 * len(proof))
    assert not verify_consistency(
        old, new, old_root, new_root, flip_bit(proof, bit // 256, bit % 256)
    )
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
    assert not verify_consistency(old, new, old_root, new_root, [old_root, *proof])
    assert not verify_consistency(old, new, old_root, new_root, [proof[0], *proof])
    assert not verify_consistency(old, new, flip(old_root), new_root, proof)
    assert not verify_consistency(old, new, old_root, flip(new_root), proof)
    assert not verify_consistency(old, new, new_root, old_root, proof)
    for other in {old - 1, old + 1, old ^ 2, rnd.randrange(new + 1)} - {old}:
        assert not verify_consistency(other, new, old_root, new_root, proof)
        if 0 <= other <= new:
            assert not verify_consistency(other, new, levels.root(other), new_root, proof)
    assert not verify_consistency(old, new * 2, old_root, new_root, proof)
    assert not verify_consistency(old, new // 2, old_root, new_root, proof)
    # As with inclusion, a different new size is only meaningful with that size's own root.
    other_new = rnd.randrange(old, new + 1)
    if other_new != new:
        assert not verify_consistency(old, other_new, old_root, levels.root(other_new), proof)


# --- Reference vector tests ---------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size: int) -> None:
    hashes = [leaf_hash(d) for d in LEAVES]
    assert root_hash(LEAVES[:size]) == ROOTS[size]
    assert root_from_leaf_hashes(hashes[:size]) == ROOTS[size]
    assert MerkleLevels(hashes).root(size) == ROOTS[size]


def test_reference_node_hashes_and_frontiers() -> None:
    hashes = [leaf_hash(d) for d in LEAVES]
    assert MerkleLevels(hashes).levels == NODE_HASHES
    assert node_hash(NODE_HASHES[0][0], NODE_HASHES[0][1]) == NODE_HASHES[1][0]
    frontier: list[bytes] = []
    for size in range(9):
        assert frontier == COMPACT_TREES[size]
        assert frontier_root(frontier, size) == ROOTS[size]
        if size < 8:
            frontier = frontier_append(frontier, size, hashes[size])


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS)
def test_reference_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    hashes = [leaf_hash(d) for d in LEAVES[:size]]
    assert inclusion_proof(LEAVES[:size], index) == proof
    assert MerkleLevels([leaf_hash(d) for d in LEAVES]).inclusion_proof(index, size) == proof
    assert verify_inclusion(hashes[index], index, size, proof, ROOTS[size])
    assert_inclusion_tamper_fails(hashes, index, proof, random.Random(index))


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS)
def test_reference_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    hashes = [leaf_hash(d) for d in LEAVES[:new]]
    assert consistency_proof(LEAVES[:new], old) == proof
    assert MerkleLevels([leaf_hash(d) for d in LEAVES]).consistency_proof(old, new) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    if proof:
        assert_consistency_tamper_fails(hashes, old, proof, random.Random(old))


# --- Properties ---------------------------------------------------------------------------------

leaf_lists = st.lists(st.binary(max_size=24), max_size=70)
# Wrong-index checks need distinct leaves: two equal leaves really do share a proof.
distinct_leaf_lists = st.lists(st.binary(max_size=24), min_size=1, max_size=70, unique=True)
fast = settings(deadline=None)


@fast
@given(leaf_lists)
def test_every_inclusion_proof_verifies(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(d) for d in leaves]
    levels, root = MerkleLevels(hashes), root_hash(leaves)
    for index in range(len(leaves)):
        proof = inclusion_proof(leaves, index)
        assert proof == inclusion_proof_from_leaf_hashes(hashes, index)
        assert proof == levels.inclusion_proof(index, len(leaves))
        assert verify_inclusion(hashes[index], index, len(leaves), proof, root)


@fast
@given(leaf_lists)
def test_every_consistency_proof_verifies(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(d) for d in leaves]
    levels, new_root = MerkleLevels(hashes), root_hash(leaves)
    for old in range(len(leaves) + 1):
        proof = consistency_proof(leaves, old)
        assert proof == consistency_proof_from_leaf_hashes(hashes, old)
        assert proof == levels.consistency_proof(old, len(leaves))
        assert verify_consistency(old, len(leaves), root_hash(leaves[:old]), new_root, proof)


@fast
@given(distinct_leaf_lists, st.randoms(use_true_random=False))
def test_tampered_inclusion_proofs_fail(leaves: list[bytes], rnd: random.Random) -> None:
    hashes = [leaf_hash(d) for d in leaves]
    for index in range(len(leaves)):
        proof = inclusion_proof_from_leaf_hashes(hashes, index)
        assert_inclusion_tamper_fails(hashes, index, proof, rnd)


@fast
@given(distinct_leaf_lists, st.randoms(use_true_random=False))
def test_tampered_consistency_proofs_fail(leaves: list[bytes], rnd: random.Random) -> None:
    hashes = [leaf_hash(d) for d in leaves]
    for old in range(1, len(leaves)):
        proof = consistency_proof_from_leaf_hashes(hashes, old)
        assert_consistency_tamper_fails(hashes, old, proof, rnd)


@fast
@given(leaf_lists, st.data())
def test_levels_match_hash_level_functions(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = [leaf_hash(d) for d in leaves]
    levels = MerkleLevels(hashes)
    assert levels.size == len(hashes)
    assert levels.root() == root_from_leaf_hashes(hashes)
    for k in range(len(hashes) + 1):
        assert levels.root(k) == root_from_leaf_hashes(hashes[:k])
    # Proofs for one earlier tree size, drawn, against the slice-and-rehash functions.
    size = data.draw(st.integers(0, len(hashes)), label="size")
    for index in range(size):
        expected = inclusion_proof_from_leaf_hashes(hashes[:size], index)
        assert levels.inclusion_proof(index, size) == expected
    for old in range(size + 1):
        expected = consistency_proof_from_leaf_hashes(hashes[:size], old)
        assert levels.consistency_proof(old, size) == expected


@fast
@given(leaf_lists)
def test_frontier_fold_matches_root(leaves: list[bytes]) -> None:
    frontier: list[bytes] = []
    assert frontier_root(frontier, 0) == EMPTY_ROOT
    for size, data in enumerate(leaves):
        frontier = frontier_append(frontier, size, leaf_hash(data))
        assert len(frontier) == (size + 1).bit_count()
        assert frontier_root(frontier, size + 1) == root_hash(leaves[: size + 1])


# --- Garbage in, False out ----------------------------------------------------------------------

LEAF = leaf_hash(b"leaf")
ROOT8 = ROOTS[8]
PROOF_0_8 = INCLUSION_PROOFS[1][2]
HASHES8 = [leaf_hash(d) for d in LEAVES]


@pytest.mark.parametrize(
    ("leaf", "index", "size", "proof", "root"),
    [
        (HASHES8[0], -1, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 8, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 9, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 0, 0, [], EMPTY_ROOT),
        (HASHES8[0], 0, -8, PROOF_0_8, ROOT8),
        (HASHES8[0], 2**70, 2**71, PROOF_0_8, ROOT8),
        (HASHES8[0], "0", 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 0.0, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], None, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 0, 8.0, PROOF_0_8, ROOT8),
        (HASHES8[0], 0, 8, [*PROOF_0_8[:2], PROOF_0_8[2][:31]], ROOT8),
        (HASHES8[0], 0, 8, [*PROOF_0_8[:2], PROOF_0_8[2] + b"\0"], ROOT8),
        (HASHES8[0], 0, 8, [b"", *PROOF_0_8], ROOT8),
        (HASHES8[0], 0, 8, [*PROOF_0_8, "x" * 32], ROOT8),
        (HASHES8[0], 0, 8, None, ROOT8),
        (HASHES8[0], 0, 8, b"".join(PROOF_0_8), ROOT8),
        (HASHES8[0], 0, 8, "proof", ROOT8),
        (HASHES8[0][:31], 0, 8, PROOF_0_8, ROOT8),
        (None, 0, 8, PROOF_0_8, ROOT8),
        (HASHES8[0], 0, 8, PROOF_0_8, ROOT8[:31]),
        (HASHES8[0], 0, 8, PROOF_0_8, None),
        (LEAF, 0, 1, [], b""),
        (b"", 0, 1, [], b""),
    ],
)
def test_verify_inclusion_refuses_garbage(leaf, index, size, proof, root) -> None:
    assert verify_inclusion(leaf, index, size, proof, root) is False


def test_verify_inclusion_accepts_buffer_types() -> None:
    # Database drivers may return bytea as memoryview.
    proof = [memoryview(p) for p in PROOF_0_8]
    assert verify_inclusion(memoryview(HASHES8[0]), 0, 8, proof, bytearray(ROOT8))  # type: ignore[arg-type]
    assert verify_inclusion(LEAF, 0, 1, (), LEAF)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof"),
    [
        (8, 6, ROOT8, ROOTS[6], CONSISTENCY_PROOFS[2][2]),
        (6, 8, ROOTS[6], ROOT8, [*CONSISTENCY_PROOFS[2][2][:2], b"\0" * 31]),
        (6, 8, ROOTS[6], ROOT8, [*CONSISTENCY_PROOFS[2][2], b""]),
        (6, 8, ROOTS[6], ROOT8, None),
        (6, 8, ROOTS[6], ROOT8, b"".join(CONSISTENCY_PROOFS[2][2])),
        (6, 8, ROOTS[6][:31], ROOT8, CONSISTENCY_PROOFS[2][2]),
        (6, 8, ROOTS[6], None, CONSISTENCY_PROOFS[2][2]),
        (-6, 8, ROOTS[6], ROOT8, CONSISTENCY_PROOFS[2][2]),
        (6, -8, ROOTS[6], ROOT8, CONSISTENCY_PROOFS[2][2]),
        ("6", 8, ROOTS[6], ROOT8, CONSISTENCY_PROOFS[2][2]),
        (6, 8.0, ROOTS[6], ROOT8, CONSISTENCY_PROOFS[2][2]),
        (1, 0, ROOTS[1], EMPTY_ROOT, []),
        (2**70, 2**71, ROOTS[6], ROOT8, CONSISTENCY_PROOFS[2][2]),
        # Equal sizes: the proof must be empty and the roots equal.
        (8, 8, ROOT8, ROOTS[7], []),
        (8, 8, ROOT8, ROOT8, [ROOT8]),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        (0, 0, EMPTY_ROOT, SOME_HASH, []),
        # From the empty tree: the proof must be empty and the old root the real empty root.
        (0, 8, EMPTY_ROOT, ROOT8, [EMPTY_ROOT]),
        (0, 8, SOME_HASH, ROOT8, []),
        (0, 8, EMPTY_ROOT, ROOT8[:31], []),
    ],
)
def test_verify_consistency_refuses_garbage(old, new, old_root, new_root, proof) -> None:
    assert verify_consistency(old, new, old_root, new_root, proof) is False


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root"),
    [(0, 0, EMPTY_ROOT, EMPTY_ROOT), (0, 8, EMPTY_ROOT, ROOT8), (8, 8, ROOT8, ROOT8)],
)
def test_verify_consistency_trivial_cases(
    old: int, new: int, old_root: bytes, new_root: bytes
) -> None:
    assert verify_consistency(old, new, old_root, new_root, [])


def test_builders_refuse_impossible_arguments() -> None:
    levels = MerkleLevels(HASHES8)
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, 8)
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, -1)
    with pytest.raises(ValueError):
        consistency_proof(LEAVES, 9)
    with pytest.raises(ValueError):
        levels.root(9)
    with pytest.raises(ValueError):
        levels.inclusion_proof(5, 5)
    with pytest.raises(ValueError):
        levels.consistency_proof(6, 5)
    with pytest.raises(ValueError):
        frontier_append([], 1, LEAF)
    with pytest.raises(ValueError):
        frontier_root([LEAF], 3)
