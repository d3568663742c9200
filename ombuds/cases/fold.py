"""A case's current state as a fold over its events (plain Python, no Django).

The fold dispatches on each event's row in the registry (`record/events/`): the row's
effect changes the state, and a lifecycle transition's event moves the stage and starts
its deadline. A type the registry does not know is refused, never skipped. The read
models (stage, deadline, assignments) are this fold written to tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from ombuds.cases.lifecycle import transition_for_event
from ombuds.lib.working_days import deadline_for
from ombuds.record.events import spec_for, upcast
from ombuds.record.stages import FINAL_STAGES
from ombuds.record.state import CaseEvent, CaseState


def apply(
    state: CaseState, event: CaseEvent, *, holidays: frozenset[date] = frozenset()
) -> CaseState:
    """The state after one more event (UnknownEventType for a type nobody declared)."""
    spec = spec_for(event.type)
    if event.schema_version != spec.version:
        event = replace(
            event,
            metadata=upcast(event.type, event.schema_version, event.metadata),
            schema_version=spec.version,
        )
    state = replace(state, version=event.version, tip_hash=event.hash)
    if spec.effect is not None:
        state = spec.effect(state, event)
    if not spec.transition:
        return state
    transition = transition_for_event(event.type)
    if transition is None:  # a registry row marked as a transition with no lifecycle row
        raise LookupError(f"{event.type} has no row in the lifecycle table")
    deadline_name, deadline_at = "", None
    if transition.starts is not None and transition.target not in FINAL_STAGES:
        deadline_name = transition.starts.name
        days = event.metadata.get("working_days", transition.starts.working_days)
        deadline_at = deadline_for(event.recorded_at, days, holidays=holidays)
    return replace(
        state,
        stage=transition.target,
        stage_entered_at=event.recorded_at,
        course=(*state.course, (transition.target, event.recorded_at)),
        deadline_name=deadline_name,
        deadline_at=deadline_at,
    )


def fold(events: Iterable[CaseEvent], *, holidays: frozenset[date] = frozenset()) -> CaseState:
    """The state of a case from all its events, oldest first."""
    state = CaseState()
    for event in events:
        state = apply(state, event, holidays=holidays)
    return state
