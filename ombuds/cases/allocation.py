"""Random allocation that anyone can recompute and nobody can steer. Pure Python.

The seed comes from the ledger (the root of the checkpoint signed right after the case
was submitted), so it was fixed before anyone could know who would be eligible.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ombuds.lib.errors import InvalidInput


def allocation_seed(*, submission_root: str, case_id: str, role: str, round_number: int) -> str:
    """Hex seed for the `round_number`-th allocation of `role` on a case."""
    material = f"ombuds.allocation.v1|{submission_root}|{case_id}|{role}|{round_number}"
    return hashlib.sha256(material.encode()).hexdigest()


def choose(eligible: Sequence[str], seed: str) -> str:
    """Pick one pseudonym from the eligible set, determined by the seed alone."""
    if not eligible:
        raise InvalidInput("Nobody is eligible for this role on this case.")
    ordered = sorted(set(eligible))
    # 256 bits modulo a small pool: the bias is far below anything measurable.
    return ordered[int(seed, 16) % len(ordered)]


@dataclass(frozen=True)
class Pool:
    """Who could be allocated, and why the others were left out."""

    eligible: list[str]
    conflicted: int
    excluded: int  # already handled, or recused from, this case


def eligible_pool(
    candidates: Mapping[str, frozenset[str]],
    *,
    party_tokens: frozenset[str],
    handled: frozenset[str],
    recused: frozenset[str],
) -> Pool:
    """Handlers (pseudonym -> declared interest tokens) who may take this case.

    Excluded: anyone whose declared interests share a token with the case's parties
    (same unit, group, employer, or a named person), anyone who has ever held any role on
    this case (so an appeal panel never includes the first panel or the investigator,
    and a replaced advocate never returns), and anyone who recused.
    """
    eligible, conflicted, excluded = [], 0, 0
    for pseudonym, tokens in candidates.items():
        if pseudonym in handled or pseudonym in recused:
            excluded += 1
        elif tokens & party_tokens:
            conflicted += 1
        else:
            eligible.append(pseudonym)
    return Pool(eligible=sorted(eligible), conflicted=conflicted, excluded=excluded)


def choose_several(eligible: Sequence[str], seed: str, count: int) -> list[str]:
    """`count` distinct pseudonyms, each drawn with its own seed derived from `seed`."""
    remaining = sorted(set(eligible))
    if len(remaining) < count:
        raise InvalidInput(f"Only {len(remaining)} eligible people; {count} are needed.")
    chosen: list[str] = []
    for index in range(count):
        draw_seed = hashlib.sha256(f"{seed}|{index}".encode()).hexdigest()
        pick = choose(remaining, draw_seed)
        chosen.append(pick)
        remaining.remove(pick)
    return chosen
