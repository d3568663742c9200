"""The complainant's "Ask for an update": after a silence of one party-update service
level (20 working days by default) she may ask; her advocate then has one
update-requested service level (2 working days) to answer, or the sweep escalates it
like any other deadline. Any event the advocate records on the case answers it."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.ledger.encoding import format_time, parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import NotPermitted, TransitionRefused
from ombuds.lib.working_days import deadline_for, working_days_between
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.timetable.models import Watch
from ombuds.timetable.schedule import organisation_holidays, working_days_for

UPDATE_CLOCK = "update_requested"
_HANDLERS = [r.value for r in HANDLER_ROLES]


def last_update(case: Case) -> datetime:
    """When a handler last recorded anything on the case (or when it was received)."""
    latest = (
        Event.objects.filter(stream=case_stream(case.id), actor_role__in=_HANDLERS)
        .order_by("-stream_version")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return parse_time(latest) if latest else case.received_at


def pending_request(case: Case) -> Watch | None:
    return Watch.objects.filter(case=case, deadline_name=UPDATE_CLOCK, misses=0).first()


def may_ask(case: Case, now: datetime) -> bool:
    """Open, nothing asked already, and silent for a whole party-update service level."""
    if Stage(case.stage) not in OPEN_STAGES or pending_request(case) is not None:
        return False
    quiet = working_days_between(
        last_update(case).astimezone(UTC).date(),
        now.astimezone(UTC).date(),
        holidays=organisation_holidays(case.organisation),
    )
    return quiet >= working_days_for(case.organisation, "party_update")


def update_request(*, participant: Participant, now: datetime | None = None) -> Watch:
    """The complainant asks for an update: an event, and her advocate's clock starts."""
    if participant.role != Role.COMPLAINANT:
        raise NotPermitted("Only the complainant can ask for an update.")
    now = now or timezone.now()
    case = participant.case
    if not may_ask(case, now):
        raise TransitionRefused(
            "You can ask for an update when you have heard nothing for %(days)s working days, "
            "and once until it is answered.",
            days=str(working_days_for(case.organisation, "party_update")),
        )
    due = deadline_for(
        now,
        working_days_for(case.organisation, UPDATE_CLOCK),
        holidays=organisation_holidays(case.organisation),
    )
    advocates = User.objects.filter(assignments__case=case, assignments__role=Role.ADVOCATE)
    with transaction.atomic():
        case_record(participant, events.UPDATE_REQUESTED, metadata={"due": due.isoformat()})
        return Watch.objects.create(
            case=case,
            deadline_name=UPDATE_CLOCK,
            due_at=due,
            effective_due_at=due,
            started_at=now,
            responsible_role=Role.ADVOCATE.value,
            responsible=" ".join(sorted(a.pseudonym for a in advocates)),
        )


def answered(watch: Watch) -> bool:
    """Has the advocate recorded anything on the case since the update was asked for?"""
    if watch.started_at is None:
        return False
    since = format_time(watch.started_at)  # the one spelling: compares as text
    return Event.objects.filter(
        stream=case_stream(watch.case_id), actor_role=Role.ADVOCATE.value, recorded_at__gte=since
    ).exists()
