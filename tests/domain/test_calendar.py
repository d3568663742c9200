"""Working-day calendar. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ombuds.lib.errors import InvalidInput
from ombuds.lib.working_days import (
    add_working_days,
    deadline_for,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.database_free

MON = date(2025, 6, 2)  # a Monday
FRI = date(2025, 6, 6)
SAT = date(2025, 6, 7)
SUN = date(2025, 6, 8)
NEXT_MON = date(2025, 6, 9)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
holiday_sets = st.frozensets(
    st.dates(min_value=date(1999, 12, 1), max_value=date(2102, 1, 31)), max_size=30
)
# Any weekend that leaves at least one working day in the week.
weekends = st.frozensets(st.integers(0, 6), max_size=6)


def test_weekdays_and_weekends() -> None:
    assert is_working_day(MON)
    assert is_working_day(FRI)
    assert not is_working_day(SAT)
    assert not is_working_day(SUN)


def test_friday_plus_one_is_monday() -> None:
    assert add_working_days(FRI, 1) == NEXT_MON


def test_weekend_start_counts_from_monday() -> None:
    assert add_working_days(SAT, 1) == NEXT_MON
    assert add_working_days(SUN, 1) == NEXT_MON


def test_zero_days_is_the_same_date() -> None:
    assert add_working_days(MON, 0) == MON
    assert add_working_days(SAT, 0) == SAT


def test_weekends_are_skipped() -> None:
    assert add_working_days(MON, 4) == FRI
    assert add_working_days(MON, 5) == NEXT_MON
    assert add_working_days(MON, 10) == date(2025, 6, 16)


def test_holidays_are_skipped() -> None:
    holidays = frozenset({NEXT_MON})
    assert not is_working_day(NEXT_MON, holidays=holidays)
    assert add_working_days(FRI, 1, holidays=holidays) == date(2025, 6, 10)
    assert working_days_between(FRI, date(2025, 6, 10), holidays=holidays) == 1


def test_another_weekend() -> None:
    friday_saturday = frozenset({4, 5})
    assert add_working_days(date(2025, 6, 5), 1, weekend=friday_saturday) == SUN


def test_negative_days_are_refused() -> None:
    with pytest.raises(InvalidInput):
        add_working_days(MON, -1)


def test_a_week_without_working_days_is_refused() -> None:
    with pytest.raises(InvalidInput):
        add_working_days(MON, 1, weekend=frozenset(range(7)))
    with pytest.raises(InvalidInput):
        working_days_between(MON, FRI, weekend=frozenset({7}))


def test_working_days_between() -> None:
    assert working_days_between(MON, MON) == 0
    assert working_days_between(MON, FRI) == 4
    assert working_days_between(FRI, NEXT_MON) == 1
    assert working_days_between(NEXT_MON, FRI) == -1


def test_deadline_for_is_end_of_the_working_day_in_utc() -> None:
    started = datetime(2025, 6, 6, 15, 30, tzinfo=UTC)  # a Friday afternoon
    assert deadline_for(started, 2) == datetime(2025, 6, 10, 23, 59, 59, tzinfo=UTC)
    assert deadline_for(started, 0) == datetime(2025, 6, 6, 23, 59, 59, tzinfo=UTC)
    assert deadline_for(started, 2).utcoffset() == timedelta(0)


def test_deadline_for_converts_other_zones_to_utc() -> None:
    # 01:00 on Saturday in UTC+2 is still Friday in UTC.
    started = datetime(2025, 6, 7, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert deadline_for(started, 1) == datetime(2025, 6, 9, 23, 59, 59, tzinfo=UTC)


def test_deadline_for_refuses_naive_times() -> None:
    with pytest.raises(InvalidInput):
        deadline_for(datetime(2025, 6, 6, 12, 0), 2)  # noqa: DTZ001


@given(start=dates, n=st.integers(1, 200), holidays=holiday_sets, weekend=weekends)
def test_result_is_a_working_day(
    start: date, n: int, holidays: frozenset[date], weekend: frozenset[int]
) -> None:
    end = add_working_days(start, n, holidays=holidays, weekend=weekend)
    assert end > start
    assert is_working_day(end, holidays=holidays, weekend=weekend)


@given(start=dates, n=st.integers(0, 200), holidays=holiday_sets, weekend=weekends)
def test_between_inverts_add(
    start: date, n: int, holidays: frozenset[date], weekend: frozenset[int]
) -> None:
    end = add_working_days(start, n, holidays=holidays, weekend=weekend)
    assert working_days_between(start, end, holidays=holidays, weekend=weekend) == n
    assert working_days_between(end, start, holidays=holidays, weekend=weekend) == -n


@given(start=dates, n=st.integers(0, 200), holidays=holiday_sets, weekend=weekends)
def test_monotonic_in_n(
    start: date, n: int, holidays: frozenset[date], weekend: frozenset[int]
) -> None:
    this = add_working_days(start, n, holidays=holidays, weekend=weekend)
    following = add_working_days(start, n + 1, holidays=holidays, weekend=weekend)
    assert following > this


@given(start=dates, end=dates, holidays=holiday_sets, weekend=weekends)
def test_between_counts_working_days_one_by_one(
    start: date, end: date, holidays: frozenset[date], weekend: frozenset[int]
) -> None:
    if end < start:
        start, end = end, start
    end = min(end, start + timedelta(days=400))
    by_hand = sum(
        is_working_day(start + timedelta(days=i), holidays=holidays, weekend=weekend)
        for i in range(1, (end - start).days + 1)
    )
    assert working_days_between(start, end, holidays=holidays, weekend=weekend) == by_hand
