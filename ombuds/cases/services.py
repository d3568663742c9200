"""Commands staff give on a case. Each checks who is asking and the lifecycle table,
appends its event and updates the read models in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

# Re-exported so other parts find everything a case manager does in one place.
from ombuds.cases.independence import case_parties, case_record_parties
from ombuds.cases.lifecycle import Role, Stage
from ombuds.cases.models import Case
from ombuds.cases.records import (
    CASE_KEY,
    HANDLERS_KEY,
    allocate_handler,
    case_events,
    case_state_from_events,
    case_transition,
    handler_participant,
    open_event,
    share_missing_keys,
)
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import access_stream, append_event, event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.people.services import actor_of

# Roles a case manager may ask the pool for; complainant and respondent are parties.
ALLOCATABLE = (Role.ADVOCATE, Role.INVESTIGATOR)
MAX_NOTES = 20_000
# Messages and the advocate's support notes belong to the two sides of their thread: the
# case file shows that they happened, never what they say (messaging has their pages).
PRIVATE_TO_THEIR_SIDES = frozenset({"case.message_sent", "case.support_recorded"})
# The advocate supports the complainant: in the case file she reads what the complainant
# herself may read, and the triage around it; never the respondent's side, witnesses'
# interviews or interim measures (their own pages refuse her too).
ADVOCATE_READS = frozenset(
    {
        "case.submitted",
        "case.information_added",
        "case.assessed",
        "case.parties_recorded",
        "case.risk_recorded",
        "case.withdrawal_requested",
        "case.continued_after_withdrawal",
        "case.escalated",
        "case.referred",
        "case.recused",
        "case.draft_report_shared",
        "case.findings_recorded",
        "case.decided",
        "case.appeal_decided",
        "case.withdrawn",
        "case.closed",
    }
)
# Events of hers the advocate reads: the complainant's own interview, comments and appeal.
_HERS = frozenset(
    {
        "case.interview_recorded",
        "case.interview_commented",
        "case.draft_report_commented",
        "case.appealed",
    }
)


def _reads_content(role: Role, event: Event) -> bool:
    """Whether a handler in `role` is shown this event's content in the case file."""
    if event.type in PRIVATE_TO_THEIR_SIDES:
        return False
    if role != Role.ADVOCATE:
        return True
    if event.type in _HERS:
        meta = event_metadata(event)
        return event.actor_role == Role.COMPLAINANT or meta.get("interviewee") == "complainant"
    return event.type in ADVOCATE_READS


def _transition(
    *,
    actor: User,
    case: Case,
    name: str,
    private_key: bytes | None,
    expected_version: int | None,
    reason: str | None = None,
    content: dict[str, Any] | None = None,
    key_purpose: str = CASE_KEY,
) -> Case:
    return case_transition(
        handler_participant(actor, case, private_key),
        name,
        expected_version=expected_version,
        reason=reason,
        content=content,
        key_purpose=key_purpose,
    )


def case_acknowledge(*, actor: User, case: Case, expected_version: int | None = None) -> Case:
    """A case manager acknowledges a received report (an advocate must be named first)."""
    return _transition(
        actor=actor,
        case=case,
        name="acknowledge",
        private_key=None,
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
    if scope not in {"in_scope", "out_of_scope", "unclear"}:
        raise InvalidInput("Choose whether the report is within the scheme's scope.")
    if risk not in {"low", "medium", "high"}:
        raise InvalidInput("Choose the level of risk.")
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"Keep the notes under {MAX_NOTES:,} characters.")
    return _transition(
        actor=actor,
        case=case,
        name="assess",
        private_key=private_key,
        expected_version=expected_version,
        content={"scope": scope, "risk": risk, "notes": notes.strip()},
        key_purpose=HANDLERS_KEY,  # the scheme's working, not for the parties
    )


def case_close(
    *,
    actor: User,
    case: Case,
    private_key: bytes | None,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """A case manager closes a case; the reason is mandatory and the complainant sees it."""
    reason = reason.strip()
    return _transition(
        actor=actor,
        case=case,
        name="close",
        private_key=private_key,
        expected_version=expected_version,
        reason=reason,
        content={"reason": reason} if reason else None,
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
    state = case_state_from_events(case.id)
    if state.stage is None or state.stage not in {
        Stage.RECEIVED,
        Stage.ACKNOWLEDGED,
        Stage.ASSESSED,
        Stage.INFORMAL_RESOLUTION,
        Stage.INVESTIGATION,
    }:
        raise InvalidInput("Handlers cannot be allocated to a case at this stage.")
    if state.holders(role):
        raise InvalidInput(f"This case already has an {role.value.replace('_', ' ')}.")
    keys = participant.keys()
    if "case" not in keys:
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
        share_missing_keys(participant)
        append_event(
            stream=access_stream(case.id),
            event_type="case.content_read",
            actor=actor_of(actor),
            metadata={"case": str(case.id), "person": actor.pseudonym},
        )
    return [
        CaseEntry(
            type=e.type,
            recorded_at=parse_time(e.recorded_at),
            actor_role=e.actor_role,
            metadata=event_metadata(e),
            content=open_event(e, keys) or {} if _reads_content(participant.role, e) else {},
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
