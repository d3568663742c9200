"""Which published counts are hidden, so that nobody can work out a small number (plain
Python, no Django): the rule the statistics pages publish through, tested on its own.

What is published, for one organisation and one year (fixed calendar periods that never
overlap, so no two published periods can be differenced except through these tables):

* *partition tables*: each case received in the year is counted once, in one row (its
  stage now, its route, its outcome...), and in the column of the quarter it was received
  in. Each row has its year total; each quarter its total (the same cases in every
  partition table: the *spine*), and the year has its grand total.
* *tallies*: rows that are not a partition (a decision may impose several sanctions):
  each row is counted by quarter with its year total, and no column or grand total.

The protection criterion, proved by `tests/oversight/test_suppression.py` with a linear
programme over every table of the organisation-year at once: a count is *sensitive* when
it is from 1 to threshold - 1. Every sensitive count (a cell or a total) is hidden, and for
each one, over all non-negative tables that agree with everything published (every cell,
every total, the spine shared by the partition tables), its feasible range [lo, hi]
satisfies lo <= value - 1 and hi >= value + 1. So no hidden count can be worked out
exactly, a 1 cannot be told from a 0, and nothing shown narrows any of them to one value.

How it is achieved (secondary suppression):

1. If the year's grand total is sensitive, nothing of that organisation-year is shown.
2. The spine: a sensitive quarter total is hidden with at least one other quarter total
   (the smallest non-zero), in every partition table alike. For each pair of hidden
   quarters (a, b), each partition table hides a row with cases in b and a row with cases
   in a, in both quarters, so the two quarter totals can trade cases in both directions.
3. Every other sensitive count is put on a rectangle of hidden counts (two rows, two
   columns, the year total counting as a column) whose four counts are all at least 1:
   one case can move round the rectangle either way, changing none of the totals shown.
4. A tally row hides at least two of its quarters when it hides one and shows its total.

A year is published to the public in turn, after each quarter becomes final, and all of
those publications can be kept and set side by side: `publish_in_turn` holds each to the
ones before it (its docstring says how; `tests/oversight/test_publications.py` proves the
same criterion over all of them at once). This holds for one threshold: changing
`OMBUDS_STATISTICS_THRESHOLD` in the middle of a year changes what was held.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10  # as Parliament's Independent Complaints and Grievance Scheme
MINIMUM_THRESHOLD = 5  # never less: below this, one person is too easily singled out

Y = -1  # the year total's column in the extended table (quarters are 0, 1, 2, ...)
T = "\x00total"  # the row of quarter totals in the extended table

Cell = tuple[str, int]


class ThresholdTooLow(ValueError):
    """A threshold below the minimum was asked for."""


def check_threshold(threshold: int) -> int:
    """The threshold, or ThresholdTooLow with a sentence saying why not."""
    if threshold < MINIMUM_THRESHOLD:
        raise ThresholdTooLow(
            f"The suppression threshold must be at least {MINIMUM_THRESHOLD} "
            f"(it is {threshold}): smaller counts could identify people."
        )
    return threshold


@dataclass(frozen=True)
class Counts:
    """One table to publish: rows of counts by period (the quarters of one year)."""

    rows: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]  # values[row][quarter]
    partition: bool = True  # every case in exactly one row: quarter and grand totals

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.values) or len(set(self.rows)) != len(self.rows):
            raise ValueError("one row of counts for each distinct row name")
        widths = {len(v) for v in self.values}
        if len(widths) > 1:
            raise ValueError("every row has the same periods")
        if any(n < 0 for v in self.values for n in v):
            raise ValueError("a count cannot be negative")

    @property
    def periods(self) -> int:
        return len(self.values[0]) if self.values else 0

    def value(self, cell: Cell) -> int:
        """A cell of the extended table: interior, row total (Y), quarter total (T)."""
        row, col = cell
        if row == T:
            return sum(self.value((r, col)) for r in self.rows)
        values = self.values[self.rows.index(row)]
        return sum(values) if col == Y else values[col]

    def quarter_totals(self) -> tuple[int, ...]:
        return tuple(self.value((T, q)) for q in range(self.periods))


@dataclass(frozen=True)
class Published:
    """A table as it may be shown: None where a count is hidden."""

    rows: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    quarter_totals: tuple[int | None, ...] | None  # None for a tally (no totals)
    total: int | None

    def hidden(self) -> set[Cell]:
        out = {
            (r, q)
            for r, row in zip(self.rows, self.cells, strict=True)
            for q, v in enumerate(row)
            if v is None
        }
        out |= {(r, Y) for r, v in zip(self.rows, self.row_totals, strict=True) if v is None}
        if self.quarter_totals is not None:
            out |= {(T, q) for q, v in enumerate(self.quarter_totals) if v is None}
            if self.total is None:
                out.add((T, Y))
        return out


def sensitive(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def suppress(tables: Sequence[Counts], threshold: int = DEFAULT_THRESHOLD) -> list[Published]:
    """Publish the tables of one organisation-year together (their spine is shared)."""
    check_threshold(threshold)
    partitions = [t for t in tables if t.partition]
    spines = {t.quarter_totals() for t in partitions}
    if len(spines) > 1:
        raise ValueError("partition tables of one year must count the same cases")
    spine = next(iter(spines)) if spines else ()
    everything = bool(partitions) and sensitive(sum(spine), threshold)
    hidden_quarters = [] if everything else _spine(spine, threshold)
    out = []
    for table in tables:
        if everything and table.partition:
            hidden = _all_cells(table)
        elif table.partition:
            hidden = _partition(table, hidden_quarters, threshold)
        else:
            hidden = _tally(table, threshold)
        out.append(_publish(table, hidden))
    return out


def publish_in_turn(tables: Sequence[Counts], threshold: int = DEFAULT_THRESHOLD) -> list[
    list[Published]
]:  # fmt: skip
    """The publications of one organisation-year as its quarters become final, after its
    first quarter, its second, ...: each the tables of the quarters so far, published with
    what the earlier ones showed held fixed, so that no two of them together give away a
    hidden count (the counts of a final quarter never change).

    Each is `suppress` of the quarters so far, then: every earlier quarter's cells and
    total shown exactly as before (hidden stays hidden; what was shown is public anyway);
    a row's year-to-date total hidden when its new quarter's cell or its earlier total
    was (else the two totals give the new cell); the grand total hidden when the new
    quarter's total or the earlier grand total was. A hidden cell of the new quarter then
    moves, with its row total, against another hidden cell of that quarter, which
    `suppress` always hides beside it; the earlier publications' moves still hold.
    """
    out: list[list[Published]] = []
    for quarters in range(1, max((t.periods for t in tables), default=0) + 1):
        now = [Counts(t.rows, tuple(v[:quarters] for v in t.values), t.partition) for t in tables]
        shown = suppress(now, threshold)
        if out:
            shown = [_after(before, new) for before, new in zip(out[-1], shown, strict=True)]
        out.append(shown)
    return out


def _after(before: Published, new: Published) -> Published:
    """`new` (one quarter more than `before`) held to what `before` showed."""
    last = len(new.cells[0]) - 1 if new.cells else 0
    cells = tuple((*old, row[last]) for old, row in zip(before.cells, new.cells, strict=True))
    row_totals = tuple(
        None if row[last] is None or earlier is None else total
        for row, earlier, total in zip(new.cells, before.row_totals, new.row_totals, strict=True)
    )
    if new.quarter_totals is None or before.quarter_totals is None:
        return Published(new.rows, cells, row_totals, None, None)
    latest = new.quarter_totals[last]
    total = None if latest is None or before.total is None else new.total
    return Published(new.rows, cells, row_totals, (*before.quarter_totals, latest), total)


def _all_cells(table: Counts) -> set[Cell]:
    cols = [*range(table.periods), Y]
    return {(r, c) for r in (*table.rows, T) for c in cols}


def _spine(spine: Sequence[int], threshold: int) -> list[int]:
    """The quarters whose totals are hidden: none, or at least two."""
    hidden = [q for q, n in enumerate(spine) if sensitive(n, threshold)]
    if len(hidden) == 1:
        others = sorted((n, q) for q, n in enumerate(spine) if q not in hidden and n > 0)
        hidden.append(others[0][1])  # the grand total is at least the threshold: one exists
    return sorted(hidden)


def _partition(table: Counts, hidden_quarters: Sequence[int], threshold: int) -> set[Cell]:
    hidden: set[Cell] = {(T, q) for q in hidden_quarters}
    cols = [*range(table.periods), Y]
    moved: set[Cell] = set()  # counts that move (both ways) with the hidden quarter totals
    for a, b in itertools.pairwise(hidden_quarters):
        # A row able to give a case from b to a, and one from a to b.
        for give in (b, a):
            row = max(table.rows, key=lambda r: table.value((r, give)))
            hidden |= {(row, a), (row, b)}
            if table.value((row, a)) >= 1 and table.value((row, b)) >= 1:
                moved |= {(row, a), (row, b)}
    todo = [
        (r, c)
        for r in table.rows
        for c in cols
        if sensitive(table.value((r, c)), threshold) and (r, c) not in moved
    ]
    hidden |= set(todo)
    for cell in todo:
        if not _on_rectangle(table, cell, hidden):
            hidden |= _cheapest_rectangle(table, cell, hidden)
    return hidden


def _rectangles(table: Counts, cell: Cell) -> list[set[Cell]]:
    """Every rectangle through `cell` (interior rows; quarters and the year as columns)
    whose four counts are all at least 1."""
    row, col = cell
    cols = [*range(table.periods), Y]
    found = []
    for other_col in cols:
        if other_col == col or table.value((row, other_col)) < 1:
            continue
        for other_row in table.rows:
            corners = {(row, col), (row, other_col), (other_row, col), (other_row, other_col)}
            if other_row != row and all(table.value(c) >= 1 for c in corners):
                found.append(corners)
    return found


def _on_rectangle(table: Counts, cell: Cell, hidden: set[Cell]) -> bool:
    return any(corners <= hidden for corners in _rectangles(table, cell))


def _cheapest_rectangle(table: Counts, cell: Cell, hidden: set[Cell]) -> set[Cell]:
    """The rectangle that hides the fewest new counts, then the least in them; every
    sensitive count has one (see the module's docstring; the tests check it)."""
    options = _rectangles(table, cell)
    if not options:  # cannot happen for a sensitive count; hide the whole table rather
        return _all_cells(table) - {(T, c) for c in range(table.periods)} - {(T, Y)}

    def cost(corners: set[Cell]) -> tuple[int, int]:
        new = corners - hidden
        return len(new), sum(table.value(c) for c in new)

    return min(options, key=cost)


def _tally(table: Counts, threshold: int) -> set[Cell]:
    hidden: set[Cell] = set()
    for r, values in zip(table.rows, table.values, strict=True):
        row = {(r, q) for q, n in enumerate(values) if sensitive(n, threshold)}
        total = sum(values)
        if sensitive(total, threshold):
            row.add((r, Y))
        elif len(row) == 1:
            others = sorted((n, q) for q, n in enumerate(values) if (r, q) not in row and n > 0)
            row.add((r, others[0][1]))
        hidden |= row
    return hidden


def _publish(table: Counts, hidden: set[Cell]) -> Published:
    def shown(cell: Cell) -> int | None:
        return None if cell in hidden else table.value(cell)

    quarters = range(table.periods)
    return Published(
        rows=table.rows,
        cells=tuple(tuple(shown((r, q)) for q in quarters) for r in table.rows),
        row_totals=tuple(shown((r, Y)) for r in table.rows),
        quarter_totals=tuple(shown((T, q)) for q in quarters) if table.partition else None,
        total=shown((T, Y)) if table.partition else None,
    )


@dataclass(frozen=True)
class Spread:
    """Quartiles of durations, published only over at least `threshold` cases."""

    lower: float
    median: float
    upper: float


def quartiles(histogram: dict[int, int], threshold: int = DEFAULT_THRESHOLD) -> Spread | None:
    """Lower quartile, median and upper quartile of values given as {value: how many}
    (nearest-rank); None when fewer than `threshold` values (a median of three cases is
    one person's figure)."""
    check_threshold(threshold)
    n = sum(histogram.values())
    if n < threshold:
        return None
    ordered = sorted(histogram.items())

    def at(rank: float) -> float:
        target = max(1, -(-int(rank * n * 1000) // 1000))  # ceil(rank * n), at least 1
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= target:
                return float(value)
        return float(ordered[-1][0])

    return Spread(lower=at(0.25), median=at(0.5), upper=at(0.75))


def durations_in_turn(
    quarters: Sequence[dict[int, int]], threshold: int = DEFAULT_THRESHOLD
) -> dict[int, int]:
    """The durations of a year's quarters, in order, that its publications may take their
    quartiles from, as they become final: a quarter joins only once it, with any held
    before it, brings at least `threshold` cases, so that two publications differ by at
    least that many cases and a shift of the median never describes one or two people."""
    check_threshold(threshold)
    published: dict[int, int] = {}
    held: dict[int, int] = {}
    for histogram in quarters:
        for value, count in histogram.items():
            held[value] = held.get(value, 0) + count
        if sum(held.values()) >= threshold:
            for value, count in held.items():
                published[value] = published.get(value, 0) + count
            held = {}
    return published
