"""Commands of the decision panels and of an appeal, and each organisation's sanctions.

A panel of three, allocated at random under the independence rules, proposes a decision
on the findings; the other two sign the same proposal (a new proposal needs all three
again); any member then records it. The respondent gets her own copy under the
respondent key; the organisation is told only the sanction to implement. Either party may
appeal within the window; a new panel decides, and its decision closes the case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombuds.cases.commands import case_record
from ombuds.cases.lifecycle import check_transition, transition_for
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.cases.services import checkins_schedule
from ombuds.decisions.rounds import APPEAL, FIRST, Round, round_at, sitting
from ombuds.decisions.selectors import (
    AllegationFinding,
    allegations_for,
    current_proposal,
    findings_for,
    sanctions_of,
)
from ombuds.decisions.selectors import (
    respondent_name as recorded_respondent_name,
)
from ombuds.ledger.services import event_metadata
from ombuds.liaison.services import notice_send
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.outcomes import (
    NO_ACTION,
    OUTCOMES,
    UPHELD,
    check_sanctions,
    organisation_must_act,
    sanction_words,
)
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.state import CaseState

MAX_TEXT = 20_000
MAX_NAME = 200
ACCEPT = "accept"  # the panel accepts the investigator's finding on an allegation
CLOSE_REASON = "The appeal decision is final."
CLOSE_CODE = "appeal_decided"
NOT_ON_PANEL = "Only a member of the panel deciding this case can do this."


def decision_state(participant: Participant) -> CaseState:
    return case_state(participant.case.id)


def version_seen(participant: Participant, expected_version: int | None) -> int:
    return participant.case.version if expected_version is None else expected_version


# Allocating a panel ---------------------------------------------------------------------


# Proposing, signing and recording a decision ----------------------------------------------


@dataclass(frozen=True)
class OutcomeChoice:
    """The panel's decision on one allegation: ACCEPT keeps the investigator's finding;
    an outcome code substitutes the panel's own, which needs reasons."""

    number: int
    outcome: str
    reasons: str = ""


def _sitting_round(participant: Participant, state: CaseState) -> Round:
    if participant.role != Role.PANEL_MEMBER:
        raise NotPermitted(NOT_ON_PANEL)
    rnd = round_at(state.stage)
    if rnd is None:
        raise TransitionRefused("No panel is deciding this case at this stage.")
    if participant.pseudonym not in sitting(state, rnd.panel):
        raise NotPermitted(NOT_ON_PANEL)
    return rnd


def _outcome(finding: AllegationFinding, choice: OutcomeChoice | None) -> dict[str, Any]:
    number = finding.number
    if choice is None:
        raise InvalidInput(
            f"Decide on allegation {number}: accept the investigator's finding or give "
            "the panel's own."
        )
    accepted = choice.outcome in {ACCEPT, finding.finding}
    if not accepted and choice.outcome not in OUTCOMES:
        raise InvalidInput(f"Choose an outcome for allegation {number}.")
    reasons = choice.reasons.strip()
    if not accepted and not reasons:
        raise InvalidInput(
            f"Give the panel's reasons for changing the investigator's finding on "
            f"allegation {number}."
        )
    if len(reasons) > MAX_TEXT:
        raise InvalidInput(
            f"The reasons on allegation {number} must be 20,000 characters or fewer."
        )
    return {
        "number": number,
        "allegation": finding.allegation,
        "investigator": finding.finding,
        "accepted": accepted,
        "outcome": finding.finding if accepted else choice.outcome,
        "reasons": reasons,
    }


