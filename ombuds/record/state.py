"""What a case's events fold into: the state, its facts, its check-ins.

How each kind of event changes it is in `effects.py`; the registry (`events.py`) says
which event type has which effect, and `cases/fold.py` applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
