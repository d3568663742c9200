"""A panel that loses a member is made whole: a leaver's seat, a member taken off for a
conflict of interest, or one who steps off, is filled from the pool on the same panel, so
the decision can still get its three signatures. The newcomer receives the keys when a
colleague next opens the case, as every re-allocated handler does."""

from __future__ import annotations

from ombuds.cases.independence import case_record_parties, handler_recuse
from ombuds.cases.keys import share_missing_keys
from ombuds.cases.leavers import person_deactivate
from ombuds.cases.read_models import case_events, case_state
from ombuds.decisions.rounds import FIRST, sitting
from ombuds.ledger.services import event_metadata
from ombuds.people.models import User
from ombuds.people.services import interests_declare
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.decisions.conftest import Scene, allocate, decide


def _sitting_members(scene: Scene) -> list[User]:
    pseudonyms = sitting(case_state(scene.case.id), FIRST.panel)
    return list(User.objects.filter(pseudonym__in=pseudonyms).order_by("pk"))


def _keys_shared(scene: Scene) -> None:
    # A colleague on the case opens it: the newcomer is sealed the keys her role needs.
    manager = scene.case_manager()
    share_missing_keys(manager.case, manager.keys())


def _made_whole_and_decides(scene: Scene, *, gone: User) -> None:
    members = _sitting_members(scene)
    assert len(members) == 3 and gone not in members
    _keys_shared(scene)
    scene.refresh()
    decide(scene, members)
    assert scene.refresh().stage == Stage.DECISION


def test_a_panel_member_who_leaves_is_replaced_on_her_panel(scene: Scene) -> None:
    panel = allocate(scene)
    released = person_deactivate(actor=scene.cast.administrator, person=panel[2])
    assert (released.cases, released.reallocated, released.unfilled) == (1, 1, [])
    _made_whole_and_decides(scene, gone=panel[2])


def test_a_conflicted_panel_member_is_replaced_on_her_panel(scene: Scene) -> None:
    panel = allocate(scene)
    interests_declare(actor=panel[1], interests=[("unit", "Northern branch")])
    replaced = case_record_parties(
        participant=scene.case_manager(),
        parties={"respondent_name": "Councillor Grey", "respondent_units": "Northern branch"},
    )
    assert replaced == [Role.PANEL_MEMBER.value]
    _made_whole_and_decides(scene, gone=panel[1])


def test_a_panel_member_may_step_off_and_is_replaced_on_her_panel(scene: Scene) -> None:
    panel = allocate(scene)
    successor = handler_recuse(
        participant=scene.handler(panel[0]), reason="I once worked for the respondent."
    )
    assert successor is not None and successor not in panel
    recused = [e for e in case_events(scene.case.id) if e.type == events.RECUSED.type]
    assert [event_metadata(e)["role"] for e in recused] == ["panel_member"]
    _made_whole_and_decides(scene, gone=panel[0])
