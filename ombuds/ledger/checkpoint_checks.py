"""Checking the checkpoints' signatures for `verify`, on the other core: a pool of two
processes for many signatures, or one forked worker that checks them and builds the
Merkle tree while the verifying process reads, hashes and chains the events; and the
stored checkpoints, read with a plain cursor."""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection

from ombuds import vault
from ombuds.ledger import merkle, note
from ombuds.ledger.checkpoint_chain import CheckpointChain, chain_valid, checkpoint_chain
from ombuds.ledger.checkpoints import (
    checkpoint_signature_valid,
    checkpoint_signed_texts,
)
from ombuds.ledger.rows import NotInStoredOrder
from ombuds.ledger.second_part import Half, SecondPart, walk_half
from ombuds.ledger.signing import signing_identity
from ombuds.ledger.staging import CHECKPOINT_COLUMNS

_MAX_PROBLEMS = 100  # as verify reports at most
_POOL_FROM = 2000  # signature checks; below this a process pool costs more than it saves


def _signature_checks(items: Sequence[tuple[str, bytes, str]]) -> list[bool]:
    return vault.verify_signatures([_as_bytes(item) for item in items])


def _as_bytes(item: tuple[str, bytes, str]) -> tuple[bytes, bytes, bytes]:
    public_key, message, signature = item
    try:
        return bytes.fromhex(public_key), message, bytes.fromhex(signature)
    except (ValueError, TypeError):
        return b"", message, b""  # refused by the vault like any malformed signature


def signatures_valid(items: Sequence[tuple[str, bytes, str]]) -> list[bool]:
    """Check many Ed25519 signatures, on both cores when there are enough to be worth it."""
    with signatures_checked(items) as results:
        return results()


@contextmanager
def signatures_checked(
    items: Sequence[tuple[str, bytes, str]],
) -> Iterator[Callable[[], list[bool]]]:
    """Start checking many signatures in two worker processes and give a function that
    waits for their answers, so that this process can walk the events meanwhile (a full
    verify spends as long on the checkpoints' signatures as on the events). Few are
    checked here, when asked: a process pool would cost more than it saves."""
    if len(items) < _POOL_FROM:
        yield lambda: _signature_checks(items)
        return
    # fork: the workers inherit the loaded libsodium and never touch the database.
    context = multiprocessing.get_context("fork")
    half = (len(items) + 1) // 2
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        parts = [pool.submit(_signature_checks, part) for part in (items[:half], items[half:])]
        yield lambda: [ok for part in parts for ok in part.result()]


def _checkpoint_messages(cp: Mapping[str, Any]) -> list[tuple[str, bytes, str]]:
    """(public key, signed bytes, signature) of each signature a stored checkpoint carries:
    one on checkpoints signed since 1 December 2026, two before (`checkpoints.one_signature`)."""
    texts = checkpoint_signed_texts(
        origin=cp["origin"],
        size=cp["size"],
        root=cp["root"],
        signed_at=cp["signed_at"],
        signature=cp["signature"],
        note_signature=cp["note_signature"],
        previous=cp["previous"],
    )
    return [(cp["public_key"], text, signature) for text, signature in texts]


def checkpoint_signatures(
    checkpoints: Sequence[Mapping[str, Any]],
    check: Callable[[Sequence[tuple[str, bytes, str]]], list[bool]] = signatures_valid,
) -> list[bool]:
    """Per checkpoint: whether every signature it carries is good (each one checked, by
    `check`: on both cores when there are many)."""
    per_checkpoint = [_checkpoint_messages(cp) for cp in checkpoints]
    results = iter(check([item for items in per_checkpoint for item in items]))
    return [all([next(results) for _ in items]) for items in per_checkpoint]


def checkpoint_signatures_here(checkpoints: Sequence[Mapping[str, Any]]) -> list[bool]:
    """checkpoint_signatures in this process, however many."""
    return checkpoint_signatures(checkpoints, _signature_checks)


def checkpoints_valid(
    checkpoints: Sequence[Mapping[str, Any]],
) -> tuple[list[bool], list[tuple[int, int]]]:
    """Whether each stored checkpoint is good (its own signature, or the link the good one
    after it signed), and the broken links; the signatures on both cores when many."""
    chain = checkpoint_chain(checkpoints)
    own = chain.own
    goods = checkpoint_signatures([checkpoints[i] for i in own])
    return (
        chain_valid(
            checkpoints, chain, dict(zip(own, goods, strict=True)), checkpoint_signatures_here
        ),
        chain.broken,
    )


_CLAIM = 32  # checkpoints per claim: about 3 ms of signature checks


