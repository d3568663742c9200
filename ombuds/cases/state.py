"""A case's current state as a fold over its events. Pure Python: no Django.

The read models (stage, deadline, assignments) are this fold written to tables; a test
rebuilds them from the events and checks they are equal. Guards read `facts_at(now)`.

Event catalogue (type: clear metadata; content is always in the encrypted body):
  case.submitted {reference, organisation, anonymous, complainant, tokens}
  case.assigned {person, role, panel?, eligible, excluded, seed, round}
  case.unassigned {person, role, why}          case.recused {person, role}
  case.parties_recorded {tokens}               case.advocate_change_requested {}
  case.informal_agreed {}                      case.referral_consented {}
  case.risk_recorded {}                        case.safeguarding_override_recorded {}
  case.withdrawal_requested {}                 case.continued_after_withdrawal {}
  case.respondent_invited {invitation}         case.respondent_joined {person}
  case.allegations_disclosed {}                case.response_submitted {}
  case.interview_recorded {interview, interviewee}   case.interview_commented {interview}
  case.interview_declined {}                   case.draft_report_shared {draft}
  case.draft_report_commented {draft}          case.message_sent {thread, attachments}
  case.support_recorded {kind}                 case.organisation_notified {notice, kind}
  case.evidence_added {attachment}             case.measure_* {measure, ...}
  case.decision_proposed {proposal, panel, sanctions}   case.decision_signed {proposal, panel}
  case.decision_disclosed {proposal, panel}    case.appeal_decision_disclosed {proposal, panel}
  case.decided / case.appeal_decided {from, to, proposal, panel, sanctions}
  case.appealed {from, to, appellant}          case.closed {from, to, reason_code?}
  plus every lifecycle transition's event (cases/lifecycle.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ombuds.cases.lifecycle import (
    FINAL_STAGES,
    CaseFacts,
    Role,
    Stage,
    transition_for_event,
)
from ombuds.deadlines.calendar import deadline_for

ASSIGNED = "case.assigned"
UNASSIGNED = "case.unassigned"
FIRST_PANEL = "first"
APPEAL_PANEL = "appeal"

# Events that are facts, not stage changes: what each sets.
_FLAGS = {
    "case.informal_agreed": "complainant_agrees_informal",
    "case.referral_consented": "complainant_consents_to_referral",
    "case.risk_recorded": "risk_to_others_recorded",
    "case.allegations_disclosed": "respondent_told_allegations",
    "case.interview_declined": "respondent_declined_interview",
    "case.withdrawal_requested": "withdrawal_requested",
}


@dataclass(frozen=True)
class CaseEvent:
    """What the fold needs of one event."""

    type: str
    version: int
    recorded_at: datetime
    metadata: Mapping[str, Any]
    actor_id: str = ""
    actor_role: str = ""


@dataclass(frozen=True)
class CaseState:
    stage: Stage | None = None
    reference: str = ""
    organisation: str = ""
    anonymous: bool = True
    received_at: datetime | None = None
    stage_entered_at: datetime | None = None
    deadline_name: str = ""
    deadline_at: datetime | None = None
    version: int = 0
    assignments: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    # History that independence rules need: who ever held which role, who recused.
    handled: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    recused: frozenset[str] = field(default_factory=frozenset)
    panels: Mapping[str, frozenset[str]] = field(default_factory=dict)
    rounds: Mapping[str, int] = field(default_factory=dict)  # allocations so far, by role
    party_tokens: frozenset[str] = field(default_factory=frozenset)
    reported_tokens: frozenset[str] = field(default_factory=frozenset)  # from the report
    advocate_changes_requested: int = 0
    flags: frozenset[str] = field(default_factory=frozenset)
    safeguarding_overriders: frozenset[str] = field(default_factory=frozenset)
    respondent_interviewed: bool = False
    findings_final: bool = False
    # The panel's current proposal (event version) and who has signed it.
    proposal: int = 0
    proposal_panel: str = ""
    signers: frozenset[str] = field(default_factory=frozenset)

    def holders(self, role: Role) -> list[str]:
        """Pseudonyms assigned in `role`, sorted."""
        return sorted(p for p, r in self.assignments if r == role)

    def ever_held(self, role: Role) -> frozenset[str]:
        return frozenset(p for p, r in self.handled if r == role)

    def panel(self, which: str) -> frozenset[str]:
        return self.panels.get(which, frozenset())

    def _signoffs(self, which: str) -> int:
        if self.proposal_panel != which:
            return 0
        sitting = frozenset(self.holders(Role.PANEL_MEMBER)) & self.panel(which)
        return len(self.signers & sitting)

    def appeal_window_open(self, now: datetime) -> bool:
        return (
            self.stage == Stage.DECISION
            and self.deadline_at is not None
            and now <= self.deadline_at
        )

    @property
    def facts(self) -> CaseFacts:
        """Facts that do not depend on the clock (the appeal window is shut)."""
        return self._facts(appeal_window_open=False)

    def facts_at(self, now: datetime) -> CaseFacts:
        """Facts for guards at `now`."""
        return self._facts(appeal_window_open=self.appeal_window_open(now))

    def _facts(self, *, appeal_window_open: bool) -> CaseFacts:
        roles = {r for _, r in self.assignments}
        flag_values = {name: name in self.flags for name in _FLAGS.values()}
        return CaseFacts(
            advocate_assigned=Role.ADVOCATE in roles,
            investigator_assigned=Role.INVESTIGATOR in roles,
            safeguarding_overrides=len(self.safeguarding_overriders),
            respondent_interviewed=self.respondent_interviewed,
            findings_final=self.findings_final,
            panel_signoffs=self._signoffs(FIRST_PANEL),
            appeal_panel_signoffs=self._signoffs(APPEAL_PANEL),
            appeal_window_open=appeal_window_open,
            complainant_withdrew=self.stage == Stage.WITHDRAWN,
            **flag_values,
        )


def _apply_assignment(state: CaseState, event: CaseEvent) -> CaseState:
    meta = event.metadata
    pair = (str(meta["person"]), str(meta["role"]))
    if event.type == UNASSIGNED:
        return replace(state, assignments=state.assignments - {pair})
    panels = dict(state.panels)
    rounds = {**state.rounds, pair[1]: state.rounds.get(pair[1], 0) + 1}
    if meta.get("panel"):
        which = str(meta["panel"])
        panels[which] = panels.get(which, frozenset()) | {pair[0]}
    return replace(
        state,
        assignments=state.assignments | {pair},
        handled=state.handled | {pair},
        panels=panels,
        rounds=rounds,
    )


def _apply_fact(state: CaseState, event: CaseEvent) -> CaseState:
    meta = event.metadata
    kind = event.type
    if kind in _FLAGS:
        return replace(state, flags=state.flags | {_FLAGS[kind]})
    if kind == "case.continued_after_withdrawal":  # her request has been decided
        return replace(state, flags=state.flags - {"withdrawal_requested"})
    if kind == "case.respondent_joined":
        pair = (str(meta["person"]), Role.RESPONDENT.value)
        return replace(
            state, assignments=state.assignments | {pair}, handled=state.handled | {pair}
        )
    if kind == "case.recused":
        return replace(state, recused=state.recused | {str(meta["person"])})
    if kind == "case.parties_recorded":
        # Added to what the complainant reported: a wrong fingerprint only ever excludes
        # one handler too many, never lets a conflicted one in.
        recorded = frozenset(str(t) for t in meta["tokens"])
        return replace(state, party_tokens=state.reported_tokens | recorded)
    if kind == "case.advocate_change_requested":
        return replace(state, advocate_changes_requested=state.advocate_changes_requested + 1)
    if kind == "case.safeguarding_override_recorded":
        return replace(
            state, safeguarding_overriders=state.safeguarding_overriders | {event.actor_id}
        )
    if kind == "case.interview_recorded" and meta.get("interviewee") == Role.RESPONDENT:
        return replace(state, respondent_interviewed=True)
    if kind == "case.decision_proposed":
        # A new proposal needs every signature again; the proposer signs by proposing.
        return replace(
            state,
            proposal=event.version,
            proposal_panel=str(meta["panel"]),
            signers=frozenset({event.actor_id}),
        )
    if kind == "case.decision_signed" and meta.get("proposal") == state.proposal:
        return replace(state, signers=state.signers | {event.actor_id})
    return state


def apply(
    state: CaseState, event: CaseEvent, *, holidays: frozenset[date] = frozenset()
) -> CaseState:
    """The state after one more event."""
    state = replace(state, version=event.version)
    if event.type in {ASSIGNED, UNASSIGNED}:
        return _apply_assignment(state, event)
    transition = transition_for_event(event.type)
    if transition is None:
        return _apply_fact(state, event)  # reads, notes and messages do not move the case
    meta = event.metadata
    if state.stage is None:
        complainant = (str(meta["complainant"]), Role.COMPLAINANT.value)
        reported = frozenset(str(t) for t in meta.get("tokens", []))
        state = replace(
            state,
            reported_tokens=reported,
            party_tokens=reported,
            reference=str(meta["reference"]),
            organisation=str(meta["organisation"]),
            anonymous=bool(meta["anonymous"]),
            received_at=event.recorded_at,
            assignments=state.assignments | {complainant},
            handled=state.handled | {complainant},
        )
    if event.type == "case.findings_recorded":
        state = replace(state, findings_final=True)
    deadline_name, deadline_at = "", None
    if transition.starts is not None and transition.target not in FINAL_STAGES:
        deadline_name = transition.starts.name
        deadline_at = deadline_for(
            event.recorded_at, transition.starts.working_days, holidays=holidays
        )
    return replace(
        state,
        stage=transition.target,
        stage_entered_at=event.recorded_at,
        deadline_name=deadline_name,
        deadline_at=deadline_at,
        # A decision or appeal decision ends the round of proposals.
        proposal=0 if transition.name in {"decide", "decide_appeal"} else state.proposal,
        signers=frozenset() if transition.name in {"decide", "decide_appeal"} else state.signers,
    )


def fold(events: Iterable[CaseEvent], *, holidays: frozenset[date] = frozenset()) -> CaseState:
    """The state of a case from all its events, oldest first."""
    state = CaseState()
    for event in events:
        state = apply(state, event, holidays=holidays)
    return state
