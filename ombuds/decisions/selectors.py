"""Reads for deciding and for telling the parties: each opened with the reader's own keys,
so a reader sees only what her keys open."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ombuds.cases.independence import case_parties
from ombuds.cases.keys import open_event
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.decisions.models import SanctionCatalogue
from ombuds.decisions.rounds import APPEAL, FIRST, Round, round_at
from ombuds.investigation.selectors import final_findings
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import Organisation, User
from ombuds.record import events as registry
from ombuds.record.outcomes import (
    CATALOGUE,
    DecisionText,
    Sanction,
    catalogue_codes,
    decision_text,
    outcome_words,
)
from ombuds.record.roles import Role
from ombuds.record.state import CaseState
from ombuds.respondents.services import disclosed_allegations

# The organisation's sanctions ----------------------------------------------------------


def sanctions_of(organisation: Organisation) -> list[Sanction]:
    """The sanctions this organisation's panels may choose (default: the whole catalogue)."""
    chosen = SanctionCatalogue.objects.filter(organisation=organisation).first()
    codes = catalogue_codes(chosen.codes) if chosen else [s.code for s in CATALOGUE]
    return [s for s in CATALOGUE if s.code in codes]


# The findings, and the allegations as disclosed ------------------------------------------


@dataclass(frozen=True)
class AllegationFinding:
    """The investigator's final finding on one allegation (numbered from 1)."""

    number: int
    allegation: str
    finding: str  # an outcome code (investigation.rules.OUTCOMES)
    reasons: str

    @property
    def finding_words(self) -> str:
        return outcome_words(self.finding)


def _normalise_findings(findings: Mapping[str, Any]) -> list[AllegationFinding]:
    """investigation's final findings: {"findings": [{"allegation": n, "text": ...,
    "outcome": ..., "reasons": ...}], ...}, one per disclosed allegation."""
    return [
        AllegationFinding(
            number=int(item["allegation"]),
            allegation=str(item.get("text", "")),
            finding=str(item["outcome"]),
            reasons=str(item.get("reasons", "")),
        )
        for item in findings.get("findings", [])
    ]


def findings_for(participant: Participant) -> list[AllegationFinding]:
    """The investigator's final findings per allegation; [] before there are any."""
    findings = final_findings(participant)
    return _normalise_findings(findings) if findings else []


def allegations_for(participant: Participant) -> list[str]:
    """The allegations as disclosed to the respondent; [] if the reader cannot open them."""
    try:
        return [str(a) for a in disclosed_allegations(participant)]
    except NotPermitted:
        return []


def respondent_name(participant: Participant) -> str:
    """The respondent's name as the case manager recorded it, or "" if not recorded."""
    return str(case_parties(participant).get("respondent_name", "")).strip()


# Proposals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    id: int  # the version of its case.decision_proposed event
    panel: str
    proposer: str  # pseudonym
    proposed_at: datetime
    content: dict[str, Any]
    signers: frozenset[str]


def current_proposal(participant: Participant, state: CaseState) -> Proposal | None:
    """The panel's latest proposal in the current round, with who has signed it."""
    rnd = round_at(state.stage)
    if rnd is None or not state.proposal or state.proposal_panel != rnd.panel:
        return None
    event = Event.objects.get(
        stream=case_stream(participant.case.id),
        stream_version=state.proposal,
        type=registry.DECISION_PROPOSED.type,
    )
    return Proposal(
        id=state.proposal,
        panel=rnd.panel,
        proposer=event.actor_id,
        proposed_at=parse_time(event.recorded_at),
        content=open_event(event, participant.keys()) or {},
        signers=state.signers,
    )


def names_of(pseudonyms: frozenset[str] | set[str] | list[str]) -> dict[str, str]:
    """Handlers' names by pseudonym (handlers only: parties have no names here)."""
    people = User.objects.filter(pseudonym__in=list(pseudonyms)).exclude(
        role__in=[Role.COMPLAINANT, Role.RESPONDENT]
    )
    return {p.pseudonym: p.display_name or p.username for p in people}


# Decisions, as each reader may read them -----------------------------------------------


def _latest(events: list[Event], event_type: str) -> Event | None:
    return next((e for e in reversed(events) if e.type == event_type), None)


def _readable(
    events: list[Event], types: tuple[str, ...], keys: Mapping[str, bytes], rnd: Round
) -> DecisionText | None:
    for event_type in types:
        event = _latest(events, event_type)
        content = open_event(event, keys) if event else None
        if event is not None and content is not None:
            return decision_text(content, panel=rnd.panel, at=parse_time(event.recorded_at))
    return None


@dataclass(frozen=True)
class PartyDecisions:
    """What a party (or a handler) is told about the decisions on the case."""

    first: DecisionText | None
    appeal: DecisionText | None
    appellant: str  # "complainant", "respondent" or "" (no appeal)
    appeal_until: datetime | None  # the deadline to appeal, while the window is open
    state: CaseState


def decisions_for(participant: Participant, *, now: datetime) -> PartyDecisions:
    """The decisions this participant's keys open: the complainant and handlers read the
    decision itself, the respondent her copy of it."""
    events = case_events(participant.case.id)
    state = case_state(participant.case.id)
    keys = participant.keys()
    appealed = _latest(events, registry.APPEALED.type)
    return PartyDecisions(
        first=_readable(events, (FIRST.decided.type, FIRST.disclosed.type), keys, FIRST),
        appeal=_readable(events, (APPEAL.decided.type, APPEAL.disclosed.type), keys, APPEAL),
        appellant=str(event_metadata(appealed).get("appellant", "")) if appealed else "",
        appeal_until=state.deadline_at if state.appeal_window_open(now) else None,
        state=state,
    )


def appeal_grounds(participant: Participant) -> tuple[str, str] | None:
    """(appellant, grounds) of the appeal, if the reader's keys open the grounds."""
    appealed = _latest(case_events(participant.case.id), registry.APPEALED.type)
    if appealed is None:
        return None
    content = open_event(appealed, participant.keys())
    if content is None:
        return None
    return str(event_metadata(appealed).get("appellant", "")), str(content.get("grounds", ""))
