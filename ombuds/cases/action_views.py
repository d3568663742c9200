"""The case manager's action pages: acknowledge, assess, close, allocate. Each is its
command, written the one way (`cases.action_page`); a transition's page takes its roles
and words from its row in the lifecycle table."""

from __future__ import annotations

from typing import Any

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.forms import AcknowledgeForm, AllocateForm, AssessForm, CloseForm
from ombuds.cases.lifecycle import transition_named
from ombuds.cases.participants import Participant
from ombuds.cases.services import (
    ALLOCATABLE,
    case_acknowledge,
    case_allocate,
    case_assess,
    case_close,
)
from ombuds.record.roles import Role

ACKNOWLEDGE = transition_named("acknowledge")
ASSESS = transition_named("assess")
CLOSE = transition_named("close")


@action_page(
    roles=ACKNOWLEDGE.roles,
    form=AcknowledgeForm,
    template="cases/acknowledge.html",
    action=ACKNOWLEDGE.label.lower(),
    context={"transition": ACKNOWLEDGE},
    needs_key=False,
)
def acknowledge(act: Action) -> str:
    case_acknowledge(actor=act.person, case=act.participant.case, expected_version=act.version)
    return "The report has been acknowledged."


@action_page(
    roles=ASSESS.roles,
    form=AssessForm,
    template="cases/assess.html",
    action=ASSESS.label.lower(),
    context={"transition": ASSESS},
)
def assess(act: Action) -> str:
    case_assess(
        actor=act.person,
        case=act.participant.case,
        private_key=act.participant.private_key,
        scope=act.data["scope"],
        risk=act.data["risk"],
        notes=act.data["notes"],
        expected_version=act.version,
    )
    return "The assessment has been recorded."


@action_page(
    roles=CLOSE.roles,
    form=CloseForm,
    template="cases/close.html",
    action=CLOSE.label.lower(),
    context={"transition": CLOSE},
)
def close(act: Action) -> str:
    case_close(
        actor=act.person,
        case=act.participant.case,
        private_key=act.participant.private_key,
        reason=act.data["reason"],
        expected_version=act.version,
    )
    return "The case has been closed. The complainant will see the reason."


def _allocatable(role: str) -> bool:
    return role in {r.value for r in ALLOCATABLE}


def _allocation(participant: Participant, role: str) -> dict[str, Any]:
    return {"role": role}


@action_page(
    roles=frozenset({Role.CASE_MANAGER}),
    form=AllocateForm,
    template="cases/allocate.html",
    action="allocate an {role}",
    context=_allocation,
    exists=_allocatable,
)
def allocate(act: Action) -> str:
    wanted = Role(act.url["role"])
    chosen = case_allocate(
        actor=act.person,
        case=act.participant.case,
        private_key=act.participant.private_key,
        role=wanted,
        expected_version=act.version,
    )
    name = chosen.display_name or chosen.username
    return f"{name} has been allocated as the {wanted.value}, chosen at random by the pool."
