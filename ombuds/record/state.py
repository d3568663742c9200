"""What a case's events fold into, and the effects event types declare on it.

Each effect is a small function `(state, event) -> state` named after what it does; the
registry (`events.py`) says which event type has which effect, and `cases/fold.py`
applies them. Stage changes are not effects: the lifecycle table makes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ombuds.record.roles import Role
from ombuds.record.stages import Stage

FIRST_PANEL = "first"
APPEAL_PANEL = "appeal"
# After a case closes, the advocate's check-ins against retaliation: the first, second and
# third each have a service level of these names (deadlines/service_levels.py), and while
# one is owed it is the closed case's current deadline, so the sweep escalates a miss.
CHECKIN_DEADLINES = ("checkin_first", "checkin_second", "checkin_third")


@dataclass(frozen=True)
class CaseEvent:
    """What the fold needs of one event."""

    type: str
    version: int
    recorded_at: datetime
    metadata: Mapping[str, Any]
    actor_id: str = ""
    actor_role: str = ""
    schema_version: int = 1
    hash: str = ""  # the event's chain hash: the stream's tip once this event is folded


@dataclass(frozen=True)
class CheckIn:
    """One of the advocate's check-ins after closure, as the events made it."""

    number: int  # 1, 2, 3: its deadline is CHECKIN_DEADLINES[number - 1]
    due_at: datetime
    recorded: bool = False  # the advocate checked in
    answered: bool = False  # the complainant said whether anything has happened
    cancelled: bool = False  # she left the organisation or wants no check-ins before it

    @property
    def deadline_name(self) -> str:
        return CHECKIN_DEADLINES[self.number - 1]

    @property
    def owed(self) -> bool:
        """The advocate still owes it."""
        return not (self.recorded or self.cancelled)


@dataclass(frozen=True)
class CaseFacts:
    """What guards need, derived from the case's events. Defaults are "not yet"."""

    advocate_assigned: bool = False
    investigator_assigned: bool = False
    complainant_agrees_informal: bool = False
    complainant_consents_to_referral: bool = False
    safeguarding_overrides: int = 0  # distinct people who recorded a safeguarding override
    risk_to_others_recorded: bool = False
    respondent_told_allegations: bool = False
    respondent_interviewed: bool = False
    respondent_declined_interview: bool = False  # a recorded reasonable opportunity, declined
    findings_final: bool = False
    panel_signoffs: int = 0  # distinct panel members who signed the decision
    appeal_panel_signoffs: int = 0  # distinct members of the (different) appeal panel
    appeal_window_open: bool = False  # only ever True while the stage is `decision`
    complainant_withdrew: bool = False
    withdrawal_requested: bool = False  # she asked to withdraw while a risk to others stood


# Facts set by an event and never unset, except `withdrawal_requested` (decided).
FLAG_FACTS = frozenset(
    {
        "complainant_agrees_informal",
        "complainant_consents_to_referral",
        "risk_to_others_recorded",
        "respondent_told_allegations",
        "respondent_declined_interview",
        "withdrawal_requested",
    }
)


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
    tip_hash: str = ""  # hash of the last event folded: the next append's prev_hash
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
    # Deadlines missed and not yet explained (a reason and a new date): while any is, the
    # handlers responsible may do nothing else on the case (deadlines/guard.py says who).
    unexplained_misses: frozenset[str] = field(default_factory=frozenset)
    # After closure: the check-ins, and when she said she wants none (left, or no more).
    checkins: tuple[CheckIn, ...] = ()
    checkins_declined_at: datetime | None = None
    # What the statistics count (metadata only): every stage entered and when, the
    # sanctions decided and those decided on appeal, who appealed, deadlines missed.
    course: tuple[tuple[Stage, datetime], ...] = ()
    sanctions: tuple[str, ...] | None = None  # None: no decision yet
    appeal_sanctions: tuple[str, ...] | None = None
    # Whether the decision upheld any allegation (None: a decision recorded before it said).
    upheld: bool | None = None
    appeal_upheld: bool | None = None
    appellant: str = ""
    deadlines_missed: int = 0

    def checkin(self, number: int) -> CheckIn | None:
        return next((c for c in self.checkins if c.number == number), None)

    def holders(self, role: Role) -> list[str]:
        """Pseudonyms assigned in `role`, sorted."""
        return sorted(p for p, r in self.assignments if r == role)

    def ever_held(self, role: Role) -> frozenset[str]:
        return frozenset(p for p, r in self.handled if r == role)

    def holds(self, pseudonym: str, role: Role) -> bool:
        """Whether this person is assigned to the case in this role now."""
        return (pseudonym, role.value) in self.assignments

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
        flag_values = {name: name in self.flags for name in FLAG_FACTS}
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


