"""Working-day arithmetic for deadlines (plain Python, no Django).

An organisation's calendar is its weekend (weekday numbers, Monday = 0) and its public
holidays. Deadlines are counted in working days and fall due at the end of the last one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ombuds.lib.errors import InvalidInput

DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday
END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)


def _check_weekend(weekend: frozenset[int]) -> None:
    if not weekend <= frozenset(range(7)):
        raise InvalidInput("Weekend days must be weekday numbers from 0 (Monday) to 6 (Sunday).")
    if len(weekend) == 7:
        # Otherwise no working day would ever come and counting would never end.
        raise InvalidInput("A calendar needs at least one working day in the week.")


def is_working_day(
    d: date, *, holidays: frozenset[date] = frozenset(), weekend: frozenset[int] = DEFAULT_WEEKEND
) -> bool:
    return d.weekday() not in weekend and d not in holidays


def add_working_days(
    start: date,
    days: int,
    *,
    holidays: frozenset[date] = frozenset(),
    weekend: frozenset[int] = DEFAULT_WEEKEND,
) -> date:
    """The date `days` working days after `start`; `start` itself is not counted.

    Zero days gives `start` back unchanged, even if it is not a working day.
    """
    if days < 0:
        raise InvalidInput("A number of working days cannot be negative.")
    _check_weekend(weekend)
    d = start
    remaining = days
    while remaining:
        d += _ONE_DAY
        if is_working_day(d, holidays=holidays, weekend=weekend):
            remaining -= 1
    return d


def working_days_between(
    start: date,
    end: date,
    *,
    holidays: frozenset[date] = frozenset(),
    weekend: frozenset[int] = DEFAULT_WEEKEND,
) -> int:
    """Working days after `start` up to and including `end`; negative if `end` is earlier.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n)) == n.
    """
    if end < start:
        return -working_days_between(end, start, holidays=holidays, weekend=weekend)
    _check_weekend(weekend)
    # Whole weeks at once, so long spans stay cheap; then the remaining days one by one.
    span = (end - start).days
    weeks, extra = divmod(span, 7)
    count = weeks * (7 - len(weekend))
    d = start + timedelta(days=weeks * 7)
    for _ in range(extra):
        d += _ONE_DAY
        if d.weekday() not in weekend:
            count += 1
    count -= sum(1 for h in holidays if start < h <= end and h.weekday() not in weekend)
    return count


def deadline_for(
    started_at: datetime,
    working_days: int,
    *,
    holidays: frozenset[date] = frozenset(),
    weekend: frozenset[int] = DEFAULT_WEEKEND,
) -> datetime:
    """When a deadline of `working_days` started at `started_at` falls due (UTC, 23:59:59)."""
    if started_at.tzinfo is None or started_at.utcoffset() is None:
        raise InvalidInput("Deadline start times must carry a time zone (UTC).")
    start_day = started_at.astimezone(UTC).date()
    due = add_working_days(start_day, working_days, holidays=holidays, weekend=weekend)
    return datetime.combine(due, END_OF_DAY, tzinfo=UTC)
