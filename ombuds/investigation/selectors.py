"""Reads of the investigation, filtered to what the asking participant may see.

Content is opened with the participant's own keys: the respondent's key opens only her
own interview, the draft and findings as sent to her and her measures; the complainant's
opens her own interview and the draft. A handler opening content is recorded in the
case's access stream, as reading the case file is.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.investigation.rules import (
    INTERVIEWEES,
)
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import NotFound
from ombuds.messaging.attachments import given_name
from ombuds.messaging.selectors import attachments_visible_to
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.state import CaseEvent

PARTIES = frozenset({Role.COMPLAINANT, Role.RESPONDENT})


def today() -> date:
    return timezone.now().date()


def event_time(event: Event) -> datetime:
    return parse_time(event.recorded_at)


def case_events_folded(case_id: uuid.UUID) -> list[CaseEvent]:
    """The case's events as the folds take them (metadata only, nothing opened)."""
    return [
        CaseEvent(
            type=e.type,
            version=e.stream_version,
            recorded_at=event_time(e),
            metadata=event_metadata(e),
            actor_id=e.actor_id,
            actor_role=e.actor_role,
        )
        for e in case_events(case_id)
    ]


@dataclass(frozen=True)
class Note:
    """Something a person wrote, as its reader sees it."""

    at: datetime
    text: str
    by: str = ""  # the writer's role


# Interim measures ----------------------------------------------------------------------


# Interviews ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewSummary:
    number: int
    interviewee: str  # complainant, respondent or witness
    recorded_at: datetime
    comments: int

    @property
    def interviewee_words(self) -> str:
        return INTERVIEWEES.get(self.interviewee, self.interviewee)


def interviews_of(case: Case) -> list[InterviewSummary]:
    """Every interview on the case, oldest first (metadata only)."""
    events = case_events(case.id)
    comments: dict[int, int] = defaultdict(int)
    for e in events:
        if e.type == registry.INTERVIEW_COMMENTED.type:
            comments[int(event_metadata(e)["interview"])] += 1
    return [
        InterviewSummary(
            number=int(meta["interview"]),
            interviewee=str(meta["interviewee"]),
            recorded_at=event_time(e),
            comments=comments[int(meta["interview"])],
        )
        for e in events
        if e.type == registry.INTERVIEW_RECORDED.type and (meta := event_metadata(e))
    ]


def interviews_for(participant: Participant) -> list[InterviewSummary]:
    """The interviews this participant may open: all for handlers, her own for a party."""
    interviews = interviews_of(participant.case)
    if participant.role in PARTIES:
        return [i for i in interviews if i.interviewee == participant.role.value]
    return interviews


@dataclass(frozen=True)
class InterviewView:
    summary: InterviewSummary
    notes: str
    held_on: str
    witness: str
    comments: list[Note]

    @property
    def number(self) -> int:
        return self.summary.number


def interview_read(participant: Participant, number: int) -> InterviewView:
    """One interview's notes and the interviewee's comments. A party may open only her
    own interview; anything else is NotFound."""
    summary = next((i for i in interviews_for(participant) if i.number == number), None)
    if summary is None:
        raise NotFound("No such interview.")
    keys = participant.keys()
    notes: dict[str, Any] | None = None
    comments = []
    for e in case_events(participant.case.id):
        if event_metadata(e).get("interview") != number:
            continue
        content = open_event(e, keys)
        if content is None:
            continue
        if e.type == registry.INTERVIEW_RECORDED.type:
            notes = content
        elif e.type == registry.INTERVIEW_COMMENTED.type:
            comments.append(Note(event_time(e), str(content.get("text", "")), e.actor_role))
    if notes is None:
        raise NotFound("No such interview.")
    return InterviewView(
        summary=summary,
        notes=str(notes.get("notes", "")),
        held_on=str(notes.get("held_on", "")),
        witness=str(notes.get("witness", "")),
        comments=comments,
    )


@dataclass(frozen=True)
class Declination:
    at: datetime
    offered: str
    answer: str


