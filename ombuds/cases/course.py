"""What the statistics count of one case, from its folded state (plain Python, no Django).

Only metadata: the stages it went through and when, the route it took, the outcome and
sanctions by their codes, who appealed and whether the appeal changed the sanctions,
whether a deadline was missed. Never content, never a name, never a reference.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from ombuds.record.outcomes import NO_ACTION
from ombuds.record.stages import FINAL_STAGES, OPEN_STAGES, Stage
from ombuds.record.state import CaseState


class Route:
    """How the case was handled (codes stored in `cases.CaseCourse.route`)."""

    NONE = "none"  # not routed yet, or closed before routing
    INFORMAL = "informal"
    INVESTIGATION = "investigation"
    INFORMAL_THEN_INVESTIGATION = "informal_then_investigation"
    REFERRED = "referred"
    ALL = (NONE, INFORMAL, INVESTIGATION, INFORMAL_THEN_INVESTIGATION, REFERRED)


class Outcome:
    """Where the case ended, or that it has not yet (`cases.CaseCourse.outcome`)."""

    OPEN = "open"  # no decision and not ended
    SANCTION = "sanction"  # a panel decided at least one sanction (upheld)
    NO_ACTION = "no_action"  # a panel decided no action
    CLOSED = "closed_without_decision"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    ALL = (OPEN, SANCTION, NO_ACTION, CLOSED, WITHDRAWN, REFERRED)


class Appeal:
    """Whether the decision was appealed and what the appeal did (`CaseCourse.appeal`)."""

    NONE = "none"
    PENDING = "pending"
    CHANGED = "changed"  # the appeal panel decided other sanctions
    UNCHANGED = "unchanged"
    ALL = (NONE, PENDING, CHANGED, UNCHANGED)


# Stages in which time is counted (a case's time in a stage: from entering it to leaving).
TIMED_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s in OPEN_STAGES)


@dataclass(frozen=True)
class Course:
    stage: str
    route: str
    outcome: str
    sanctions: tuple[str, ...]  # the decision in force (an appeal's replaces the first)
    upheld: bool | None  # whether that decision upheld an allegation (None: not said)
    appeal: str
    appellant: str
    deadline_missed: bool
    first_contact_hours: int | None  # received to acknowledged
    close_hours: int | None  # received to closed, withdrawn or referred
    stage_hours: dict[Stage, int]  # time spent in each stage the case has left


def quarter_of(moment: datetime) -> int:
    """The calendar quarter a moment falls in, as one number: 2025 Q3 is 20253."""
    return moment.year * 10 + (moment.month - 1) // 3 + 1


def _hours(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 3600))


def _route(stages: set[Stage]) -> str:
    if Stage.REFERRED in stages:
        return Route.REFERRED
    if Stage.INFORMAL_RESOLUTION in stages and Stage.INVESTIGATION in stages:
        return Route.INFORMAL_THEN_INVESTIGATION
    if Stage.INVESTIGATION in stages:
        return Route.INVESTIGATION
    if Stage.INFORMAL_RESOLUTION in stages:
        return Route.INFORMAL
    return Route.NONE


def _outcome(stage: Stage, decided: tuple[str, ...] | None) -> str:
    if stage == Stage.WITHDRAWN:
        return Outcome.WITHDRAWN
    if stage == Stage.REFERRED:
        return Outcome.REFERRED
    if decided is not None:
        return Outcome.NO_ACTION if set(decided) <= {NO_ACTION} else Outcome.SANCTION
    return Outcome.CLOSED if stage == Stage.CLOSED else Outcome.OPEN


def _appeal(state: CaseState) -> str:
    if not state.appellant:
        return Appeal.NONE
    if state.appeal_sanctions is None:
        return Appeal.PENDING
    return Appeal.UNCHANGED if state.appeal_sanctions == state.sanctions else Appeal.CHANGED


def course_of(state: CaseState) -> Course:
    """The case's figures; the state must be of a submitted case."""
    if state.stage is None or state.received_at is None:
        raise ValueError("a case that was never submitted has no course")
    received = state.received_at
    stage_hours: dict[Stage, int] = {}
    first_contact = close = None
    for (stage, entered), (following, left) in itertools.pairwise(state.course):
        if stage in OPEN_STAGES:
            stage_hours[stage] = stage_hours.get(stage, 0) + _hours(entered, left)
        if following == Stage.ACKNOWLEDGED and first_contact is None:
            first_contact = _hours(received, left)
        if following in FINAL_STAGES and close is None:
            close = _hours(received, left)
    decided = state.appeal_sanctions if state.appeal_sanctions is not None else state.sanctions
    return Course(
        stage=state.stage.value,
        route=_route({stage for stage, _ in state.course}),
        outcome=_outcome(state.stage, decided),
        sanctions=decided or (),
        upheld=state.appeal_upheld if state.appeal_sanctions is not None else state.upheld,
        appeal=_appeal(state),
        appellant=state.appellant,
        deadline_missed=state.deadlines_missed > 0,
        first_contact_hours=first_contact,
        close_hours=close,
        stage_hours=stage_hours,
    )