class _Claims:
    """The checkpoints whose signatures are still unchecked, shared by this process and
    the worker: the worker publishes them (`publish`, once it has found the chain), then
    takes them from the front, this process from the back once it has walked the events,
    so both finish together however fast each core runs (the host's speed varies by a
    third from one run to the next, which a fixed split cannot follow). Before they are
    published there is nothing to claim, and the worker checks them all."""

    def __init__(self, context: Any, count: int) -> None:
        self.bounds = context.Array("q", [0, 0])
        self.wanted = context.Array("q", max(count, 1), lock=False)  # checkpoint indices

    def publish(self, wanted: Sequence[int]) -> None:
        with self.bounds.get_lock():
            self.wanted[: len(wanted)] = list(wanted)
            self.bounds[0], self.bounds[1] = 0, len(wanted)

    def front(self) -> list[int] | None:
        with self.bounds.get_lock():
            low, high = self.bounds[0], self.bounds[1]
            if low >= high:
                return None
            self.bounds[0] = min(low + _CLAIM, high)
            return self.wanted[low : self.bounds[0]]

    def back(self) -> list[int] | None:
        with self.bounds.get_lock():
            low, high = self.bounds[0], self.bounds[1]
            if low >= high:
                return None
            self.bounds[1] = max(high - _CLAIM, low)
            return self.wanted[self.bounds[1] : high]


Checked = list[tuple[list[int], list[bool]]]  # (checkpoints, whether each is good)


def _check_claimed(
    checkpoints: Sequence[Mapping[str, Any]], claim: Callable[[], list[int] | None]
) -> Iterator[tuple[list[int], list[bool]]]:
    while (taken := claim()) is not None:
        yield taken, checkpoint_signatures_here([checkpoints[i] for i in taken])


def _checkpoint_side(
    checkpoints: Sequence[Mapping[str, Any]],
    claims: _Claims,
    inbox: Any,
    second: SecondPart | None,
) -> tuple[Checked, dict[int, bytes], list[bytes], CheckpointChain, Half | None]:
    """The worker's part: the checkpoints' chain first (which signatures need checking),
    then the second part of the log if asked (`second_part.walk_half`), then the tree from
    the leaves as they come (and its own after them), and its root at every checkpoint's
    size; while no leaves are waiting, those signatures claimed from the front."""
    chain = checkpoint_chain(checkpoints)
    claims.publish(chain.own)
    half = None if second is None else walk_half(*second, limit=_MAX_PROBLEMS)
    tree = merkle.MerkleLevels([])
    sizes = sorted({cp["size"] for cp in checkpoints})
    roots: dict[int, bytes] = {}
    checked: Checked = []
    while True:
        try:
            # The tree first: only this process can build it, while both can check
            # signatures once the events are walked.
            blob = inbox.get(block=False)
        except queue.Empty:
            taken = claims.front()
            if taken is None:  # none left to check: the rest of the leaves, waiting
                while (blob := inbox.get()) is not None:
                    _add_leaves(tree, blob, sizes, roots)
                break
            checked.append((taken, checkpoint_signatures_here([checkpoints[i] for i in taken])))
            continue
        if blob is None:  # the last leaves have come
            break
        _add_leaves(tree, blob, sizes, roots)
    if half is not None:
        _add_leaves(tree, half.leaves, sizes, roots)
    checked += _check_claimed(checkpoints, claims.front)
    if len(roots) < len(sizes) and sizes[len(roots)] == 0:
        roots[0] = tree.root(0)
    frontier = [tree.levels[k][i] for k, i in merkle.perfect_parts(0, tree.size)]
    return checked, roots, frontier, chain, half


def _add_leaves(
    tree: merkle.MerkleLevels, blob: bytes, sizes: list[int], roots: dict[int, bytes]
) -> None:
    tree.extend([blob[i : i + 32] for i in range(0, len(blob), 32)])
    # The roots of the checkpoints covered so far, as the leaves arrive, so that little
    # is left to do once the last batch comes.
    while len(roots) < len(sizes) and sizes[len(roots)] <= tree.size:
        size = sizes[len(roots)]
        roots[size] = tree.root(size)


def _side_worker(
    checkpoints: Sequence[Mapping[str, Any]],
    claims: _Claims,
    inbox: Any,
    outbox: Any,
    second: SecondPart | None,
) -> None:
    gc.disable()  # it inherits a whole heap it never frees; a collection would copy it
    try:
        result = _checkpoint_side(checkpoints, claims, inbox, second)
    except NotInStoredOrder as exc:  # the parent reads everything again, by seq
        outbox.send(("irregular", repr(exc)))
    except BaseException as exc:  # reported to the parent, which raises
        outbox.send(("failed", repr(exc)))
    else:
        outbox.send(("done", result))
    outbox.close()


