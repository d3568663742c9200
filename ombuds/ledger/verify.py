"""Re-walk the hash chains, rebuild the Merkle tree, and check every checkpoint.

Two ways: `verify_ledger` checks everything from the first event; `verify_since` checks
only what was appended after an earlier verified run, carrying on from that run's Merkle
frontier, and proves the new root consistent with the old one. Both read the events, the
head and the checkpoints in one snapshot (`rows.read_snapshot`), so appends running at
the same time are never mistaken for tampering.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from ombuds.ledger import merkle, proofs
from ombuds.ledger.checkpoint_chain import chain_problems, link_to_verified
from ombuds.ledger.checkpoint_checks import (
    checkpoints_aside,
    checkpoints_valid,
    kept_checkpoint_problems,
    stored_checkpoint_up_to,
    stored_checkpoints,
)
from ombuds.ledger.encoding import GENESIS_HASH
from ombuds.ledger.models import LedgerHead
from ombuds.ledger.rows import (
    NotInStoredOrder,
    checked_rows,
    event_batches,
    event_rows,
    read_snapshot,
    stream_tips,
    walk_rows,
)
from ombuds.ledger.second_part import joined_half, second_part
from ombuds.ledger.signing import signing_identity, tree_head_signed

_MAX_PROBLEMS = 100
_PARALLEL_FROM = 20_000  # events; below this, hashing in this process is quicker
_ASIDE_FROM = 1000  # checkpoints; from here on a worker checks them while events are read
_GENESIS = GENESIS_HASH.encode()


@dataclass
class VerifyReport:
    """What verify found. `ok` only when there is not a single problem."""

    events: int = 0
    streams: int = 0
    checkpoints: int = 0
    root: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    from_size: int = 0  # 0 for a full run
    size: int = 0
    frontier: list[str] = field(default_factory=list)
    last_checkpoint: int = 0
    signed_heads_from: int | None = None  # full run: the first linked checkpoint's size

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(text)

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.problem(text)


def _walk(
    report: VerifyReport,
    rows: Iterable[tuple[Any, ...]],
    start: int,
    chains: dict[bytes, Any],
    *,
    parallel: bool = False,
) -> list[bytes]:
    """Check each row's hash, position and chain link; return the leaf hashes in order.

    `chains` maps a stream to its last (version, stored hash) before `start`; a stream
    missing from it starts at the genesis hash.
    """
    problems: list[str] = []
    leaves = _walk_rows(rows, start, chains, problems, parallel=parallel)
    report.extend(problems)
    return leaves


def _walk_rows(
    rows: Iterable[tuple[Any, ...]],
    start: int,
    chains: dict[bytes, Any],
    problems: list[str],
    *,
    parallel: bool = False,
) -> list[bytes]:
    if not parallel and connection.vendor == "sqlite":  # text columns read as bytes
        return walk_rows(rows, start, chains, problems, limit=_MAX_PROBLEMS)
    leaves: list[bytes] = []
    checked = checked_rows(iter(rows), start, problems, parallel=parallel)
    for position, (seq, stream, version, prev, stored, digest) in enumerate(checked, start):
        if digest is None:
            leaves.append(b"\x00" * 32)
            continue
        if seq != position:
            problems.append(f"event {seq} is at position {position}: missing events")
        if digest.hex().encode() != stored:
            problems.append(f"event {seq} does not match its hash: it was altered")
        last_version, last_hash = chains.get(stream, (0, _GENESIS))
        if version != last_version + 1 or prev != last_hash:
            name = stream.decode(errors="replace")
            problems.append(f"event {seq} breaks the chain of {name} at version {version}")
        # Chain on the stored hash, so one altered event is reported once, not again as a
        # break in the event after it.
        chains[stream] = (version, stored)
        leaves.append(digest)
        if len(problems) > _MAX_PROBLEMS:
            break
    return leaves


def _check_head(report: VerifyReport, size: int, root: bytes) -> str | None:
    """The head row against the events: its size, its frontier's root and its signature.
    Gives the checkpoint digest it names (for `_check_checkpoints`), None without a head."""
    head = LedgerHead.objects.filter(pk=1).first()
    if head is None:
        if size:
            report.problem(f"the ledger head is missing but there are {size} events")
        return None
    if head.size != size:
        report.problem(f"the ledger head says {head.size} events but there are {size}")
        return head.checkpoint
    try:
        frontier = [bytes.fromhex(h) for h in json.loads(head.frontier)]
        head_root = merkle.frontier_root(frontier, head.size)
    except (ValueError, TypeError):
        report.problem("the ledger head's frontier is unreadable")
        return head.checkpoint
    if head_root != root:
        report.problem("the ledger head's root differs from the events' root")
    elif not tree_head_signed(
        size=size,
        root=root,
        previous=head.checkpoint,
        signed_at=head.signed_at,
        signature=head.signature,
    ):
        # Every append signs the head: without a good signature, the events after the
        # newest checkpoint may have been changed by someone without the key.
        report.problem("the ledger head's signature is not valid for these events")
    return head.checkpoint


def _check_checkpoints(
    report: VerifyReport,
    checkpoints: list[dict[str, Any]],
    root_at: Any,
    size: int,
    checked: tuple[Sequence[bool], Sequence[tuple[int, int]]] | None = None,
    head_names: str | None = None,
) -> None:
    """Signatures, links, signer, size and root of stored checkpoints (`checked`: whether
    each is good and the broken links, if already found: `checkpoint_chain.chain_valid`),
    and whether the newest is the one the head names (`head_names`, its digest).

    Each checkpoint's root is compared with the root of the same verified tree at its size,
    so any two checkpoints that pass are consistent with each other by construction.
    """
    trusted_key = signing_identity().public_key.hex()
    valid, broken = checked if checked is not None else checkpoints_valid(checkpoints)
    report.extend(chain_problems(checkpoints, valid, broken, head_names))
    for cp, good in zip(checkpoints, valid, strict=True):
        usual = good and cp["public_key"] == trusted_key and cp["size"] <= size
        if usual and root_at(cp["size"]).hex() == cp["root"]:
            continue  # kept short: a full run sees one per submission
        label = f"checkpoint {cp['id']} (size {cp['size']})"
        if not good:
            report.problem(f"{label}: the signature is not valid")
        elif cp["public_key"] != trusted_key:
            report.problem(f"{label}: signed by a key that is not this instance's")
        elif cp["size"] > size:
            report.problem(
                f"{label}: covers {cp['size']} events but the log has {size}: events removed"
            )
        else:
            report.problem(f"{label}: the log's first {cp['size']} events no longer have this root")
    report.checkpoints += len(checkpoints)
    if checkpoints:
        report.last_checkpoint = max(report.last_checkpoint, max(cp["id"] for cp in checkpoints))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused, as it was before afterwards. A full run makes
    hundreds of thousands of row tuples and no cycles; each collection would walk the whole
    heap (the caller's too), and in the forked worker would write to every inherited page."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def verify_ledger(*, against: Mapping[str, Any] | None = None) -> VerifyReport:
    """Check every chain, the tree, every stored checkpoint, and optionally an older
    checkpoint kept outside the database (`against`: JSON fields, or {"note": text})."""
    with _no_cycle_collection():
        return _verify_ledger(against=against)


def _verify_ledger(*, against: Mapping[str, Any] | None) -> VerifyReport:
    started = time.perf_counter()
    try:
        report = _verify_everything(against=against, stored_order=True)
    except NotInStoredOrder:
        # Rows deleted or their ids rewritten: read again through the seq index, from
        # the start, so that what is reported is as the events' own numbers say.
        report = _verify_everything(against=against, stored_order=False)
    report.seconds = time.perf_counter() - started
    return report


def _verify_everything(*, against: Mapping[str, Any] | None, stored_order: bool) -> VerifyReport:
    report = VerifyReport()
    chains: dict[bytes, Any] = {}
    with read_snapshot():
        head = LedgerHead.objects.filter(pk=1).first()
        checkpoints = stored_checkpoints()
        many = head is not None and head.size >= _PARALLEL_FROM
        if len(checkpoints) >= _ASIDE_FROM:
            # Both cores: the tree and the checkpoints' signatures in a worker, the events
            # read, hashed and chained here, the leaves sent over as they are found.
            second = second_part(head.size if head else 0, stored_order=stored_order)
            until = second[2] if second is not None else None
            with checkpoints_aside(checkpoints, second) as (send, result):
                leaves = _walk_batches(report, chains, send, stored_order=stored_order, until=until)
                valid, broken, roots, frontier, half = result()
            checked = (valid, broken)
            if half is not None:
                # The second part's problems after this process's, as one walk reports them.
                report.extend(joined_half(half, leaves, chains))
            tree_root = merkle.frontier_root(frontier, len(leaves))
            head_names = _check_head(report, len(leaves), tree_root)
            root_at: Callable[[int], bytes] = roots.__getitem__
            tree = merkle.MerkleLevels(leaves) if against is not None else None
        else:
            # Few checkpoints: with many events, two workers hash them.
            checked = checkpoints_valid(checkpoints)
            rows = event_rows(stored_order=stored_order)
            leaves = _walk(report, rows, 0, chains, parallel=many)
            tree = merkle.MerkleLevels(leaves)
            frontier = [tree.levels[k][i] for k, i in merkle.perfect_parts(0, tree.size)]
            head_names = _check_head(report, tree.size, tree.root())
            root_at = tree.root
    size = len(leaves)
    _finish(report, size, len(chains), frontier)
    report.events = size
    # From there on every append checked the head's signature (`cases.grant_checks`).
    linked = [cp["size"] for cp in checkpoints if cp["previous"]]
    report.signed_heads_from = min(linked, default=None)
    _check_checkpoints(report, checkpoints, root_at, size, checked, head_names)
    if against is not None and tree is not None:
        report.extend(
            kept_checkpoint_problems(
                against,
                tree.root,
                tree.size,
                tree.root(),
                lambda old: tree.consistency_proof(old, tree.size),
            )
        )
    return report


def _walk_batches(
    report: VerifyReport,
    chains: dict[bytes, Any],
    send: Callable[[list[bytes]], None],
    *,
    stored_order: bool,
    until: int | None = None,
) -> list[bytes]:
    """`_walk` over every event (or those before `until`), batch by batch, each batch's
    leaves sent on."""
    leaves: list[bytes] = []
    problems: list[str] = []
    for rows in event_batches(stored_order=stored_order, until_seq=until):
        found = _walk_rows(rows, len(leaves), chains, problems)
        send(found)
        leaves += found
        if len(problems) > _MAX_PROBLEMS:
            break
    report.extend(problems)
    return leaves


def _finish(report: VerifyReport, size: int, streams: int, frontier: list[bytes]) -> None:
    report.size = size
    report.streams = streams
    report.root = merkle.frontier_root(frontier, size).hex()
    report.frontier = [h.hex() for h in frontier]


def verify_since(
    *,
    size: int,
    root: str,
    frontier: Sequence[str],
    last_checkpoint: int,
    against: Mapping[str, Any] | None = None,
) -> VerifyReport:
    """Check only what was appended after an earlier verified run that ended at `size`
    with this `root` and `frontier`, and the checkpoints stored after `last_checkpoint`.

    The new events' hashes and chain links are checked (linking to the stored hash of each
    stream's previous event), the old frontier is extended with them, and the new root is
    proved consistent with the old verified root from the stored tree nodes.
    """
    started = time.perf_counter()
    report = VerifyReport(from_size=size)
    old_root = bytes.fromhex(root)
    tip = [bytes.fromhex(h) for h in frontier]
    if merkle.frontier_root(tip, size) != old_root:
        raise ValueError("the earlier run's frontier does not give its root")
    with read_snapshot():
        raw = list(event_rows(from_seq=size))
        checkpoints = stored_checkpoints(last_checkpoint)
        verified = stored_checkpoint_up_to(last_checkpoint) if last_checkpoint else None
        links = {
            (r[1] if isinstance(r[1], bytes) else str(r[1]).encode(), r[2] - 1)
            for r in raw
            if type(r[2]) is int and r[2] > 1
        }
        chains = dict(stream_tips(size, links))
        leaves = _walk(report, raw, size, chains)
        new_size = size + len(leaves)
        roots = {}
        wanted = {cp["size"] for cp in checkpoints if cp["size"] >= size}
        current, count = tip, size
        if size in wanted:
            roots[size] = old_root
        for leaf in leaves:
            current = merkle.frontier_append(current, count, leaf)
            count += 1
            if count in wanted:
                roots[count] = merkle.frontier_root(current, count)
        new_root = merkle.frontier_root(current, new_size)
        head_names = _check_head(report, new_size, new_root)
        try:
            proof = proofs.consistency_proof(size, new_size)
        except ValueError:
            proof = []
        if not merkle.verify_consistency(size, new_size, old_root, new_root, proof):
            report.problem(
                "the stored tree nodes do not prove the new events extend the verified log"
            )

        def root_at(at: int) -> bytes:
            # Older sizes: the stored nodes, trusted only once proved against the verified root.
            if at in roots:
                return roots[at]
            try:
                old = proofs.root_at(at)
                link = proofs.consistency_proof(at, size)
            except ValueError:
                return b""
            return old if merkle.verify_consistency(at, size, old, old_root, link) else b""

        checked = checkpoints_valid(checkpoints)
        report.extend(
            link_to_verified(verified, last_checkpoint, checkpoints, checked[0], head_names)
        )
        _check_checkpoints(report, checkpoints, root_at, new_size, checked, head_names)
        if against is not None:
            report.extend(
                kept_checkpoint_problems(
                    against,
                    root_at,
                    new_size,
                    new_root,
                    lambda old: proofs.consistency_proof(old, new_size),
                )
            )
    report.events = len(leaves)
    _finish(report, new_size, len(chains), current)
    report.last_checkpoint = max(report.last_checkpoint, last_checkpoint)
    report.seconds = time.perf_counter() - started
    return report