Effect = Callable[[CaseState, CaseEvent], CaseState]


# Effects ------------------------------------------------------------------------------


def clears_fact(name: str) -> Effect:
    """An event that makes one fact false again (she takes back a consent she gave)."""
    if name not in FLAG_FACTS:
        raise ValueError(f"{name!r} is not a fact an event can clear")

    def effect(state: CaseState, event: CaseEvent) -> CaseState:
        return replace(state, flags=state.flags - {name})

    effect.__name__ = f"clears_{name}"
    return effect


def sets_fact(name: str) -> Effect:
    """An event that makes one fact true for good."""
    if name not in FLAG_FACTS:
        raise ValueError(f"{name!r} is not a fact an event can set")

    def effect(state: CaseState, event: CaseEvent) -> CaseState:
        return replace(state, flags=state.flags | {name})

    effect.__name__ = f"sets_{name}"
    return effect


def withdrawal_request_decided(state: CaseState, event: CaseEvent) -> CaseState:
    """Her request to withdraw has been decided: it no longer stands."""
    return replace(state, flags=state.flags - {"withdrawal_requested"})


def opens_case(state: CaseState, event: CaseEvent) -> CaseState:
    """The submission: the case's reference, organisation and complainant."""
    meta = event.metadata
    complainant = (str(meta["complainant"]), Role.COMPLAINANT.value)
    reported = frozenset(str(t) for t in meta["tokens"])
    return replace(
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


def assigns(state: CaseState, event: CaseEvent) -> CaseState:
    """Someone allocated in a role (a panel seat counts towards its panel)."""
    meta = event.metadata
    pair = (str(meta["person"]), str(meta["role"]))
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


def unassigns(state: CaseState, event: CaseEvent) -> CaseState:
    pair = (str(event.metadata["person"]), str(event.metadata["role"]))
    return replace(state, assignments=state.assignments - {pair})


def joins_as_respondent(state: CaseState, event: CaseEvent) -> CaseState:
    pair = (str(event.metadata["person"]), Role.RESPONDENT.value)
    return replace(state, assignments=state.assignments | {pair}, handled=state.handled | {pair})


def recuses(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, recused=state.recused | {str(event.metadata["person"])})


def records_parties(state: CaseState, event: CaseEvent) -> CaseState:
    # Added to what the complainant reported: a wrong fingerprint only ever excludes one
    # handler too many, never lets a conflicted one in.
    recorded = frozenset(str(t) for t in event.metadata["tokens"])
    return replace(state, party_tokens=state.reported_tokens | recorded)


def counts_advocate_change(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, advocate_changes_requested=state.advocate_changes_requested + 1)


def counts_safeguarding_override(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, safeguarding_overriders=state.safeguarding_overriders | {event.actor_id})


def discloses_allegations(state: CaseState, event: CaseEvent) -> CaseState:
    """Due process: she is told the allegations in writing. A later disclosure amends
    them, and she must be heard again on them as they now stand (an interview, or a
    recorded opportunity she declined) before findings can be recorded."""
    flags = (state.flags | {"respondent_told_allegations"}) - {"respondent_declined_interview"}
    return replace(state, flags=flags, respondent_interviewed=False)


def notes_interview(state: CaseState, event: CaseEvent) -> CaseState:
    """Due process: the respondent has been heard once her interview is recorded."""
    if event.metadata.get("interviewee") == Role.RESPONDENT:
        return replace(state, respondent_interviewed=True)
    return state


def makes_findings_final(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, findings_final=True)


def proposes_decision(state: CaseState, event: CaseEvent) -> CaseState:
    # A new proposal needs every signature again; the proposer signs by proposing.
    return replace(
        state,
        proposal=event.version,
        proposal_panel=str(event.metadata["panel"]),
        signers=frozenset({event.actor_id}),
    )


def signs_decision(state: CaseState, event: CaseEvent) -> CaseState:
    if event.metadata.get("proposal") != state.proposal:
        return state  # a signature of an older proposal counts for nothing
    return replace(state, signers=state.signers | {event.actor_id})


def ends_proposals(state: CaseState, event: CaseEvent) -> CaseState:
    """A decision or appeal decision ends the round of proposals."""
    return replace(state, proposal=0, signers=frozenset())


def decides(state: CaseState, event: CaseEvent) -> CaseState:
    """The panel's decision: the round of proposals ends; its sanctions are counted."""
    sanctions = tuple(str(code) for code in event.metadata.get("sanctions", ()))
    upheld = event.metadata.get("upheld")
    return replace(ends_proposals(state, event), sanctions=sanctions, upheld=upheld)


def decides_appeal(state: CaseState, event: CaseEvent) -> CaseState:
    """The appeal panel's decision, which replaces the first panel's sanctions."""
    sanctions = tuple(str(code) for code in event.metadata.get("sanctions", ()))
    upheld = event.metadata.get("upheld")
    return replace(ends_proposals(state, event), appeal_sanctions=sanctions, appeal_upheld=upheld)


def notes_appellant(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, appellant=str(event.metadata.get("appellant", "")))


def counts_missed_deadline(state: CaseState, event: CaseEvent) -> CaseState:
    missed = str(event.metadata["deadline"])
    return replace(
        state,
        unexplained_misses=state.unexplained_misses | {missed},
        deadlines_missed=state.deadlines_missed + 1,
    )


def explains_missed_deadline(state: CaseState, event: CaseEvent) -> CaseState:
    explained = str(event.metadata["deadline"])
    return replace(state, unexplained_misses=state.unexplained_misses - {explained})


# Check-ins after closure ------------------------------------------------------------------


def _next_checkin(state: CaseState) -> CaseState:
    """The closed case's current deadline: the earliest check-in still owed, if any."""
    owed = [c for c in state.checkins if c.owed]
    first = min(owed, key=lambda c: c.due_at) if owed else None
    return replace(
        state,
        deadline_name=first.deadline_name if first else "",
        deadline_at=first.due_at if first else None,
    )


def _parse_due(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def schedules_checkins(state: CaseState, event: CaseEvent) -> CaseState:
    """The check-ins owed after closure, at the dates written in the event."""
    dues = [_parse_due(d) for d in event.metadata["due"]]
    checkins = tuple(CheckIn(number=i, due_at=due) for i, due in enumerate(dues, start=1))
    return _next_checkin(replace(state, checkins=checkins))


def records_checkin(state: CaseState, event: CaseEvent) -> CaseState:
    number = int(event.metadata["checkin"])
    checkins = tuple(replace(c, recorded=True) if c.number == number else c for c in state.checkins)
    return _next_checkin(replace(state, checkins=checkins))


def answers_checkin(state: CaseState, event: CaseEvent) -> CaseState:
    return replace(state, checkins=tuple(
        replace(c, answered=True) if c.number == int(event.metadata["checkin"]) else c
        for c in state.checkins
    ))  # fmt: skip


def declines_checkins(state: CaseState, event: CaseEvent) -> CaseState:
    """She has left the organisation or wants no check-ins: those not yet due are off (one
    already due and missed is still owed: the miss stands)."""
    checkins = tuple(
        replace(c, cancelled=True) if c.owed and c.due_at > event.recorded_at else c
        for c in state.checkins
    )
    declined = replace(state, checkins=checkins, checkins_declined_at=event.recorded_at)
    return _next_checkin(declined) if state.checkins else declined
