"""The effects event types declare on a case's state (plain Python, no Django).

Each effect is a small function `(state, event) -> state` named after what it does; the
registry (`events.py`) says which event type has which effect, and `cases/fold.py`
applies them. Stage changes are not effects: the lifecycle table makes them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ombuds.record.roles import Role
from ombuds.record.state import (
    FLAG_FACTS,
    CaseEvent,
    CaseState,
    CheckIn,
    Effect,
)


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
