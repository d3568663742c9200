"""Merkle tree of RFC 6962 / RFC 9162 section 2.1 (SHA-256), in plain standard-library Python.

The tree over n leaves splits at the largest power of two below n; the 0x00/0x01 prefixes keep a
leaf from being passed off as an inner node. Builders raise ValueError on impossible arguments;
the verifiers never raise and answer False to anything malformed.
"""

from collections.abc import Callable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()

# (lo, hi) -> root of leaves [lo, hi): one proof walker serves both slicing and MerkleLevels.
_SubtreeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """Hash one leaf's data: SHA256(0x00 || data)."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes: SHA256(0x01 || left || right)."""
    return sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly less than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _path(index: int, lo: int, hi: int, subtree: _SubtreeHash) -> list[bytes]:
    """RFC 6962 PATH: walk down from the root collecting siblings, then reverse to leaf-first."""
    proof = []
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            proof.append(subtree(mid, hi))
            hi = mid
        else:
            proof.append(subtree(lo, mid))
            lo = mid
    proof.reverse()
    return proof


def _subproof(old: int, hi: int, subtree: _SubtreeHash) -> list[bytes]:
    """RFC 6962 PROOF(old, D[0:hi]) for 0 <= old <= hi, written as a loop over SUBPROOF."""
    if old in (0, hi):  # nothing to prove: every tree extends the empty one and itself
        return []
    proof = []
    lo, complete = 0, True
    while hi - lo != old:
        k = _split(hi - lo)
        if old <= k:
            proof.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree(lo, lo + k))
            lo, old, complete = lo + k, old - k, False
    if not complete:  # the old tree's last piece is not itself a root the verifier knows
        proof.append(subtree(lo, hi))
    proof.reverse()
    return proof


def _fold(parts: Sequence[bytes]) -> bytes:
    """Join perfect subtree roots (largest, leftmost first) into one root, right to left."""
    if not parts:
        return EMPTY_ROOT
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return bytes(acc)


