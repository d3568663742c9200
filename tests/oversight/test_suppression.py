"""Suppression: no hidden small count can be worked out from what is published.

The attacker's best tool is linear programming: she knows every shown cell and total of
every table of an organisation-year (the partition tables share their quarter totals,
shown or not) and that counts are not negative. For each hidden sensitive count (1 to
threshold - 1) the test minimises and maximises it over every table she could believe
(scipy's HiGHS, over the reals: a wider set than the integer tables, so her bounds only
get looser with integers... and every bound found is checked against the truth) and
requires lo <= value - 1 and hi >= value + 1 (the criterion in
`ombuds/oversight/suppression.py`). Two years are independent: periods never overlap and
no total across years is published, so "pairs of periods" are the quarters of a year and
the year itself, differenced in every way a linear programme can.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from ombuds.oversight.suppression import (
    DEFAULT_THRESHOLD,
    MINIMUM_THRESHOLD,
    Counts,
    Published,
    T,
    ThresholdTooLow,
    Y,
    check_threshold,
    durations_in_turn,
    quartiles,
    sensitive,
    suppress,
)

pytestmark = pytest.mark.database_free

QUARTERS = 4


def _small_counts(threshold: int) -> st.SearchStrategy[int]:
    # Mostly small numbers, where suppression matters; some zeros and some large ones.
    return st.one_of(
        st.integers(0, threshold - 1), st.just(0), st.integers(threshold, 4 * threshold)
    )


@st.composite
def organisation_years(draw: st.DrawFn) -> tuple[int, list[Counts]]:
    threshold = draw(st.sampled_from([MINIMUM_THRESHOLD, DEFAULT_THRESHOLD, 7]))
    count = _small_counts(threshold)
    first_rows = draw(st.integers(2, 5))
    first = [[draw(count) for _ in range(QUARTERS)] for _ in range(first_rows)]
    spine = [sum(row[q] for row in first) for q in range(QUARTERS)]
    tables = [Counts(tuple(f"a{i}" for i in range(first_rows)), tuple(map(tuple, first)))]
    # Other partition tables count the same cases differently: split each quarter anew.
    for t in range(draw(st.integers(0, 2))):
        rows = draw(st.integers(2, 4))
        columns = []
        for q in range(QUARTERS):
            cuts = sorted(draw(st.integers(0, spine[q])) for _ in range(rows - 1))
            parts = [b - a for a, b in itertools.pairwise([0, *cuts, spine[q]])]
            columns.append(parts)
        values = tuple(tuple(columns[q][r] for q in range(QUARTERS)) for r in range(rows))
        tables.append(Counts(tuple(f"p{t}r{r}" for r in range(rows)), values))
    if draw(st.booleans()):  # a tally: sanctions, not a partition
        rows = draw(st.integers(1, 4))
        values = tuple(tuple(draw(count) for _ in range(QUARTERS)) for _ in range(rows))
        tables.append(Counts(tuple(f"s{r}" for r in range(rows)), values, partition=False))
    return threshold, tables


class Attacker:
    """Variables: every interior count of every table; constraints: everything shown."""

    def __init__(self, tables: list[Counts], shown: list[Published]) -> None:
        self.index: dict[tuple[int, str, int], int] = {}
        for t, table in enumerate(tables):
            for r in table.rows:
                for q in range(QUARTERS):
                    self.index[(t, r, q)] = len(self.index)
        self.rows: list[np.ndarray] = []
        self.rhs: list[float] = []
        spine_tables = [t for t, table in enumerate(tables) if table.partition]
        for t, (table, pub) in enumerate(zip(tables, shown, strict=True)):
            for r, cells, total in zip(pub.rows, pub.cells, pub.row_totals, strict=True):
                for q, value in enumerate(cells):
                    if value is not None:
                        self._equal({(t, r, q): 1}, value)
                if total is not None:
                    self._equal({(t, r, q): 1 for q in range(QUARTERS)}, total)
            if pub.quarter_totals is not None:
                for q, value in enumerate(pub.quarter_totals):
                    if value is not None:
                        self._equal({(t, r, q): 1 for r in table.rows}, value)
                if pub.total is not None:
                    self._equal(
                        {(t, r, q): 1 for r in table.rows for q in range(QUARTERS)}, pub.total
                    )
        # Partition tables count the same cases: equal quarter totals, shown or not.
        for t, u in itertools.pairwise(spine_tables):
            for q in range(QUARTERS):
                terms = {(t, r, q): 1.0 for r in tables[t].rows}
                terms.update({(u, r, q): -1.0 for r in tables[u].rows})
                self._equal(terms, 0)

    def _equal(self, terms: dict[tuple[int, str, int], float], value: float) -> None:
        row = np.zeros(len(self.index))
        for key, coefficient in terms.items():
            row[self.index[key]] += coefficient
        self.rows.append(row)
        self.rhs.append(value)

    def bounds(self, table: Counts, t: int, cell: tuple[str, int]) -> tuple[float, float]:
        r, c = cell
        objective = np.zeros(len(self.index))
        for row in table.rows if r == T else [r]:
            for q in range(QUARTERS) if c == Y else [c]:
                objective[self.index[(t, row, q)]] = 1
        found = []
        for sign in (1, -1):
            result = linprog(
                sign * objective,
                A_eq=np.array(self.rows) if self.rows else None,
                b_eq=np.array(self.rhs) if self.rhs else None,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:  # unbounded: no upper limit
                found.append(float("-inf") if sign == 1 else float("inf"))
                continue
            assert result.status == 0, result.message
            found.append(sign * result.fun)
        return found[0], found[1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation_years())
def test_no_hidden_small_count_can_be_worked_out(drawn: tuple[int, list[Counts]]) -> None:
    threshold, tables = drawn
    shown = suppress(tables, threshold)
    attacker = Attacker(tables, shown)
    for t, (table, pub) in enumerate(zip(tables, shown, strict=True)):
        hidden = pub.hidden()
        cols = [*range(QUARTERS), Y]
        rows = [*table.rows, T] if table.partition else list(table.rows)
        for cell in itertools.product(rows, cols):
            if table.partition is False and cell[0] == T:
                continue
            value = table.value(cell)
            if not sensitive(value, threshold):
                continue
            assert cell in hidden, f"sensitive count {cell}={value} is shown"
            lo, hi = attacker.bounds(table, t, cell)
            assert lo <= value + 1e-6 and hi >= value - 1e-6  # the truth is feasible
            assert lo <= value - 1 + 1e-6, f"{cell}={value} has lower bound {lo}"
            assert hi >= value + 1 - 1e-6, f"{cell}={value} has upper bound {hi}"


@settings(max_examples=200, deadline=None)
@given(organisation_years())
def test_what_is_shown_is_true_and_large_enough(drawn: tuple[int, list[Counts]]) -> None:
    threshold, tables = drawn
    for table, pub in zip(tables, suppress(tables, threshold), strict=True):
        for r, cells in zip(pub.rows, pub.cells, strict=True):
            for q, value in enumerate(cells):
                assert value is None or value == table.value((r, q))
                assert value is None or not sensitive(value, threshold)


def test_one_small_quarter_hides_a_second_in_every_table() -> None:
    stage = Counts(("open", "closed"), ((2, 10, 12, 20), (1, 5, 9, 11)))
    route = Counts(("informal", "investigation"), ((3, 7, 1, 30), (0, 8, 20, 1)))
    shown_stage, shown_route = suppress([stage, route], 10)
    assert shown_stage.quarter_totals == shown_route.quarter_totals == (None, None, 21, 31)
    assert shown_stage.total == 70
    assert shown_stage.cells[0][0] is None and shown_route.cells[0][0] is None


def test_a_small_year_shows_nothing() -> None:
    (shown,) = suppress([Counts(("a", "b"), ((1, 2, 0, 0), (3, 0, 0, 1)))], 10)
    assert shown.total is None
    assert all(v is None for row in shown.cells for v in row)


def test_a_tally_hides_two_quarters_of_a_row() -> None:
    (shown,) = suppress([Counts(("reprimand",), ((3, 12, 0, 14),), partition=False)], 10)
    assert shown.cells == ((None, None, 0, 14),)
    assert shown.row_totals == (29,)
    assert shown.quarter_totals is None


def test_a_threshold_below_five_is_refused() -> None:
    with pytest.raises(ThresholdTooLow, match="at least 5"):
        check_threshold(4)
    with pytest.raises(ThresholdTooLow):
        suppress([Counts(("a",), ((1, 2, 3, 4),))], 3)
    assert check_threshold(5) == 5


def test_quartiles_need_enough_cases() -> None:
    assert quartiles({3: 9}, 10) is None
    spread = quartiles({1: 3, 2: 3, 5: 3, 9: 3}, 10)
    assert spread is not None
    assert (spread.lower, spread.median, spread.upper) == (1.0, 2.0, 5.0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.integers(0, 60), st.integers(1, 6), max_size=5), min_size=1, max_size=8
    ),
    st.integers(5, 12),
)
def test_the_publics_durations_change_by_a_thresholds_worth_of_cases_at_a_time(
    quarters: list[dict[int, int]], limit: int
) -> None:
    publications = [durations_in_turn(quarters[:k], limit) for k in range(len(quarters) + 1)]
    for before, after in itertools.pairwise(publications):
        assert all(after.get(day, 0) >= n for day, n in before.items()), "nothing taken back"
        added = sum(after.values()) - sum(before.values())
        assert added == 0 or added >= limit
    held = sum(sum(q.values()) for q in quarters) - sum(publications[-1].values())
    assert 0 <= held < limit


def test_a_small_quarter_waits_before_it_moves_the_median() -> None:
    first = {10: 12}  # twelve cases of ten days
    small = {90: 3}  # three more: their ninety days would show in the median's shift
    assert durations_in_turn([first], 10) == durations_in_turn([first, small], 10) == {10: 12}
    assert durations_in_turn([first, small, {20: 7}], 10) == {10: 12, 90: 3, 20: 7}
