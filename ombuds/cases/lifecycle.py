"""The case lifecycle as one explicit transition table (plain Python, no Django).

Each transition names who may make it, what must be true first (guards), whether a
reason must be recorded, and which deadline starts. Every transition is one event;
services check it here, append the event, and fold events into the current stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.roles import ROLE_IN_SENTENCE, Role
from ombuds.record.spec import EventSpec
from ombuds.record.stages import (
    CLOSABLE_STAGES,
    WITHDRAWABLE_STAGES,
    Stage,
    stage_state,
)
from ombuds.record.state import CaseFacts
from ombuds.timetable.service_levels import (
    ACKNOWLEDGE,
    APPEAL_WINDOW,
    ASSESS,
    CLOSE,
    DECIDE,
    DECIDE_APPEAL,
    INFORMAL,
    INVESTIGATE,
    ROUTE,
    Deadline,
)


@dataclass(frozen=True)
class Guard:
    name: str
    refusal: str  # told, in plain words, to the person whose action was refused
    holds: Callable[[CaseFacts], bool]


@dataclass(frozen=True, kw_only=True)
class Transition:
    name: str  # the command
    event: EventSpec  # its row in the event registry (record/events/)
    sources: frozenset[Stage]  # empty only for SUBMIT: a new case has no stage
    target: Stage
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    starts: Deadline | None = None
    requires_reason: bool = False
    label: str  # a button: "Acknowledge the report"
    done: str  # completes "it cannot be ... now": "acknowledged"

    @property
    def event_type(self) -> str:
        return self.event.type


PANEL_SIZE = 3  # a different panel of the same size hears an appeal

# fmt: off
# Guards. The refusal is the whole explanation a person gets, so it says what is missing.
ADVOCATE = Guard("advocate_assigned",
    "The report cannot be acknowledged until an advocate has been named for the complainant.",
    lambda f: f.advocate_assigned)
AGREES_INFORMAL = Guard("complainant_agrees_informal",
    "Informal resolution needs the complainant's recorded agreement.",
    lambda f: f.complainant_agrees_informal)
INVESTIGATOR = Guard("investigator_assigned",
    "An investigation cannot start until an investigator has been assigned.",
    lambda f: f.investigator_assigned)
# Due process: no findings against someone who was never told the allegations or heard.
RESPONDENT_HEARD = Guard("respondent_heard",
    "Findings cannot be recorded until the respondent has been told the allegations and "
    "interviewed, or has declined a recorded opportunity to be interviewed.",
    lambda f: f.respondent_told_allegations
    and (f.respondent_interviewed or f.respondent_declined_interview))
FINDINGS_FINAL = Guard("findings_final",
    "The panel cannot decide until the investigator's findings are final.",
    lambda f: f.findings_final)
PANEL = Guard("panel_signed",
    f"The decision needs the sign-off of all {PANEL_SIZE} panel members.",
    lambda f: f.panel_signoffs >= PANEL_SIZE)
APPEAL_OPEN = Guard("appeal_window_open",
    "The time allowed to appeal this decision has passed.",
    lambda f: f.appeal_window_open)
APPEAL_PANEL = Guard("appeal_panel_signed",
    f"The appeal decision needs the sign-off of all {PANEL_SIZE} appeal panel members.",
    lambda f: f.appeal_panel_signoffs >= PANEL_SIZE)
# Referral only with her consent; without it, two different people must each record a
# safeguarding override on a recorded risk to others, so no one person can take it from her.
REFERRAL_ALLOWED = Guard("referral_consent_or_safeguarding",
    "A case can be referred only with the complainant's recorded consent, or when a risk to "
    "others has been recorded and two different people have recorded a safeguarding override.",
    lambda f: f.complainant_consents_to_referral
    or (f.risk_to_others_recorded and f.safeguarding_overrides >= 2))
# With a risk to others on record, her withdrawal is a request the case manager decides.
NO_RISK_TO_OTHERS = Guard("no_risk_to_others",
    "A risk to others has been recorded, so your case manager will decide whether the case "
    "can stop. Your request to withdraw has been recorded.",
    lambda f: not f.risk_to_others_recorded)
WITHDRAWAL_REQUESTED = Guard("withdrawal_requested",
    "The complainant has not asked to withdraw.",
    lambda f: f.withdrawal_requested)
# Closing must not cut off either party's right to appeal a decision.
APPEAL_WINDOW_SHUT = Guard("appeal_window_closed",
    "The case cannot be closed while the time allowed to appeal the decision is still running.",
    lambda f: not f.appeal_window_open)

S, R = Stage, Role
_CM = frozenset({R.CASE_MANAGER})

SUBMIT = Transition(name="submit", event=events.SUBMITTED,
                    sources=frozenset(), target=S.RECEIVED, roles=frozenset({R.COMPLAINANT}),
                    starts=ACKNOWLEDGE,
                    label="Send the report", done="submitted")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(name="acknowledge", event=events.ACKNOWLEDGED,
               sources=frozenset({S.RECEIVED}), target=S.ACKNOWLEDGED, roles=_CM,
               guards=(ADVOCATE,), starts=ASSESS,
               label="Acknowledge the report", done="acknowledged"),
    Transition(name="assess", event=events.ASSESSED,
               sources=frozenset({S.ACKNOWLEDGED}), target=S.ASSESSED, roles=_CM,
               starts=ROUTE,
               label="Record the assessment", done="assessed"),
    Transition(name="route_informal", event=events.INFORMAL_STARTED,
               sources=frozenset({S.ASSESSED}), target=S.INFORMAL_RESOLUTION, roles=_CM,
               guards=(AGREES_INFORMAL,), starts=INFORMAL,
               label="Start informal resolution", done="moved to informal resolution"),
    Transition(name="open_investigation", event=events.INVESTIGATION_OPENED,
               sources=frozenset({S.ASSESSED}), target=S.INVESTIGATION, roles=_CM,
               guards=(INVESTIGATOR,), starts=INVESTIGATE,
               label="Open an investigation", done="sent to investigation"),
    # The complainant may change her mind about informal resolution at any time.
    Transition(name="escalate", event=events.ESCALATED,
               sources=frozenset({S.INFORMAL_RESOLUTION}), target=S.INVESTIGATION, roles=_CM,
               guards=(INVESTIGATOR,), starts=INVESTIGATE, requires_reason=True,
               label="Escalate to investigation", done="escalated to investigation"),
    Transition(name="record_findings", event=events.FINDINGS_RECORDED,
               sources=frozenset({S.INVESTIGATION}), target=S.FINDINGS,
               roles=frozenset({R.INVESTIGATOR}), guards=(RESPONDENT_HEARD,), starts=DECIDE,
               label="Record the findings", done="given findings"),
    Transition(name="decide", event=events.DECIDED,
               sources=frozenset({S.FINDINGS}), target=S.DECISION,
               roles=frozenset({R.PANEL_MEMBER}), guards=(FINDINGS_FINAL, PANEL),
               starts=APPEAL_WINDOW,
               label="Record the panel's decision", done="decided"),
    Transition(name="appeal", event=events.APPEALED,
               sources=frozenset({S.DECISION}), target=S.APPEAL,
               roles=frozenset({R.COMPLAINANT, R.RESPONDENT}), guards=(APPEAL_OPEN,),
               starts=DECIDE_APPEAL, requires_reason=True,
               label="Appeal the decision", done="appealed"),
    Transition(name="decide_appeal", event=events.APPEAL_DECIDED,
               sources=frozenset({S.APPEAL}), target=S.APPEAL_DECISION,
               roles=frozenset({R.PANEL_MEMBER}), guards=(APPEAL_PANEL,), starts=CLOSE,
               label="Record the appeal decision", done="given an appeal decision"),
    # Exits. Referral is possible only before findings: afterwards the scheme has decided.
    Transition(name="refer", event=events.REFERRED,
               sources=frozenset({S.ACKNOWLEDGED, S.ASSESSED, S.INFORMAL_RESOLUTION,
                                  S.INVESTIGATION}),
               target=S.REFERRED, roles=_CM, guards=(REFERRAL_ALLOWED,), requires_reason=True,
               label="Refer the case to the police", done="referred"),
    # It is her complaint: she may withdraw without giving a reason, until the panel
    # decides (stages.WITHDRAWABLE_STAGES)...
    Transition(name="withdraw", event=events.WITHDRAWN,
               sources=WITHDRAWABLE_STAGES, target=S.WITHDRAWN, roles=frozenset({R.COMPLAINANT}),
               guards=(NO_RISK_TO_OTHERS,),
               label="Withdraw the complaint", done="withdrawn"),
    # ...unless a risk to others is recorded: then the case manager accepts her request, or
    # continues without her (a recorded reason: events.CONTINUED_AFTER_WITHDRAWAL).
    Transition(name="accept_withdrawal", event=events.WITHDRAWAL_ACCEPTED,
               sources=WITHDRAWABLE_STAGES, target=S.WITHDRAWN, roles=_CM,
               guards=(WITHDRAWAL_REQUESTED,),
               label="Accept the withdrawal", done="withdrawn"),
    # Nothing is swept under the carpet: closing always records a reason she is told.
    # The system closes a case when the appeal panel decides: that decision is final.
    Transition(name="close", event=events.CLOSED,
               sources=CLOSABLE_STAGES, target=S.CLOSED,
               roles=frozenset({R.CASE_MANAGER, R.SYSTEM}),
               guards=(APPEAL_WINDOW_SHUT,), requires_reason=True,
               label="Close the case", done="closed"),
)
# fmt: on

_BY_NAME = {t.name: t for t in (SUBMIT, *TRANSITIONS)}
_BY_EVENT = {t.event.type: t for t in (SUBMIT, *TRANSITIONS)}


def transition_named(name: str) -> Transition:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidInput(f"There is no case action called {name!r}.") from None


def transition_for_event(event_type: str) -> Transition | None:
    return _BY_EVENT.get(event_type)


def transition_for(event: EventSpec) -> Transition:
    """The lifecycle row of a transition's event."""
    return _BY_EVENT[event.type]