def _pair_up(level: list[bytes]) -> list[bytes]:
    """Hash neighbours pairwise; an unpaired last node is dropped (zip stops short on purpose).

    A comprehension over hashlib is the fastest plain-Python way to do this, which matters:
    it is most of the cost of building MerkleLevels over 100,000+ leaves.
    """
    return [sha256(b"\x01" + a + b).digest() for a, b in zip(level[::2], level[1::2], strict=False)]


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """RFC 6962 MTH over leaf hashes, bottom up; an unpaired last node moves up unchanged."""
    level = list(hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        odd = level[-1:] if len(level) % 2 else []
        level = [*_pair_up(level), *odd]
    return bytes(level[0])  # a lone memoryview leaf still comes back as bytes


def inclusion_proof_from_leaf_hashes(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 6962 PATH(index, D[n]) over leaf hashes."""
    if not 0 <= index < len(hashes):
        raise ValueError(f"index {index} is outside a tree of size {len(hashes)}")
    return _path(index, 0, len(hashes), lambda lo, hi: root_from_leaf_hashes(hashes[lo:hi]))


def consistency_proof_from_leaf_hashes(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[n]) over leaf hashes; empty when old_size is 0 or n."""
    if not 0 <= old_size <= len(hashes):
        raise ValueError(f"old size {old_size} is outside a tree of size {len(hashes)}")
    return _subproof(old_size, len(hashes), lambda lo, hi: root_from_leaf_hashes(hashes[lo:hi]))


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 MTH(D[n]) over leaf data."""
    return root_from_leaf_hashes([leaf_hash(d) for d in leaves])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 6962 PATH(index, D[n]) over leaf data."""
    return inclusion_proof_from_leaf_hashes([leaf_hash(d) for d in leaves], index)


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[n]) over leaf data."""
    return consistency_proof_from_leaf_hashes([leaf_hash(d) for d in leaves], old_size)


def _as_hash(value: object) -> bytes | None:
    """A 32-byte hash as bytes, or None; database drivers may hand back memoryview."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) == HASH_SIZE:
            return raw
    return None


def _as_hashes(values: object) -> list[bytes] | None:
    """Every element as a 32-byte hash, or None if the proof is not a sequence of them."""
    if not isinstance(values, Sequence) or isinstance(values, str | bytes | bytearray):
        return None
    hashes = [_as_hash(v) for v in values]
    return None if None in hashes else [h for h in hashes if h is not None]


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does the leaf HASH sit at index in the tree of this size and root?

    The proof pins the size only through the root, so take both from one signed checkpoint.
    """
    r, want, path = _as_hash(leaf_hash), _as_hash(root), _as_hashes(proof)
    if r is None or want is None or path is None or not _is_size(index) or not _is_size(size):
        return False
    if index >= size:  # also refuses every index of the empty tree
        return False
    fn, sn = index, size - 1
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # skip levels where our node had no right sibling
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == want


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree (new_size, new_root) an append-only extension of old?"""
    first, second, path = _as_hash(old_root), _as_hash(new_root), _as_hashes(proof)
    if first is None or second is None or path is None or not _is_size(old_size):
        return False
    if not _is_size(new_size) or old_size > new_size:
        return False
    if old_size == new_size:
        return not path and first == second
    if old_size == 0:
        # Every tree extends the empty one, but the claimed empty root must be the real one.
        return not path and first == EMPTY_ROOT
    if not path:
        return False
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a proof node
        path = [first, *path]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first and sr == second


def perfect_parts(lo: int, hi: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees that make up leaves [lo, hi), largest first.

    Every range the RFC recursion asks for starts at a multiple of the power of two >= its
    length, so its tree is the binary decomposition of hi - lo, folded right to left.
    """
    parts, count = [], hi - lo
    for k in range(count.bit_length() - 1, -1, -1):
        if count >> k & 1:
            parts.append((k, lo >> k))
            lo += 1 << k
    return parts


NodeLookup = Callable[[set[tuple[int, int]]], dict[tuple[int, int], bytes]]


def _from_nodes(build: Callable[[_SubtreeHash], list[bytes]], lookup: NodeLookup) -> list[bytes]:
    """Run a proof builder twice: once to learn which nodes it needs, once with them.

    So a proof over a stored tree costs one batched read of O(log n) nodes.
    """
    wanted: set[tuple[int, int]] = set()

    def record(lo: int, hi: int) -> bytes:
        wanted.update(perfect_parts(lo, hi))
        return EMPTY_ROOT

    build(record)
    nodes = lookup(wanted)
    missing = wanted - nodes.keys()
    if missing:
        raise ValueError(f"{len(missing)} tree node(s) are missing")
    return build(lambda lo, hi: _fold([nodes[p] for p in perfect_parts(lo, hi)]))


def stored_inclusion_proof(index: int, size: int, lookup: NodeLookup) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]) from stored perfect-subtree nodes."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    return _from_nodes(lambda subtree: _path(index, 0, size, subtree), lookup)


def stored_consistency_proof(old_size: int, new_size: int, lookup: NodeLookup) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[0:new_size]) from stored perfect-subtree nodes."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"old size {old_size} is outside a tree of size {new_size}")
    return _from_nodes(lambda subtree: _subproof(old_size, new_size, subtree), lookup)


def stored_root(size: int, lookup: NodeLookup) -> bytes:
    """Root of the first `size` leaves from stored perfect-subtree nodes."""
    parts = perfect_parts(0, size)
    nodes = lookup(set(parts))
    if len(nodes) < len(parts):
        raise ValueError("tree nodes are missing")
    return _fold([nodes[p] for p in parts])


class MerkleLevels:
    """Every perfect subtree hash of one tree, so roots and proofs for any earlier size are cheap.

    `ombuds verify` replays 100,000+ events and checks many checkpoints against them; rebuilding
    the tree for each checkpoint would be quadratic. Building this costs one hash per inner node
    (about n), after which a root is O(log n) and a proof O(log^2 n), for any size <= n.
    levels[k][i] is the root of the 2**k leaves starting at i * 2**k; levels[0] are leaf hashes.
    """

    def __init__(self, hashes: Sequence[bytes]) -> None:
        level = list(hashes)
        self.levels: list[list[bytes]] = [level]
        while len(level) > 1:
            level = _pair_up(level)
            self.levels.append(level)

    def extend(self, hashes: Sequence[bytes]) -> None:
        """Add leaves: the same levels as building the tree over all of them at once, each
        inner node hashed once, so a tree can be built while its leaves arrive."""
        self.levels[0].extend(hashes)
        k = 0
        while True:
            lower = self.levels[k]
            if k + 1 == len(self.levels):
                if len(lower) < 2:
                    return
                self.levels.append([])
            upper = self.levels[k + 1]
            done = 2 * len(upper)
            if len(lower) - done < 2:
                return
            upper.extend(_pair_up(lower[done : len(lower) - (len(lower) - done) % 2]))
            k += 1

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self.levels[0])

    def _subtree(self, lo: int, hi: int) -> bytes:
        """Root of leaves [lo, hi), where lo is a multiple of the power of two >= hi - lo."""
        return _fold([self.levels[k][i] for k, i in perfect_parts(lo, hi)])

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside a tree of size {self.size}")

    def root(self, size: int | None = None) -> bytes:
        """Root of the first `size` leaves (default: all of them)."""
        size = self.size if size is None else size
        self._check_size(size)
        if not size:
            return EMPTY_ROOT
        # _subtree(0, size) written out: verify asks this once per stored checkpoint. The
        # perfect parts are the set bits of size; fold them smallest (rightmost) first.
        levels, rest, k = self.levels, size, 0
        while not rest & 1:
            rest, k = rest >> 1, k + 1
        acc = levels[k][rest - 1]
        rest, k = rest >> 1, k + 1
        while rest:
            if rest & 1:
                acc = sha256(b"\x01" + levels[k][rest - 1] + acc).digest()
            rest, k = rest >> 1, k + 1
        return bytes(acc)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 6962 PATH(index, D[0:size])."""
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"index {index} is outside a tree of size {size}")
        return _path(index, 0, size, self._subtree)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """RFC 6962 PROOF(old_size, D[0:new_size])."""
        self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} is outside a tree of size {new_size}")
        return _subproof(old_size, new_size, self._subtree)


