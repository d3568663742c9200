"""The rules of check-ins after a case closes (plain Python, no Django).

When a case closes (not withdrawn or referred) with the complainant still in the
organisation, her advocate owes check-ins at 30, 60 and 90 days (the organisation's
`checkin_*` service levels). Days are calendar days counted from the day the case closed;
a date that is not a working day of the organisation moves to the next working day, and
each falls due at the end of that day (UTC). The advocate may record a check-in from
EARLY_DAYS before its date; a check-in not recorded by its date is a missed deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.lib.working_days import END_OF_DAY, is_working_day
from ombuds.record.stages import Stage
from ombuds.record.state import CHECKIN_DEADLINES, CaseState, CheckIn

EARLY_DAYS = 7  # the advocate may check in up to a week before the date
MAX_ACCOUNT = 20_000
MAX_MESSAGE = 2_000
# Why she wants no more check-ins: codes in the event, words on the pages.
DECLINE_REASONS: dict[str, str] = {
    "left": "I have left the organisation",
    "no_checkins": "I do not want any more check-ins",
}
# The `relation` of a `case.linked` event, as each side reads it.
REPORTED_FROM_HERE = "retaliation_reported"  # on the old case: a new case was opened
FOLLOWS = "follows"  # on the new case: it follows a check-in on the old one


def checkin_dates(
    closed_at: datetime, days: Sequence[int], *, holidays: frozenset[date]
) -> list[datetime]:
    """When each check-in falls due: `days` calendar days after the day of closure, moved
    to the next working day if it is not one, at the end of that day (UTC)."""
    closed_on = closed_at.astimezone(UTC).date()
    dues = []
    for count in days:
        if count < 1:
            raise InvalidInput("A check-in must be at least 1 day after closure.")
        day = closed_on + timedelta(days=count)
        while not is_working_day(day, holidays=holidays):
            day += timedelta(days=1)
        dues.append(datetime.combine(day, END_OF_DAY, tzinfo=UTC))
    return dues


def schedule_days(levels: dict[str, int]) -> list[int]:
    """The organisation's check-in days in order, each later than the one before (a
    setting that is not is moved a day after the previous one)."""
    days: list[int] = []
    for name in CHECKIN_DEADLINES:
        value = levels[name]
        days.append(max(value, days[-1] + 1) if days else value)
    return days


def checkins_wanted(state: CaseState) -> bool:
    """Closure schedules check-ins unless she said she has left or wants none."""
    return state.stage == Stage.CLOSED and state.checkins_declined_at is None and not state.checkins


def next_owed(state: CaseState) -> CheckIn | None:
    owed = [c for c in state.checkins if c.owed]
    return min(owed, key=lambda c: c.due_at) if owed else None


def recordable(state: CaseState, now: datetime) -> CheckIn | None:
    """The check-in the advocate may record now: the earliest owed, from EARLY_DAYS
    before its date (or late)."""
    owed = next_owed(state)
    if owed is None or state.stage != Stage.CLOSED:
        return None
    return owed if now >= owed.due_at - timedelta(days=EARLY_DAYS) else None


def check_recordable(state: CaseState, now: datetime) -> CheckIn:
    checkin = recordable(state, now)
    if checkin is None:
        owed = next_owed(state)
        if owed is None:
            raise TransitionRefused("No check-in is owed on this case.")
        raise TransitionRefused(
            f"The next check-in is due on {owed.due_at:%-d %B %Y}. You can record it from "
            f"{EARLY_DAYS} days before."
        )
    return checkin


def to_answer(state: CaseState) -> CheckIn | None:
    """The check-in waiting for her answer: recorded, not answered, the latest first."""
    waiting = [c for c in state.checkins if c.recorded and not c.answered]
    return max(waiting, key=lambda c: c.number) if waiting else None


def check_answer(state: CaseState, number: int, *, something: bool, account: str) -> str:
    """Her answer as it will be stored, or InvalidInput in plain words."""
    checkin = state.checkin(number)
    if checkin is None or not checkin.recorded or checkin.answered:
        raise TransitionRefused("This check-in has already been answered.")
    account = account.strip()
    if something and not account:
        raise InvalidInput("Tell us what has happened")
    if len(account) > MAX_ACCOUNT:
        raise InvalidInput(f"Your account must be {MAX_ACCOUNT:,} characters or fewer")
    return account if something else ""


def may_decline(state: CaseState) -> bool:
    """She can say she wants no check-ins once (before or after closure), while the case
    is open or a check-in is still to come."""
    if state.checkins_declined_at is not None or state.stage in {Stage.WITHDRAWN, Stage.REFERRED}:
        return False
    if state.stage == Stage.CLOSED:
        return any(c.owed for c in state.checkins)
    return state.stage is not None
