"""What the respondent sees of her case, opened with her own keys only.

She holds just the respondent key, so whatever is not disclosed to her cannot be opened
here even by mistake: `open_event` returns None for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext

from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import event_metadata
from ombuds.record import events
from ombuds.record.readers import seen_by_party
from ombuds.record.roles import Role
from ombuds.record.stages import OPEN_STAGES, Stage, stage_for_respondent
from ombuds.record.state import CaseState
from ombuds.respondents.evidence import Evidence, evidence_of
from ombuds.respondents.services import disclosed_allegations


def stage_words(stage: Stage | None) -> str:
    """Where the case is, in the respondent's words and language."""
    return gettext(stage_for_respondent(stage)) if stage is not None else ""


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    details: list[str] = field(default_factory=list)


def evidence_sent(participant: Participant) -> list[Evidence]:
    """The evidence this respondent has sent, oldest first (opened with her keys)."""
    return evidence_of(participant.case, participant.keys())


@dataclass(frozen=True)
class RespondentCaseView:
    case: Case
    state: CaseState
    stage: str
    timeline: list[TimelineEntry]
    allegations: list[str]
    evidence: list[Evidence]
    is_open: bool
    can_respond: bool


def _details(event: Event, keys: Mapping[str, bytes], earlier_disclosures: int) -> list[str]:
    if event.type == events.ALLEGATIONS_DISCLOSED.type and earlier_disclosures:
        return ["The allegations were amended. This replaced what you were told before."]
    if event.type != events.RESPONSE_SUBMITTED.type:
        return []
    content = open_event(event, keys) or {}
    details = [str(content.get("response", ""))] if content.get("response") else []
    witnesses = [str(w.get("name", "")) for w in content.get("witnesses", [])]
    if witnesses:
        details.append("Witnesses you named: " + ", ".join(witnesses))
    return details


def _timeline(participant: Participant) -> list[TimelineEntry]:
    entries = []
    disclosures = 0
    keys = participant.keys()
    for event in case_events(participant.case.id):
        seen = seen_by_party(Role.RESPONDENT, event.type, event_metadata(event))
        if seen is None:
            continue  # not hers to see, or the complainant's copy of a shared event
        text = gettext(seen.words)
        details = _details(event, keys, disclosures)
        disclosures += event.type == events.ALLEGATIONS_DISCLOSED.type
        entries.append(TimelineEntry(at=parse_time(event.recorded_at), text=text, details=details))
    return entries


def respondent_case_view(participant: Participant) -> RespondentCaseView:
    """Everything the respondent's case page shows, oldest event first."""
    state = case_state(participant.case.id)
    is_open = state.stage in OPEN_STAGES
    return RespondentCaseView(
        case=participant.case,
        state=state,
        stage=stage_words(state.stage),
        timeline=_timeline(participant),
        allegations=disclosed_allegations(participant),
        evidence=evidence_sent(participant),
        is_open=is_open,
        can_respond=is_open and state.facts.respondent_told_allegations,
    )