def _check_frontier(frontier: Sequence[bytes], size: int) -> None:
    if size < 0 or len(frontier) != size.bit_count():
        raise ValueError(f"{len(frontier)} hashes cannot be the frontier of a tree of size {size}")


def frontier_append(frontier: Sequence[bytes], size: int, leaf_hash: bytes) -> list[bytes]:
    """The frontier for size + 1: merge equal-sized perfect subtrees like a binary carry."""
    _check_frontier(frontier, size)
    new = list(frontier)
    carry = leaf_hash
    while size & 1:
        carry = node_hash(new.pop(), carry)
        size >>= 1
    new.append(carry)
    return new


def frontier_append_nodes(
    frontier: Sequence[bytes], size: int, leaf_hash: bytes
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """frontier_append, also giving each interior node completed: (level, index, hash)."""
    _check_frontier(frontier, size)
    new = list(frontier)
    carry, level, index = leaf_hash, 0, size
    nodes = []
    while index & 1:
        carry = node_hash(new.pop(), carry)
        level, index = level + 1, index >> 1
        nodes.append((level, index, carry))
    new.append(carry)
    return new, nodes


def frontier_root(frontier: Sequence[bytes], size: int) -> bytes:
    """Root of the tree whose frontier (largest subtree first) is given."""
    _check_frontier(frontier, size)
    return _fold(frontier)
