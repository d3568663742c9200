"""A case's current state as a fold over its events. Pure Python: no Django.

The read models (stage, deadline, assignments) are this fold written to tables; a test
rebuilds them from the events and checks they are equal.
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


@dataclass(frozen=True)
class CaseEvent:
    """What the fold needs of one event."""

    type: str
    version: int
    recorded_at: datetime
    metadata: Mapping[str, Any]


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

    def holders(self, role: Role) -> list[str]:
        """Pseudonyms assigned in `role`, sorted."""
        return sorted(p for p, r in self.assignments if r == role)

    @property
    def facts(self) -> CaseFacts:
        roles = {r for _, r in self.assignments}
        return CaseFacts(
            advocate_assigned=Role.ADVOCATE in roles,
            investigator_assigned=Role.INVESTIGATOR in roles,
        )


def apply(
    state: CaseState, event: CaseEvent, *, holidays: frozenset[date] = frozenset()
) -> CaseState:
    """The state after one more event."""
    state = replace(state, version=event.version)
    meta = event.metadata
    if event.type == ASSIGNED:
        pair = (str(meta["person"]), str(meta["role"]))
        return replace(state, assignments=state.assignments | {pair})
    if event.type == UNASSIGNED:
        pair = (str(meta["person"]), str(meta["role"]))
        return replace(state, assignments=state.assignments - {pair})
    transition = transition_for_event(event.type)
    if transition is None:
        return state  # reads, notes and messages do not move the case
    if state.stage is None:
        state = replace(
            state,
            reference=str(meta["reference"]),
            organisation=str(meta["organisation"]),
            anonymous=bool(meta["anonymous"]),
            received_at=event.recorded_at,
            assignments=state.assignments | {(str(meta["complainant"]), Role.COMPLAINANT.value)},
        )
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
    )


def fold(events: Iterable[CaseEvent], *, holidays: frozenset[date] = frozenset()) -> CaseState:
    """The state of a case from all its events, oldest first."""
    state = CaseState()
    for event in events:
        state = apply(state, event, holidays=holidays)
    return state
