"""The check-in schedule and its rules, as plain Python with a controlled clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from ombuds.cases.fold import fold
from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.record import checkins as rules
from ombuds.record import events
from ombuds.record.stages import Stage
from ombuds.record.state import CaseEvent, CaseState, CheckIn

CLOSED = datetime(2026, 11, 23, 15, tzinfo=UTC)  # a Monday


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


def test_calendar_days_after_closure_moved_off_days_off() -> None:
    dues = rules.checkin_dates(CLOSED, [30, 60, 90], holidays=frozenset())
    # 23 Dec (Wed), 22 Jan (Fri), and 21 Feb is a Sunday: the Monday after.
    assert dues == [
        end_of(date(2026, 12, 23)),
        end_of(date(2027, 1, 22)),
        end_of(date(2027, 2, 22)),
    ]
    # A public holiday or closure day moves it to the next working day too.
    holidays = frozenset({date(2026, 12, 23), date(2026, 12, 24)})
    assert rules.checkin_dates(CLOSED, [30], holidays=holidays) == [end_of(date(2026, 12, 25))]
    with pytest.raises(InvalidInput):
        rules.checkin_dates(CLOSED, [0], holidays=frozenset())


def test_closed_late_in_the_day_counts_from_its_utc_day() -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert rules.checkin_dates(late, [30], holidays=frozenset()) == [end_of(date(2026, 12, 23))]


def test_schedule_days_always_increase() -> None:
    levels = {"checkin_first": 30, "checkin_second": 60, "checkin_third": 90}
    assert rules.schedule_days(levels) == [30, 60, 90]
    assert rules.schedule_days({**levels, "checkin_second": 20}) == [30, 31, 90]


def _event(spec: events.EventSpec, at: datetime, version: int, **metadata: object) -> CaseEvent:
    return CaseEvent(type=spec.type, version=version, recorded_at=at, metadata=metadata)


def _closed_state() -> CaseState:
    dues = rules.checkin_dates(CLOSED, [30, 60, 90], holidays=frozenset())
    submitted = _event(
        events.SUBMITTED, CLOSED - timedelta(hours=5), 1, reference="OMB-TEST-0001",
        organisation="demo", anonymous=True, complainant="c1", tokens=[],
    )  # fmt: skip
    closed = _event(events.CLOSED, CLOSED, 2, to="closed")
    scheduled = _event(
        events.CHECKINS_SCHEDULED, CLOSED, 3, days=[30, 60, 90], due=[d.isoformat() for d in dues]
    )
    return fold([submitted, closed, scheduled])


def test_the_fold_makes_the_owed_checkin_the_deadline() -> None:
    state = _closed_state()
    assert state.stage == Stage.CLOSED
    assert (state.deadline_name, state.deadline_at) == ("checkin_first", end_of(date(2026, 12, 23)))
    assert rules.checkins_wanted(state) is False  # already scheduled
    recorded = _event(events.CHECKIN_RECORDED, CLOSED + timedelta(days=29), 4, checkin=1)
    state = _apply(state, recorded)
    assert state.deadline_name == "checkin_second"
    assert rules.to_answer(state) == CheckIn(1, end_of(date(2026, 12, 23)), recorded=True)
    answered = _event(
        events.CHECKIN_ANSWERED, CLOSED + timedelta(days=30), 5, checkin=1,
        something_happened=False,
    )  # fmt: skip
    state = _apply(state, answered)
    assert rules.to_answer(state) is None
    declined = _event(events.CHECKINS_DECLINED, CLOSED + timedelta(days=40), 6, why="left")
    state = _apply(state, declined)
    assert [c.cancelled for c in state.checkins] == [False, True, True]
    assert (state.deadline_name, state.deadline_at) == ("", None)
    assert rules.may_decline(state) is False


def _apply(state: CaseState, event: CaseEvent) -> CaseState:
    from ombuds.cases.fold import apply

    return apply(state, event)


def test_the_advocate_may_record_from_a_week_before() -> None:
    state = _closed_state()
    due = end_of(date(2026, 12, 23))
    with time_machine.travel(due - timedelta(days=8), tick=False):
        now = datetime.now(UTC)
        assert rules.recordable(state, now) is None
        with pytest.raises(TransitionRefused, match="due on 23 December 2026"):
            rules.check_recordable(state, now)
    with time_machine.travel(due - timedelta(days=rules.EARLY_DAYS), tick=False):
        assert rules.check_recordable(state, datetime.now(UTC)).number == 1
    with time_machine.travel(due + timedelta(days=20), tick=False):  # late, still owed
        assert rules.check_recordable(state, datetime.now(UTC)).number == 1


def test_her_answer_is_checked() -> None:
    state = _apply(
        _closed_state(), _event(events.CHECKIN_RECORDED, CLOSED + timedelta(days=29), 4, checkin=1)
    )
    with pytest.raises(InvalidInput, match="Tell us what has happened"):
        rules.check_answer(state, 1, something=True, account="   ")
    with pytest.raises(InvalidInput, match="20,000 characters"):
        rules.check_answer(state, 1, something=True, account="x" * 20_001)
    with pytest.raises(TransitionRefused):
        rules.check_answer(state, 2, something=False, account="")  # not recorded yet
    assert rules.check_answer(state, 1, something=False, account="ignored") == ""
    assert rules.check_answer(state, 1, something=True, account=" It did. ") == "It did."


def test_she_may_decline_before_closure_but_not_after_withdrawal() -> None:
    assert rules.may_decline(CaseState(stage=Stage.INVESTIGATION)) is True
    assert rules.may_decline(CaseState(stage=Stage.WITHDRAWN)) is False
    assert rules.may_decline(CaseState(stage=Stage.CLOSED)) is False  # nothing to stop
