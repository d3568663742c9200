"""The appeal: the window, grounds each party keeps from the other, a new panel, a final
decision that closes the case."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from ombuds.cases.keys import open_event, person_holder
from ombuds.cases.lifecycle import APPEAL_OPEN
from ombuds.cases.models import CaseKey
from ombuds.cases.read_models import case_events, case_state
from ombuds.decisions.appeals import appeal_lodge
from ombuds.decisions.panels import appeal_panel_allocate
from ombuds.decisions.selectors import appeal_grounds, decisions_for
from ombuds.decisions.services import CLOSE_REASON, OutcomeChoice
from ombuds.intake.status import complainant_case_view
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.liaison.services import notices_for
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.decisions.conftest import Scene, allocate, decide, fresh, key_of

COMPLAINANT_GROUNDS = "The panel ignored my second witness, who saw him in the car park."
RESPONDENT_GROUNDS = "I was never shown the door entry records the panel relied on."


def events(scene: Scene) -> int:
    return Event.objects.filter(stream=case_stream(scene.case.id)).count()


def latest(scene: Scene, event_type: str) -> Event:
    return [e for e in case_events(scene.case.id) if e.type == event_type][-1]


def decided(scene: Scene) -> list[User]:
    panel = allocate(scene)
    decide(scene, panel)
    return panel


def appealed(scene: Scene) -> tuple[list[User], list[User]]:
    """Decided, appealed by the complainant, and the appeal panel allocated."""
    first = decided(scene)
    appeal_lodge(participant=scene.complainant(), grounds=COMPLAINANT_GROUNDS)
    scene.refresh()
    return first, appeal_panel_allocate(participant=scene.case_manager())


def test_the_window_shuts_at_its_deadline(scene: Scene) -> None:
    decided(scene)
    deadline = fresh(scene.case).deadline_at
    assert deadline is not None
    before = events(scene)
    with time_machine.travel(deadline + timedelta(minutes=1), tick=False):
        for who in (scene.complainant(), scene.the_respondent()):
            with pytest.raises(TransitionRefused) as refused:
                appeal_lodge(participant=who, grounds=RESPONDENT_GROUNDS)
            assert refused.value.message == APPEAL_OPEN.refusal
            assert decisions_for(who, now=deadline + timedelta(minutes=1)).appeal_until is None
    assert events(scene) == before and fresh(scene.case).stage == Stage.DECISION
    with time_machine.travel(deadline - timedelta(minutes=1), tick=False):
        case = appeal_lodge(participant=scene.the_respondent(), grounds=RESPONDENT_GROUNDS)
    assert case.stage == Stage.APPEAL


def test_the_complainant_cannot_read_the_respondents_grounds(scene: Scene) -> None:
    decided(scene)
    appeal_lodge(participant=scene.the_respondent(), grounds=RESPONDENT_GROUNDS)
    event = latest(scene, registry.APPEALED.type)
    assert event_metadata(event)["appellant"] == "respondent"
    assert RESPONDENT_GROUNDS.encode() not in bytes(event.body) + event.metadata.encode()
    complainant = scene.complainant()
    assert open_event(event, complainant.keys()) is None
    assert appeal_grounds(complainant) is None
    assert appeal_grounds(scene.the_respondent()) == ("respondent", RESPONDENT_GROUNDS)
    assert appeal_grounds(scene.case_manager()) == ("respondent", RESPONDENT_GROUNDS)
    # She is told there is an appeal, not what it says.
    assert decisions_for(complainant, now=parse_time(event.recorded_at)).appellant == "respondent"


def test_the_respondent_cannot_read_the_complainants_grounds(scene: Scene) -> None:
    decided(scene)
    appeal_lodge(participant=scene.complainant(), grounds=COMPLAINANT_GROUNDS)
    assert open_event(latest(scene, registry.APPEALED.type), scene.the_respondent().keys()) is None
    assert appeal_grounds(scene.the_respondent()) is None
    assert appeal_grounds(scene.complainant()) == ("complainant", COMPLAINANT_GROUNDS)


def test_only_a_party_appeals_once_with_grounds(scene: Scene) -> None:
    decided(scene)
    with pytest.raises(NotPermitted):
        appeal_lodge(participant=scene.case_manager(), grounds="I disagree.")
    with pytest.raises(InvalidInput, match="grounds of appeal"):
        appeal_lodge(participant=scene.complainant(), grounds="   ")
    appeal_lodge(participant=scene.complainant(), grounds=COMPLAINANT_GROUNDS)
    with pytest.raises(TransitionRefused, match="under appeal"):
        appeal_lodge(participant=scene.the_respondent(), grounds=RESPONDENT_GROUNDS)


def test_the_appeal_panel_shares_nobody_with_the_first_or_the_handlers(scene: Scene) -> None:
    first = decided(scene)
    with pytest.raises(TransitionRefused, match="once the decision has been appealed"):
        appeal_panel_allocate(participant=scene.case_manager())
    appeal_lodge(participant=scene.complainant(), grounds=COMPLAINANT_GROUNDS)
    with pytest.raises(NotPermitted):
        appeal_panel_allocate(participant=scene.handler(scene.cast.investigator))
    appeal = appeal_panel_allocate(participant=scene.case_manager())
    handlers = {scene.cast.case_manager, scene.cast.advocate, scene.cast.investigator}
    assert len(set(appeal)) == 3 and not set(appeal) & (set(first) | handlers)
    case = scene.refresh()
    state = case_state(case.id)
    assert state.panel("appeal") == {p.pseudonym for p in appeal}
    assert set(state.holders(Role.PANEL_MEMBER)) == {p.pseudonym for p in appeal}
    finished = [
        event_metadata(e) for e in case_events(case.id) if e.type == registry.UNASSIGNED.type
    ]
    assert sorted(m["person"] for m in finished) == sorted(p.pseudonym for p in first)
    assert {m["why"] for m in finished} == {"panel_finished"}
    for member in first:
        assert not CaseKey.objects.filter(case=case, holder=person_holder(member)).exists()
        with pytest.raises(NotFound):
            scene.handler(member)
    with pytest.raises(InvalidInput, match="already sitting"):
        appeal_panel_allocate(participant=scene.case_manager())


def test_too_few_for_an_appeal_panel_changes_nothing(scene: Scene) -> None:
    first = decided(scene)
    appeal_lodge(participant=scene.complainant(), grounds=COMPLAINANT_GROUNDS)
    spare = [p for p in scene.pool if p not in first]
    # No service deactivates accounts yet; the flag is what allocation reads.
    User.objects.filter(pk__in=[p.pk for p in spare[:1]]).update(is_active=False)
    before = events(scene)
    with pytest.raises(InvalidInput, match="Only 2 panel members"):
        appeal_panel_allocate(participant=scene.case_manager())
    assert events(scene) == before  # the first panel was not stood down either
    state = case_state(scene.case.id)
    assert set(state.holders(Role.PANEL_MEMBER)) == {p.pseudonym for p in first}


def test_the_appeal_decision_is_final_and_closes_the_case(scene: Scene) -> None:
    first, appeal = appealed(scene)
    with pytest.raises(NotFound):
        scene.handler(first[0])  # the first panel has stepped down
    overturn = [
        OutcomeChoice(1, "not_upheld", "The account was not corroborated."),
        OutcomeChoice(2, "accept"),
    ]
    case = decide(scene, appeal, sanctions=["no_action"], outcomes=overturn)
    assert case.stage == Stage.CLOSED
    closed = latest(scene, registry.CLOSED.type)
    assert (closed.actor_id, closed.actor_role) == ("system", "system")
    assert event_metadata(closed)["reason_code"] == "appeal_decided"
    assert case_state(case.id).checkins  # her advocate's check-ins begin, as at any closure
    assert event_metadata(latest(scene, registry.APPEAL_DECIDED.type))["panel"] == "appeal"
    # The complainant reads the appeal decision and why her case closed.
    view = complainant_case_view(scene.report.access)
    assert any(e.detail == f"Reason: {CLOSE_REASON}" for e in view.timeline)
    for who in (scene.complainant(), scene.the_respondent()):
        decisions = decisions_for(who, now=case.stage_entered_at)
        assert decisions.appeal is not None and decisions.appeal.sanctions == ["No action"]
        assert decisions.first is not None and decisions.appellant == "complainant"
        assert decisions.appeal_until is None
    # The organisation is told the earlier sanctions no longer apply.
    liaison = scene.cast.liaison
    newest, older = notices_for(liaison=liaison, private_key=key_of(liaison))
    assert older.instruction["sanctions"] == ["Training", "A formal reprimand"]
    assert newest.instruction["sanctions"] == ["No action"]
    assert "no longer apply" in newest.instruction["measure"]
    assert "corroborated" not in json.dumps(newest.instruction)


def test_unchanged_sanctions_on_appeal_tell_the_organisation_nothing_new(scene: Scene) -> None:
    _, appeal = appealed(scene)
    decide(scene, appeal, sanctions=["reprimand", "training"], name="")
    liaison = scene.cast.liaison
    assert len(notices_for(liaison=liaison, private_key=key_of(liaison))) == 1
    assert fresh(scene.case).stage == Stage.CLOSED