def decision_propose(
    *,
    participant: Participant,
    outcomes: Sequence[OutcomeChoice],
    sanctions: Sequence[str],
    reasons: str,
    expected_version: int | None = None,
) -> Case:
    """A member of the sitting panel proposes its decision: per allegation, the
    investigator's finding accepted or the panel's own outcome with reasons; sanctions from
    the organisation's catalogue; the reasons. It replaces any earlier proposal, so all
    three must sign again; the proposer signs by proposing."""
    state = decision_state(participant)
    rnd = _sitting_round(participant, state)
    findings = findings_for(participant)
    if not findings:
        raise TransitionRefused("There are no final findings to decide on yet.")
    chosen = {c.number: c for c in outcomes}
    if set(chosen) - {f.number for f in findings}:
        raise InvalidInput("Decide only on the allegations in the investigator's findings.")
    decided = [_outcome(f, chosen.get(f.number)) for f in findings]
    allowed = [s.code for s in sanctions_of(participant.case.organisation)]
    any_upheld = any(o["outcome"] == UPHELD for o in decided)
    codes = check_sanctions(sanctions, allowed=allowed, any_upheld=any_upheld)
    reasons = reasons.strip()
    if not reasons:
        raise InvalidInput("Give the panel's reasons for its decision.")
    if len(reasons) > MAX_TEXT:
        raise InvalidInput("The reasons must be 20,000 characters or fewer.")
    version = version_seen(participant, expected_version)
    with transaction.atomic():
        return case_record(
            participant,
            events.DECISION_PROPOSED,
            expected_version=version,
            content={"outcomes": decided, "sanctions": codes, "reasons": reasons},
            key=Key.HANDLERS,  # the panel's deliberation, until it is decided
            # The fold takes the event's version as the proposal's id: it is version + 1.
            metadata={"proposal": version + 1, "panel": rnd.panel, "sanctions": codes},
        )


def decision_sign(
    *, participant: Participant, proposal: int, expected_version: int | None = None
) -> Case:
    """Another member of the same panel signs the proposal she has read (`proposal` is the
    id she saw: if a newer one has replaced it, she must read that first)."""
    state = decision_state(participant)
    rnd = _sitting_round(participant, state)
    if not state.proposal or state.proposal_panel != rnd.panel:
        raise InvalidInput("There is no proposed decision to sign yet.")
    if proposal != state.proposal:
        raise InvalidInput(
            "A new proposal has replaced the one you read. Read the new proposal before signing it."
        )
    if participant.pseudonym in state.signers:
        raise InvalidInput("Your signature is already on this proposal.")
    with transaction.atomic():
        return case_record(
            participant,
            events.DECISION_SIGNED,
            expected_version=version_seen(participant, expected_version),
            metadata={"proposal": proposal, "panel": rnd.panel},
        )


def _earlier_sanctions(participant: Participant) -> list[str]:
    """The sanctions of the first panel's decision (for an appeal decision)."""
    decided = [e for e in case_events(participant.case.id) if e.type == FIRST.decided.type]
    return [str(c) for c in event_metadata(decided[-1]).get("sanctions", [])] if decided else []


def _must_notify(rnd: Round, codes: Sequence[str], earlier: Sequence[str]) -> bool:
    if rnd is FIRST:
        return organisation_must_act(codes)
    changed = set(codes) != set(earlier)
    return changed and (organisation_must_act(codes) or organisation_must_act(earlier))


def _name_for_notice(participant: Participant, typed: str) -> str:
    name = recorded_respondent_name(participant) or " ".join(typed.split())
    if not name:
        raise InvalidInput(
            "Enter the respondent's name as the organisation knows them, so that it can "
            "implement the sanction."
        )
    if len(name) > MAX_NAME:
        raise InvalidInput(f"The name must be {MAX_NAME} characters or fewer.")
    return name


def _respondent_copy(decision: Mapping[str, Any], disclosed: Sequence[str]) -> dict[str, Any]:
    """What the respondent reads: each allegation as it was disclosed to her (never the
    findings' wording, which may quote what was withheld), the outcomes, sanctions, reasons."""
    outcomes = []
    for o in decision["outcomes"]:
        number = int(o["number"])
        told = disclosed[number - 1] if 0 < number <= len(disclosed) else ""
        outcomes.append(
            {
                "number": number,
                "allegation": told or f"Allegation {number}",
                "accepted": o["accepted"],
                "outcome": o["outcome"],
                "reasons": o["reasons"],
            }
        )
    return {
        "outcomes": outcomes,
        "sanctions": decision["sanctions"],
        "reasons": decision["reasons"],
    }


