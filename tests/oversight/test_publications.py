"""A year published quarter by quarter (`suppression.publish_in_turn`): after its first
quarter, after its second, ... Each publication is protected on its own, and none of them
together gives away a hidden count: an attacker who kept every earlier publication (the
counts of a final quarter never change) and solves the linear programme over all of them
still cannot narrow any hidden sensitive count to one value, nor tell 1 from 0.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from scipy.optimize import linprog

from ombuds.oversight.suppression import Counts, Published, publish_in_turn, sensitive, suppress
from tests.oversight.test_suppression import QUARTERS, organisation_years

pytestmark = pytest.mark.database_free

Key = tuple[int, str, int]  # table, row, quarter


class Attacker:
    """Every interior count of every table as a variable; every count any publication
    showed as a constraint (a publication after k quarters totals only those)."""

    def __init__(self, tables: list[Counts], publications: list[list[Published]]) -> None:
        self.index = {
            (t, r, q): i
            for i, (t, r, q) in enumerate(
                (t, r, q) for t, table in enumerate(tables) for r in table.rows
                for q in range(QUARTERS)
            )
        }  # fmt: skip
        self.rows: list[np.ndarray] = []
        self.rhs: list[float] = []
        for shown in publications:
            for t, (table, pub) in enumerate(zip(tables, shown, strict=True)):
                for term, value in _counts(t, table, pub):
                    if value is not None:
                        self._equal(term, value)
        spine = [t for t, table in enumerate(tables) if table.partition]
        for t, u in itertools.pairwise(spine):  # the same cases, each quarter
            for q in range(QUARTERS):
                terms = {(t, r, q): 1.0 for r in tables[t].rows}
                terms.update({(u, r, q): -1.0 for r in tables[u].rows})
                self._equal(terms, 0)

    def _equal(self, terms: dict[Key, float], value: float) -> None:
        row = np.zeros(len(self.index))
        for key, coefficient in terms.items():
            row[self.index[key]] += coefficient
        self.rows.append(row)
        self.rhs.append(value)

    def bounds(self, terms: dict[Key, float]) -> tuple[float, float]:
        objective = np.zeros(len(self.index))
        for key, coefficient in terms.items():
            objective[self.index[key]] = coefficient
        found = []
        for sign in (1, -1):
            result = linprog(
                sign * objective, A_eq=np.array(self.rows) if self.rows else None,
                b_eq=np.array(self.rhs) if self.rhs else None, bounds=(0, None), method="highs",
            )  # fmt: skip
            if result.status == 3:
                found.append(float("-inf") if sign == 1 else float("inf"))
                continue
            assert result.status == 0, result.message
            found.append(sign * result.fun)
        return found[0], found[1]


def _counts(t: int, table: Counts, pub: Published) -> list[tuple[dict[Key, float], int | None]]:
    """Every count of one published table as (the variables it adds up, what was shown)."""
    upto = range(len(pub.cells[0]) if pub.cells else 0)
    out: list[tuple[dict[Key, float], int | None]] = []
    for r, cells, total in zip(pub.rows, pub.cells, pub.row_totals, strict=True):
        out += [({(t, r, q): 1.0}, cells[q]) for q in upto]
        out.append(({(t, r, q): 1.0 for q in upto}, total))
    if pub.quarter_totals is not None:
        out += [({(t, r, q): 1.0 for r in table.rows}, pub.quarter_totals[q]) for q in upto]
        out.append(({(t, r, q): 1.0 for r in table.rows for q in upto}, pub.total))
    return out


def _value(tables: list[Counts], terms: dict[Key, float]) -> int:
    return sum(tables[t].values[tables[t].rows.index(r)][q] for t, r, q in terms)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation_years())
def test_no_publication_with_the_earlier_ones_gives_a_hidden_count_away(
    drawn: tuple[int, list[Counts]],
) -> None:
    threshold, tables = drawn
    publications = publish_in_turn(tables, threshold)
    assert len(publications) == QUARTERS
    attacker = Attacker(tables, publications)
    for shown in publications:
        for t, (table, pub) in enumerate(zip(tables, shown, strict=True)):
            for terms, value in _counts(t, table, pub):
                truth = _value(tables, terms)
                if value is not None:
                    assert value == truth and not sensitive(truth, threshold)
                    continue
                if not sensitive(truth, threshold):
                    continue
                lo, hi = attacker.bounds(terms)
                assert lo <= truth - 1 + 1e-6, f"{sorted(terms)}={truth}: lower bound {lo}"
                assert hi >= truth + 1 - 1e-6, f"{sorted(terms)}={truth}: upper bound {hi}"


def test_the_last_quarter_alone_is_published_as_suppress_does() -> None:
    """Before any earlier publication there is nothing to hold: the first is `suppress`."""
    table = Counts(("a", "b"), ((12, 3, 30, 0), (20, 9, 1, 14)))
    first = publish_in_turn([table], 10)[0][0]
    assert first == suppress([Counts(("a", "b"), ((12,), (20,)))], 10)[0]


def test_a_hidden_q3_cell_is_not_given_away_by_the_year_total_after_q2() -> None:
    """The case that was open before: row b's 4 in Q3 was hidden after Q3 while its row
    total was shown both after Q2 (45) and after Q3 (49)."""
    values = ((15, 13, 38), (9, 36, 4), (37, 0, 17), (23, 21, 6))
    publications = publish_in_turn([Counts(("a", "b", "c", "d"), values)], 10)
    after_q2, after_q3 = publications[1][0], publications[2][0]
    for row in range(4):
        if after_q3.cells[row][2] is None:
            assert after_q2.row_totals[row] is None or after_q3.row_totals[row] is None
