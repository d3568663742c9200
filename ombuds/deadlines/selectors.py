"""Reads of missed deadlines: metadata only (references, stages, dates, reason codes and
who is responsible), never content and never a party's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q, QuerySet

from ombuds.cases.models import Case
from ombuds.deadlines.events import DEADLINE_EVENT_TYPES
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import NotFound
from ombuds.lib.working_days import working_days_between
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.stages import OPEN_STAGES, stage_name
from ombuds.record.state import CHECKIN_DEADLINES
from ombuds.timetable.models import Watch
from ombuds.timetable.rules import DELAY_REASONS
from ombuds.timetable.schedule import organisation_holidays
from ombuds.timetable.service_levels import LEVELS

PER_PAGE = 25


def deadline_words(name: str) -> str:
    level = LEVELS.get(name)
    return level.covers if level else name.replace("_", " ").capitalize()


def reason_words(code: str) -> str:
    return DELAY_REASONS.get(code, "")


@dataclass(frozen=True)
class DelayRow:
    reference: str
    organisation: str
    stage: str
    deadline: str
    due_at: datetime
    days_over: int
    misses: int
    status: str
    reason: str
    responsible: str


def _status(watch: Watch) -> str:
    if watch.blocked:
        return "Reason and new date owed"
    if watch.awaiting_approval:
        return "Extension waiting for your approval"
    return "New date set"


def _names(pseudonyms: set[str]) -> dict[str, str]:
    people = User.objects.filter(pseudonym__in=pseudonyms).only("pseudonym", "display_name")
    return {p.pseudonym: str(p) for p in people}


def escalated(
    *, organisation: str = "", reference: str = "", waiting: bool = False
) -> QuerySet[Watch]:
    """Every missed deadline of an open case or a check-in after closure, most overdue
    first."""
    # Open cases, and check-ins owed after closure (a missed one is listed like any).
    watched = Q(case__stage__in=[s.value for s in OPEN_STAGES]) | Q(
        deadline_name__in=CHECKIN_DEADLINES
    )
    rows = Watch.objects.filter(watched, misses__gt=0).select_related("case", "case__organisation")
    if organisation:
        rows = rows.filter(case__organisation__slug=organisation)
    if reference:
        rows = rows.filter(case__reference=reference.strip().upper())
    if waiting:
        rows = rows.filter(Q(blocked=True) | Q(awaiting_approval=True))
    return rows.order_by("effective_due_at", "pk")


def delay_rows(watches: list[Watch], now: datetime) -> list[DelayRow]:
    names = _names({p for w in watches for p in w.responsible.split()})
    today = now.astimezone(UTC).date()
    result = []
    calendars: dict[int, frozenset[date]] = {}
    for watch in watches:
        organisation = watch.case.organisation
        if organisation.pk not in calendars:
            calendars[organisation.pk] = organisation_holidays(organisation)
        holidays = calendars[organisation.pk]
        over = working_days_between(watch.effective_due_at.date(), today, holidays=holidays)
        who = ", ".join(names.get(p, p) for p in watch.responsible.split())
        result.append(
            DelayRow(
                reference=watch.case.reference,
                organisation=watch.case.organisation.name,
                stage=stage_name(watch.case.stage),
                deadline=deadline_words(watch.deadline_name),
                due_at=watch.effective_due_at,
                days_over=max(over, 0),
                misses=watch.misses,
                status=_status(watch),
                reason=reason_words(watch.reason),
                responsible=f"{watch.responsible_role.replace('_', ' ')}: {who}" if who else "",
            )
        )
    return result


@dataclass(frozen=True)
class RegisterEntry:
    """One line of a case's delay register, in words both parties may read."""

    at: datetime
    what: str
    deadline: str
    reason: str
    new_date: str


_WHAT = {
    events.DEADLINE_MISSED.type: "A deadline was missed",
    events.DELAY_EXPLAINED.type: "The delay was explained and a new date set",
    events.EXTENSION_APPROVED.type: "The oversight officer approved a longer extension",
    events.EXTENSION_REFUSED.type: "The oversight officer refused a longer extension",
    events.UPDATE_REQUESTED.type: "An update was asked for",
}


def delay_register(case: Case) -> list[RegisterEntry]:
    """Every missed deadline and extension of a case, with its reason (metadata only)."""
    events = Event.objects.filter(stream=case_stream(case.id), type__in=DEADLINE_EVENT_TYPES)
    entries = []
    for event in events.order_by("stream_version"):
        meta = event_metadata(event)
        entries.append(
            RegisterEntry(
                at=parse_time(event.recorded_at),
                what=_WHAT.get(event.type, event.type),
                deadline=deadline_words(str(meta.get("deadline", ""))),
                reason=reason_words(str(meta.get("reason", ""))),
                new_date=str(meta.get("new_due", ""))[:10],
            )
        )
    return entries


def case_for_officer(reference: str) -> Case:
    """A case the oversight officer may see: one with a watched deadline. Others: 404."""
    case = (
        Case.objects.filter(reference=reference, watches__misses__gt=0)
        .select_related("organisation")
        .first()
    )
    if case is None:
        raise NotFound("No such case.")
    return case
