"""Commands staff give on a case. Each checks who is asking and the lifecycle table,
appends its event and updates the read models in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction

from ombuds.cases.assessment import RISKS, SCOPES
from ombuds.cases.assignments import allocate_handler
from ombuds.cases.commands import case_record

# Re-exported so other parts find everything a case manager does in one place.
from ombuds.cases.independence import case_parties, case_record_parties
from ombuds.cases.keys import open_event, share_missing_keys
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant, system_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.cases.reads import read_record
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.people.services import actor_of
from ombuds.record import checkins as checkin_rules
from ombuds.record import events
from ombuds.record.readers import handler_reads_content
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import ALLOCATION_STAGES, Stage
from ombuds.record.state import CHECKIN_DEADLINES, CaseState
from ombuds.timetable.schedule import organisation_holidays, service_levels

# Roles a case manager may ask the pool for; complainant and respondent are parties.
ALLOCATABLE = (Role.ADVOCATE, Role.INVESTIGATOR)
MAX_NOTES = 20_000


def case_acknowledge(*, actor: User, case: Case, expected_version: int | None = None) -> Case:
    """A case manager acknowledges a received report (an advocate must be named first)."""
    return case_record(
        handler_participant(actor, case, None),
        events.ACKNOWLEDGED,
        expected_version=expected_version,
    )


def case_assess(
    *,
    actor: User,
    case: Case,
    private_key: bytes | None,
    scope: str,
    risk: str,
    notes: str,
    expected_version: int | None = None,
) -> Case:
    """A case manager records the assessment of scope and risk (encrypted)."""
    if scope not in SCOPES:
        raise InvalidInput("Choose whether the report is within the scheme's scope.")
    if risk not in RISKS:
        raise InvalidInput("Choose the level of risk.")
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"Keep the notes under {MAX_NOTES:,} characters.")
    return case_record(
        handler_participant(actor, case, private_key),
        events.ASSESSED,
        expected_version=expected_version,
        content={"scope": scope, "risk": risk, "notes": notes.strip()},
        key=Key.HANDLERS,  # the scheme's working, not for the parties
    )


def case_close(
    *,
    actor: User,
    case: Case,
    private_key: bytes | None,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """A case manager closes a case; the reason is mandatory and the complainant sees it.
    With it, unless she said she wants none, her advocate's check-ins after closure are
    scheduled (ombuds/checkins)."""
    reason = reason.strip()
    participant = handler_participant(actor, case, private_key)
    with transaction.atomic():
        closed = case_record(
            participant,
            events.CLOSED,
            expected_version=expected_version,
            reason=reason,
            content={"reason": reason} if reason else None,
        )
        scheduled = checkins_schedule(
            participant=replace(participant, case=closed), state=case_state(closed.id)
        )
    return scheduled or closed


UNAPPEALED = "appeal_time_passed"  # the reason code of a decision nobody appealed in time


def case_close_unappealed(*, case: Case, now: datetime) -> Case | None:
    """The system closes a decided case once the time to appeal has passed with no appeal:
    the panel's decision is final (as the appeal panel's is, when the system closes the
    case after it). Her advocate's check-ins are scheduled with it. Returns None, changing
    nothing, when the case is not decided or the time to appeal is still running."""
    with transaction.atomic():
        state = case_state(case.id, case.organisation)
        if state.stage != Stage.DECISION or state.appeal_window_open(now):
            return None
        system = system_participant(case)
        closed = case_record(
            system,
            events.CLOSED,
            expected_version=state.version,
            reason="Nobody appealed in the time allowed.",  # shown by its code (events.py)
            metadata={"reason_code": UNAPPEALED},
            now=now,
            state=state,
        )
        scheduled = checkins_schedule(
            participant=replace(system, case=closed), state=case_state(closed.id)
        )
    return scheduled or closed


def checkins_schedule(*, participant: Participant, state: CaseState) -> Case | None:
    """With a closure (inside its transaction, by whoever closed): the advocate's check-ins
    at the organisation's check-in days, unless she said she has left or wants none.
    `state`: the case just closed. Returns the case, or None if none were scheduled."""
    if not checkin_rules.checkins_wanted(state) or state.stage_entered_at is None:
        return None
    organisation = participant.case.organisation
    levels = service_levels(organisation)
    days = checkin_rules.schedule_days({name: levels[name] for name in CHECKIN_DEADLINES})
    dues = checkin_rules.checkin_dates(
        state.stage_entered_at, days, holidays=organisation_holidays(organisation)
    )
    return case_record(
        participant,
        events.CHECKINS_SCHEDULED,
        metadata={"days": days, "due": [due.isoformat() for due in dues]},
        state=state,
    )


def case_allocate(
    *,
    actor: User,
    case: Case,
    private_key: bytes | None,
    role: Role,
    expected_version: int | None = None,
) -> User:
    """A case manager asks the independent pool for an advocate or investigator.

    The pool picks at random with a seed from the ledger; the case manager cannot choose.
    """
    participant = handler_participant(actor, case, private_key)
    if participant.role != Role.CASE_MANAGER:
        raise NotPermitted("Only the case manager can allocate handlers.")
    if role not in ALLOCATABLE:
        raise InvalidInput("Choose an advocate or an investigator.")
    state = case_state(case.id)
    if state.stage not in ALLOCATION_STAGES:
        raise InvalidInput("Handlers cannot be allocated to a case at this stage.")
    if state.holders(role):
        raise InvalidInput(f"This case already has an {role.value.replace('_', ' ')}.")
    keys = participant.keys()
    if Key.CASE not in keys:
        raise NotFound("No such case.")
    with transaction.atomic():
        chosen = allocate_handler(
            case=case,
            keys=keys,
            role=role,
            actor=actor_of(actor),
            expected_version=case.version if expected_version is None else expected_version,
        )
    if chosen is None:
        raise InvalidInput("Nobody in the pool is available for this role. Ask an administrator.")
    return chosen


@dataclass(frozen=True)
class CaseEntry:
    """One decrypted event of a case file, for people assigned to it."""

    type: str
    recorded_at: datetime
    actor_role: str
    metadata: dict[str, Any]
    content: dict[str, Any]


def case_read(*, actor: User, case: Case, private_key: bytes | None) -> list[CaseEntry]:
    """Decrypt the case file for an assigned handler, and record that they read it."""
    participant = handler_participant(actor, case, private_key)
    participant.case_key()  # NotFound before anything is recorded if she cannot open it
    keys = participant.keys()
    with transaction.atomic():
        share_missing_keys(participant.case, keys)
        read_record(participant)
    return [
        CaseEntry(
            type=e.type,
            recorded_at=parse_time(e.recorded_at),
            actor_role=e.actor_role,
            metadata=event_metadata(e),
            content=(open_event(e, keys) or {})
            if handler_reads_content(participant.role, e.type, e.actor_role, event_metadata(e))
            else {},
        )
        for e in case_events(case.id)
    ]


__all__ = [
    "CaseEntry",
    "case_acknowledge",
    "case_allocate",
    "case_assess",
    "case_close",
    "case_parties",
    "case_read",
    "case_record_parties",
]