def declinations_read(participant: Participant) -> list[Declination]:
    """Recorded opportunities to be interviewed that the respondent declined."""
    keys = participant.keys()
    found = []
    for e in case_events(participant.case.id):
        if e.type != registry.INTERVIEW_DECLINED.type:
            continue
        content = open_event(e, keys)
        if content is not None:
            found.append(
                Declination(
                    event_time(e), str(content.get("offered", "")), str(content.get("answer", ""))
                )
            )
    return found


# Draft report and findings ----------------------------------------------------------------


@dataclass(frozen=True)
class DraftStatus:
    """The latest draft, from metadata: its number, when it was shared, who commented."""

    number: int
    shared_at: datetime | None
    commented_by: frozenset[str]


def draft_status(case: Case) -> DraftStatus:
    number, shared_at = 0, None
    commented: dict[int, set[str]] = defaultdict(set)
    for e in case_events(case.id):
        meta = event_metadata(e)
        if e.type == registry.DRAFT_REPORT_SHARED.type and int(meta["draft"]) > number:
            number, shared_at = int(meta["draft"]), event_time(e)
        elif e.type == registry.DRAFT_REPORT_COMMENTED.type:
            commented[int(meta["draft"])].add(e.actor_role)
    return DraftStatus(number, shared_at, frozenset(commented[number]))


@dataclass(frozen=True)
class DraftView:
    number: int
    shared_at: datetime
    summary: str
    findings: list[dict[str, Any]]
    comments: list[Note]


def drafts_read(participant: Participant) -> list[DraftView]:
    """Every draft this participant may read, oldest first, each with the comments she may
    read on it (a party reads her own; handlers read both parties')."""
    keys = participant.keys()
    drafts: dict[int, tuple[datetime, dict[str, Any]]] = {}
    comments: dict[int, list[Note]] = defaultdict(list)
    for e in case_events(participant.case.id):
        if e.type not in {registry.DRAFT_REPORT_SHARED.type, registry.DRAFT_REPORT_COMMENTED.type}:
            continue
        number = int(event_metadata(e)["draft"])
        content = open_event(e, keys)
        if content is None:
            continue
        if e.type == registry.DRAFT_REPORT_SHARED.type:
            drafts.setdefault(number, (event_time(e), content))
        else:
            comments[number].append(Note(event_time(e), str(content.get("text", "")), e.actor_role))
    return [
        DraftView(
            number=number,
            shared_at=at,
            summary=str(content.get("summary", "")),
            findings=list(content.get("findings", [])),
            comments=comments[number],
        )
        for number, (at, content) in sorted(drafts.items())
    ]


def findings_final(case: Case) -> bool:
    return any(e.type == registry.FINDINGS_RECORDED.type for e in case_events(case.id))


def final_findings(participant: Participant) -> dict[str, Any] | None:
    """The investigator's final findings as this participant may read them, or None.

    {"draft": n, "standard": ..., "summary": ..., "findings": [{"allegation": n,
    "text": ..., "outcome": "upheld" | "not_upheld" | "insufficient_evidence",
    "reasons": ...}]}. Handlers and the complainant read the record; the respondent her copy.
    """
    keys = participant.keys()
    found: dict[str, Any] | None = None
    for e in case_events(participant.case.id):
        if e.type in {registry.FINDINGS_RECORDED.type, registry.FINDINGS_DISCLOSED.type}:
            content = open_event(e, keys)
            if content is not None and (found is None or e.type == registry.FINDINGS_RECORDED.type):
                found = content
    return found


# The evidence list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    id: str
    name: str
    media_type: str
    size: int
    added_at: datetime
    added_by: str  # the sender's role
    original_kept: bool


def evidence_list(participant: Participant) -> list[EvidenceFile]:
    """Every file on the case this participant may open, oldest first, named as its
    sender named it. Files sent in a message thread she is not a side of are left out:
    a complainant's messages with her advocate stay between them."""
    keys = participant.keys()
    roles = dict(case_state(participant.case.id).handled)
    attachments = attachments_visible_to(participant)
    files = [
        EvidenceFile(
            id=str(a.id),
            name=given_name(a, keys),
            media_type=a.media_type,
            size=a.size,
            added_at=a.created_at,
            added_by=roles.get(a.uploader, ""),
            original_kept=a.original_kept,
        )
        for a in attachments
    ]
    return files