def _instruction(
    rnd: Round, name: str, codes: Sequence[str], earlier: Sequence[str]
) -> dict[str, Any]:
    instruction: dict[str, Any] = {
        "respondent": name,
        "sanctions": [sanction_words(c) for c in codes],
        "starts": timezone.localdate().isoformat(),
    }
    if rnd is APPEAL and organisation_must_act(earlier):
        instruction["measure"] = (
            "Decided on appeal. This replaces the sanctions you were told of earlier"
            + (", which no longer apply." if codes == [NO_ACTION] else ".")
        )
    return instruction


def record_needs_name(participant: Participant) -> bool:
    """Whether recording the current proposal needs the respondent's name typed in: the
    organisation must be told and the case manager has not recorded the name."""
    state = decision_state(participant)
    rnd = round_at(state.stage)
    proposal = current_proposal(participant, state)
    if rnd is None or proposal is None or not proposal.content:
        return False
    earlier = _earlier_sanctions(participant) if rnd is APPEAL else []
    notify = _must_notify(rnd, [str(c) for c in proposal.content["sanctions"]], earlier)
    return notify and not recorded_respondent_name(participant)


def decision_record(
    *,
    participant: Participant,
    respondent_name: str = "",
    expected_version: int | None = None,
) -> Case:
    """Any member of the panel records the proposal all three have signed, as the decision
    (the lifecycle's guard refuses with its sentence otherwise). In the same transaction:
    the respondent's copy under the respondent key; the organisation told the sanction to
    implement (unless it is no action); after an appeal, the case closed by the system.

    `respondent_name` is needed only if the case manager has not recorded the
    respondent's name and the organisation must be told."""
    state = decision_state(participant)
    rnd = _sitting_round(participant, state)
    check_transition(
        transition_for(rnd.decided),
        stage=state.stage,
        role=participant.role,
        facts=state.facts,
    )
    proposal = current_proposal(participant, state)
    if proposal is None or not proposal.content:
        raise TransitionRefused("There is no signed proposal to record.")
    if Key.RESPONDENT not in participant.keys():
        raise InvalidInput(
            "You do not hold the respondent's key for this case, so the respondent could not "
            "be sent the decision. Ask the case manager."
        )
    decision = proposal.content
    codes = [str(c) for c in decision["sanctions"]]
    earlier = _earlier_sanctions(participant) if rnd is APPEAL else []
    notify = _must_notify(rnd, codes, earlier)
    name = _name_for_notice(participant, respondent_name) if notify else ""
    disclosed = allegations_for(participant)
    with transaction.atomic():
        case = case_record(
            participant,
            rnd.decided,
            expected_version=version_seen(participant, expected_version),
            content=decision,
            metadata={
                "proposal": proposal.id,
                "panel": rnd.panel,
                "sanctions": codes,
                # In the clear, as the sanctions are: vetting answers "an upheld finding".
                "upheld": any(o.get("outcome") == UPHELD for o in decision.get("outcomes", [])),
            },
        )
        acting = replace(participant, case=case)
        case_record(
            acting,
            rnd.disclosed,
            content=_respondent_copy(decision, disclosed),
            metadata={"proposal": proposal.id, "panel": rnd.panel},
            key=Key.RESPONDENT,
        )
        if notify:
            notice_send(
                sender=acting, kind="sanction", instruction=_instruction(rnd, name, codes, earlier)
            )
        if rnd is APPEAL:
            _close_after_appeal(acting)
    return Case.objects.get(pk=participant.case.pk)


def _close_after_appeal(panel_member: Participant) -> Case:
    """The appeal decision is final: the system closes the case. The fixed reason is
    sealed with the case key this request already holds, so the complainant reads it as she
    reads any other closure; her advocate's check-ins are scheduled with it."""
    system = Participant(
        case=Case.objects.get(pk=panel_member.case.pk),
        role=Role.SYSTEM,
        pseudonym="system",
        holder=panel_member.holder,
        private_key=panel_member.private_key,
    )
    closed = case_record(
        system,
        events.CLOSED,
        reason=CLOSE_REASON,
        content={"reason": CLOSE_REASON},
        metadata={"reason_code": CLOSE_CODE},
    )
    # As every closure does: her advocate's check-ins after it (unless she wants none).
    scheduled = checkins_schedule(
        participant=replace(system, case=closed), state=case_state(closed.id)
    )
    return scheduled or closed


# Appealing ------------------------------------------------------------------------------


# An organisation's sanctions --------------------------------------------------------------
