"""Random allocation that anyone can recompute and nobody can steer. Pure Python.

The seed comes from the ledger (the tree root right after the case was submitted), so
it was fixed before anyone could know which handlers would be eligible.
"""

import hashlib
from collections.abc import Sequence

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
