"""The chain the stored checkpoints form: each signed since links came in names the digest
of the one stored before it, under its signature (`checkpoints.checkpoint_digest`). Pure
bookkeeping over rows already read; the signatures themselves are checked by the caller
(`checkpoint_checks`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ombuds.ledger.checkpoints import checkpoint_digest, one_signature
from ombuds.ledger.staging import CHECKPOINT_COLUMNS


@dataclass(frozen=True)
class CheckpointChain:
    """How stored checkpoints link to one another, in the order they were stored (by id).

    A checkpoint signed since links came in names the digest of the one stored before it
    (`Checkpoint.previous`), under its signature; the signer checked that one's signature
    first (`checkpoints._link`). So a checkpoint that the next one links to is as good as
    the next one: only the checkpoints nobody links to (the newest, older ones signed
    before links, and those next to a broken link) need their own signature checked, one
    or a few in a full run instead of one per submission."""

    order: list[int]  # indices, by id
    linked: list[bool]  # per checkpoint: the next one (by id) links to it
    broken: list[tuple[int, int]]  # (earlier, later) where the later's link names another

    @property
    def own(self) -> list[int]:
        """The checkpoints whose signatures must be checked on their own."""
        return [i for i in self.order if not self.linked[i]]


def checkpoint_chain(checkpoints: Sequence[Mapping[str, Any]]) -> CheckpointChain:
    """The links between stored checkpoints (see CheckpointChain)."""
    order = sorted(range(len(checkpoints)), key=lambda i: checkpoints[i]["id"])
    linked = [False] * len(checkpoints)
    broken: list[tuple[int, int]] = []
    for earlier, later in itertools.pairwise(order):
        cp = checkpoints[later]
        if not cp["previous"] or not one_signature(cp["signature"], cp["note_signature"]):
            continue  # signed before links (its own signature is checked)
        before = checkpoints[earlier]
        if cp["previous"] == checkpoint_digest([before[c] for c in CHECKPOINT_COLUMNS]):
            linked[earlier] = True
        else:
            broken.append((earlier, later))
    return CheckpointChain(order=order, linked=linked, broken=broken)


def chain_valid(
    checkpoints: Sequence[Mapping[str, Any]],
    chain: CheckpointChain,
    own: Mapping[int, bool],
    check: Callable[[Sequence[Mapping[str, Any]]], list[bool]],
) -> list[bool]:
    """Per checkpoint, whether it is good: by its own signature (`own`, for `chain.own`),
    or by the good checkpoint after it that links to it. One that only a bad checkpoint
    links to (forged with a copied link) is judged by its own signature (`check`)."""
    valid = [False] * len(checkpoints)
    following: int | None = None
    for i in reversed(chain.order):
        valid[i] = own[i] if i in own else following is not None and valid[following]
        following = i
    unvouched = [i for i in chain.order if not valid[i] and i not in own]
    for i, good in zip(unvouched, check([checkpoints[i] for i in unvouched]), strict=True):
        valid[i] = good
    return valid


def chain_problems(
    checkpoints: Sequence[Mapping[str, Any]],
    valid: Sequence[bool],
    broken: Sequence[tuple[int, int]],
    head_names: str | None,
) -> list[str]:
    """The broken links between good checkpoints (a bad one is named by its signature,
    once), and a newest good checkpoint that is not the one the head names (`head_names`:
    its digest; None when not all checkpoints were read)."""
    problems = []
    for earlier, later in broken:
        if valid[earlier] and valid[later]:
            cp, before = checkpoints[later], checkpoints[earlier]
            problems.append(
                f"checkpoint {cp['id']} (size {cp['size']}) does not link to checkpoint"
                f" {before['id']}, stored before it: a checkpoint between them was removed"
            )
    if checkpoints and head_names is not None:
        newest = max(range(len(checkpoints)), key=lambda i: checkpoints[i]["id"])
        cp = checkpoints[newest]
        if valid[newest] and head_names != checkpoint_digest([cp[c] for c in CHECKPOINT_COLUMNS]):
            problems.append(
                f"the ledger head does not name the newest checkpoint ({cp['id']}):"
                " a checkpoint was added or removed after it"
            )
    return problems


def link_to_verified(
    verified: Mapping[str, Any] | None,
    last_verified: int,
    checkpoints: Sequence[Mapping[str, Any]],
    valid: Sequence[bool],
    head_names: str | None,
) -> list[str]:
    """An incremental run's check across its edge. `verified` is the newest checkpoint
    stored with an id up to `last_verified`, the last one an earlier run checked, read
    again now; `checkpoints` are those stored since, `valid` whether each is good.

    That checkpoint must still be stored, and the first good one stored since must link to
    it (or, with none since, the head must name it). Without this an insider could remove
    or rewrite the checkpoints at the edge between two runs, and only the next full run
    would see it."""
    if not last_verified:
        return []
    if verified is None or verified["id"] != last_verified:
        return [
            f"checkpoint {last_verified}, checked by an earlier run, is no longer stored:"
            " it was removed"
        ]
    digest = checkpoint_digest([verified[c] for c in CHECKPOINT_COLUMNS])
    good = [i for i in range(len(checkpoints)) if valid[i]]
    if not good:
        if not checkpoints and head_names is not None and head_names != digest:
            return [
                f"the ledger head does not name the newest checkpoint ({last_verified}):"
                " a checkpoint was added or removed after it, or it was changed"
            ]
        return []
    first = checkpoints[min(good, key=lambda i: checkpoints[i]["id"])]
    if first["previous"] and first["previous"] != digest:
        return [
            f"checkpoint {first['id']} (size {first['size']}) does not link to checkpoint"
            f" {last_verified}, checked by an earlier run: that checkpoint was changed,"
            " or one between them was removed"
        ]
    return []