def check_transition(
    transition: Transition,
    *,
    stage: Stage | None,
    role: Role,
    facts: CaseFacts,
    reason: str | None = None,
) -> None:
    """Raise unless `role` may make `transition` now; `stage` is None for a new case."""
    if role not in transition.roles:
        who = " or ".join(sorted(ROLE_IN_SENTENCE[r] for r in transition.roles))
        raise NotPermitted("Only %(who)s can %(action)s.", who=who, action=transition.label.lower())
    allowed = stage is None if not transition.sources else stage in transition.sources
    if not allowed:
        raise TransitionRefused(
            "This case is %(state)s; it cannot be %(done)s now.",
            state=stage_state(stage),
            done=transition.done,
            action=transition.label.lower(),  # Welsh says what cannot be done, not its result
        )
    for guard in transition.guards:
        if not guard.holds(facts):
            raise TransitionRefused(guard.refusal)
    if transition.requires_reason and not (reason and reason.strip()):
        raise TransitionRefused(
            "A reason must be recorded to %(action)s.", action=transition.label.lower()
        )


def available_transitions(stage: Stage, role: Role, facts: CaseFacts) -> list[Transition]:
    """What `role` could do now (reasons aside): the buttons to show."""
    return [
        t
        for t in TRANSITIONS
        if stage in t.sources and role in t.roles and all(g.holds(facts) for g in t.guards)
    ]
