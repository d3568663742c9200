"""The rules of missed deadlines (plain Python, no Django).

A missed deadline blocks the handlers responsible for it: until one of them records a
reason and a new date, they can do nothing else on that case. The new date must be a
future working day; a date further than the service level allows needs the oversight
officer's approval. Reminders go out a fixed number of working days before a deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.lib.working_days import DEFAULT_WEEKEND, add_working_days, is_working_day
from ombuds.record import events

REMIND_WORKING_DAYS = 2  # the responsible handler is reminded this many working days before
# What a blocked handler may still do: explain the delay (and the officer decide on it).
ALLOWED_WHILE_BLOCKED = frozenset(
    spec.type
    for spec in (events.DELAY_EXPLAINED, events.EXTENSION_APPROVED, events.EXTENSION_REFUSED)
)

# Reasons a handler may give, as codes both parties and the oversight officer read in the
# same plain words. A free-text note, if any, is case content and stays encrypted.
# fmt: off
DELAY_REASONS: dict[str, str] = {
    "waiting_for_party": "We are waiting for information from one of the parties",
    "witness_unavailable": "A witness has not been available",
    "more_evidence": "More evidence has come to light and needs to be looked at",
    "complexity": "The case is more complex than usual",
    "handler_absence": "The person handling the case has been absent",
    "workload": "The scheme has had more cases than it could handle on time",
    "other": "Another reason, recorded on the case",
}
# Why the oversight officer re-allocates a handler: codes, recorded in the clear on the
# case (`case.unassigned`'s "why"), so never a sentence she types.
REALLOCATION_REASONS: dict[str, str] = {
    "repeated_misses": "The handler keeps missing the case's deadlines",
    "no_explanation": "The handler has not explained a missed deadline",
    "handler_absence": "The handler is absent or unavailable",
}
# fmt: on


@dataclass(frozen=True)
class Escalation:
    """A missed deadline of one case as the rule needs it."""

    deadline_name: str
    due_at: datetime
    responsible: frozenset[str]  # pseudonyms of the handlers who must explain it
    blocked: bool  # no reason and new date recorded since it was missed


def blocking_escalation(rows: Iterable[Escalation], now: datetime) -> Escalation | None:
    """The missed deadline still waiting for a reason and a new date, if any (the oldest).

    `now` is taken so the rule can be asked about a moment, as every rule is; a deadline
    that is not yet due never blocks even if a row says so (a sweep ahead of the clock).
    """
    waiting = [row for row in rows if row.blocked and row.due_at < now]
    return min(waiting, key=lambda row: row.due_at) if waiting else None


def refusal_for(
    rows: Iterable[Escalation], now: datetime, *, pseudonym: str, event_type: str
) -> str | None:
    """Why this person may not record `event_type` on the case now, or None if she may."""
    if event_type in ALLOWED_WHILE_BLOCKED:
        return None
    blocking = blocking_escalation(rows, now)
    if blocking is None or pseudonym not in blocking.responsible:
        return None
    return (
        f"The deadline to {_what(blocking.deadline_name)} was missed on "
        f"{blocking.due_at:%-d %B %Y}. Record the reason and a new date before you do "
        "anything else on this case."
    )


def check_refusal(
    rows: Iterable[Escalation], now: datetime, *, pseudonym: str, event_type: str
) -> None:
    refusal = refusal_for(rows, now, pseudonym=pseudonym, event_type=event_type)
    if refusal is not None:
        raise TransitionRefused(refusal)


def _what(deadline_name: str) -> str:
    from ombuds.timetable.service_levels import LEVELS  # pure too; here to keep names close

    level = LEVELS.get(deadline_name)
    return level.covers[0].lower() + level.covers[1:] if level else deadline_name


def check_new_date(
    new_date: date,
    *,
    today: date,
    holidays: frozenset[date],
    weekend: frozenset[int] = DEFAULT_WEEKEND,
) -> None:
    """A new date must be after today and a working day of the organisation."""
    if new_date <= today:
        raise InvalidInput("The new date must be in the future.")
    if not is_working_day(new_date, holidays=holidays, weekend=weekend):
        raise InvalidInput(
            f"{new_date:%-d %B %Y} is not a working day (a weekend, a public holiday or a "
            "closure day). Choose a working day."
        )


def needs_approval(
    new_date: date, *, today: date, service_days: int, holidays: frozenset[date]
) -> bool:
    """An extension further than one whole service level from today needs the oversight
    officer's approval."""
    return new_date > add_working_days(today, service_days, holidays=holidays)


def reminder_from(due_at: datetime, holidays: frozenset[date]) -> date:
    """The day a deadline's reminder goes out: REMIND_WORKING_DAYS working days before."""
    day = due_at.date()
    count = 0
    while count < REMIND_WORKING_DAYS:
        day = date.fromordinal(day.toordinal() - 1)
        if is_working_day(day, holidays=holidays):
            count += 1
    return day
