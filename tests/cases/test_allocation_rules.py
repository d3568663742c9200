"""The pure allocation rules (hypothesis): exclusions hold and choices are reproducible."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ombuds.cases.allocation import allocation_seed, choose, choose_several, eligible_pool

names = st.text(alphabet="abcdef0123456789", min_size=4, max_size=8)
tokens = st.frozensets(st.sampled_from(["t1", "t2", "t3", "t4", "t5"]), max_size=3)


@given(
    candidates=st.dictionaries(names, tokens, min_size=1, max_size=12),
    party=tokens,
    handled=st.frozensets(names, max_size=4),
    recused=st.frozensets(names, max_size=3),
    root=st.binary(min_size=32, max_size=32),
)
def test_eligible_pool_excludes_conflicts_previous_handlers_and_recusals(
    candidates: dict[str, frozenset[str]],
    party: frozenset[str],
    handled: frozenset[str],
    recused: frozenset[str],
    root: bytes,
) -> None:
    pool = eligible_pool(candidates, party_tokens=party, handled=handled, recused=recused)
    for pseudonym in pool.eligible:
        assert not candidates[pseudonym] & party
        assert pseudonym not in handled and pseudonym not in recused
    assert len(pool.eligible) + pool.conflicted + pool.excluded == len(candidates)
    if pool.eligible:
        seed = allocation_seed(
            submission_root=root.hex(), case_id="c", role="advocate", round_number=0
        )
        chosen = choose(pool.eligible, seed)
        assert chosen in pool.eligible
        # Anyone can recompute it: the same seed and eligible set give the same choice,
        # whatever order the set was listed in.
        assert choose(list(reversed(pool.eligible)), seed) == chosen


@given(
    eligible=st.lists(names, min_size=3, max_size=10, unique=True),
    seed=st.binary(min_size=32, max_size=32),
)
def test_choose_several_gives_distinct_reproducible_members(
    eligible: list[str], seed: bytes
) -> None:
    chosen = choose_several(eligible, seed.hex(), 3)
    assert len(set(chosen)) == 3 and set(chosen) <= set(eligible)
    assert choose_several(sorted(eligible), seed.hex(), 3) == chosen


def test_seeds_differ_by_role_round_and_case() -> None:
    base = {"submission_root": "ab" * 32, "case_id": "c1", "role": "advocate", "round_number": 0}
    seed = allocation_seed(**base)  # type: ignore[arg-type]
    for change in ({"role": "investigator"}, {"round_number": 1}, {"case_id": "c2"}):
        assert allocation_seed(**{**base, **change}) != seed  # type: ignore[arg-type]