@contextmanager
def checkpoints_aside(
    checkpoints: list[dict[str, Any]], second: SecondPart | None = None
) -> Iterator[tuple[Callable[[list[bytes]], None], Callable[[], Any]]]:
    """Find the checkpoints' chain, build the tree and check the signatures the chain
    leaves unvouched in one forked worker (the other core) while this process reads,
    hashes and chains the events (with `second`, only the first part: the worker reads
    and walks the rest itself): give a function to send it each batch of leaves, and one
    that, once the last is sent, checks signatures here too until none is left and gives
    (valid per checkpoint, broken links, roots, frontier, the second part's Half or None).
    The worker inherits the checkpoints read in this snapshot and never touches this
    process's database connection; NotInStoredOrder if the second part is not in order."""
    context = multiprocessing.get_context("fork")
    inbox = context.Queue()
    claims = _Claims(context, len(checkpoints))
    receive, outbox = context.Pipe(duplex=False)
    worker = context.Process(
        target=_side_worker, args=(checkpoints, claims, inbox, outbox, second), daemon=True
    )
    worker.start()
    outbox.close()

    def send(leaves: list[bytes]) -> None:
        inbox.put(b"".join(leaves))

    answered = False

    def result() -> Any:
        nonlocal answered
        inbox.put(None)
        mine = list(_check_claimed(checkpoints, claims.back))
        try:
            state, value = receive.recv()
        except EOFError as exc:
            raise RuntimeError("verify's checkpoint worker stopped") from exc
        finally:
            answered = True
        if state == "irregular":
            raise NotInStoredOrder(value)
        if state != "done":
            raise RuntimeError(f"verify's checkpoint worker failed: {value}")
        theirs, roots, frontier, chain, half = value
        goods = {i: ok for taken, oks in (*theirs, *mine) for i, ok in zip(taken, oks, strict=True)}
        valid = chain_valid(checkpoints, chain, goods, checkpoint_signatures_here)
        return valid, chain.broken, roots, frontier, half

    try:
        yield send, result
    finally:
        if not answered:  # this process failed first: the worker's answer is not wanted
            worker.kill()
            inbox.cancel_join_thread()
        inbox.close()
        inbox.join_thread()
        worker.join()
        receive.close()


def kept_checkpoint_problems(
    against: Mapping[str, Any],
    root_at: Callable[[int], bytes],
    size: int,
    root: bytes,
    proof_for: Callable[[int], list[bytes]],
) -> list[str]:
    """What is wrong with an older checkpoint kept outside the database (JSON fields, or
    {"note": text}) against today's log of `size` events and `root`: nothing, or one
    problem."""
    label = "the given checkpoint"
    trusted_key = signing_identity().public_key
    if isinstance(against.get("note"), str):
        try:
            parsed = note.parse_checkpoint_note(against["note"])
        except note.NoteError as exc:
            return [f"{label}: {exc}"]
        if not note.note_signed_by(parsed, parsed.origin, trusted_key):
            return [f"{label}: not signed by this instance's key"]
        given_size, given_root = parsed.size, parsed.root
    else:
        if not checkpoint_signature_valid(against):
            return [f"{label}: the signature is not valid"]
        if against["public_key"] != trusted_key.hex():
            return [f"{label}: signed by a key that is not this instance's"]
        given_size, given_root = int(against["size"]), bytes.fromhex(str(against["root"]))
    if given_size > size:
        return [f"{label}: covers {given_size} events but the log has {size}: events removed"]
    if root_at(given_size) != given_root:
        return [f"{label}: the log's first {given_size} events no longer have this root"]
    if not merkle.verify_consistency(given_size, size, given_root, root, proof_for(given_size)):
        return [f"{label} is not consistent with today's log"]
    return []


_CHECKPOINT_FIELDS = ("id", *CHECKPOINT_COLUMNS)  # a stored checkpoint, as verify reads it
_SELECT_CHECKPOINTS = f"SELECT {', '.join(_CHECKPOINT_FIELDS)} FROM ledger_checkpoint"  # noqa: S608


def stored_checkpoints(after: int = 0) -> list[dict[str, Any]]:
    """Stored checkpoints after id `after`, by size, read with a plain cursor (a full run
    reads one per submission)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_SELECT_CHECKPOINTS} WHERE id > %s ORDER BY size, id", [after])
        return [dict(zip(_CHECKPOINT_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def stored_checkpoint_up_to(last: int) -> dict[str, Any] | None:
    """The newest stored checkpoint with an id up to `last` (an incremental run's edge)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_SELECT_CHECKPOINTS} WHERE id <= %s ORDER BY id DESC LIMIT 1", [last])
        row = cursor.fetchone()
    return None if row is None else dict(zip(_CHECKPOINT_FIELDS, row, strict=True))
