"""Allocating a decision panel, and an appeal panel disjoint from everyone who handled
the case, at random from the independent pool."""

from __future__ import annotations

from django.db import transaction

from ombuds.cases.assignments import allocate_panel, unassign
from ombuds.cases.models import CaseKey
from ombuds.cases.participants import Participant
from ombuds.decisions.rounds import APPEAL, FIRST, Round, sitting
from ombuds.decisions.services import decision_state, version_seen
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.spec import Key


def _allocate(participant: Participant, rnd: Round, expected_version: int | None) -> list[User]:
    if participant.role != Role.CASE_MANAGER:
        raise NotPermitted("Only the case manager allocates a panel.")
    state = decision_state(participant)
    if state.stage != rnd.stage:
        raise TransitionRefused(
            "The decision panel is allocated once the investigator's findings are final."
            if rnd is FIRST
            else "The appeal panel is allocated once the decision has been appealed."
        )
    if sitting(state, rnd.panel):
        raise InvalidInput(f"{rnd.title.capitalize()} is already sitting on this case.")
    keys = participant.keys()
    if Key.CASE not in keys:
        raise NotFound("No such case.")
    respondent_channel = CaseKey.objects.filter(case=participant.case, purpose=Key.RESPONDENT)
    if Key.RESPONDENT not in keys and respondent_channel.exists():
        raise InvalidInput(
            "You do not hold the respondent's key for this case, so the panel could not send "
            "the respondent its decision. Ask another case manager to allocate the panel."
        )
    with transaction.atomic():
        case = participant.case
        version = version_seen(participant, expected_version)
        if rnd is APPEAL:
            for pseudonym in sorted(sitting(state, FIRST.panel)):
                case = unassign(
                    case=case,
                    person=User.objects.get(pseudonym=pseudonym),
                    role=Role.PANEL_MEMBER,
                    why="panel_finished",
                    actor=participant.actor,
                    expected_version=version,
                )
                version = case.version
        return allocate_panel(
            case=case, keys=keys, panel=rnd.panel, actor=participant.actor, expected_version=version
        )


def panel_allocate(*, participant: Participant, expected_version: int | None = None) -> list[User]:
    """The case manager asks the pool for the decision panel once the findings are final:
    three panel members chosen at random among those free of any conflict with the case.
    The allocation events record the seed and the pool sizes."""
    return _allocate(participant, FIRST, expected_version)


def appeal_panel_allocate(
    *, participant: Participant, expected_version: int | None = None
) -> list[User]:
    """Once the decision is appealed, the first panel steps down and the case manager asks
    the pool for a new panel: nobody who has handled the case can be on it."""
    return _allocate(participant, APPEAL, expected_version)
