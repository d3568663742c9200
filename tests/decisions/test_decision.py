"""The first panel: allocation, proposals, signatures, the decision, who is told what."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ombuds.cases.independence import case_record_parties
from ombuds.cases.keys import open_event
from ombuds.cases.lifecycle import PANEL
from ombuds.cases.models import Assignment
from ombuds.cases.read_models import case_events, case_state
from ombuds.decisions.catalogue import sanctions_choose
from ombuds.decisions.panels import panel_allocate
from ombuds.decisions.selectors import decisions_for
from ombuds.decisions.services import (
    OutcomeChoice,
    decision_record,
    decision_sign,
    record_needs_name,
)
from ombuds.intake.services import Submission
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.liaison.models import Notice
from ombuds.liaison.services import notices_for
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.record import events as registry
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import Stage
from tests.conftest import Cast
from tests.decisions.conftest import (
    FINDINGS,
    PANEL_REASONS,
    Scene,
    allocate,
    as_handler,
    bring_to_findings,
    decide,
    fresh,
    key_of,
    propose,
    sign,
)


def events(scene: Scene) -> int:
    return Event.objects.filter(stream=case_stream(scene.case.id)).count()


def latest(scene: Scene, event_type: str) -> Event:
    return [e for e in case_events(scene.case.id) if e.type == event_type][-1]


# Allocating the panel ----------------------------------------------------------------------


def test_the_case_manager_allocates_three_and_the_events_record_seed_and_pools(
    scene: Scene,
) -> None:
    panel = allocate(scene)
    assert len({p.pk for p in panel}) == 3
    allocations = [
        event_metadata(e)
        for e in case_events(scene.case.id)
        if e.type == registry.ASSIGNED.type and event_metadata(e).get("panel") == "first"
    ]
    assert [m["person"] for m in allocations] == [p.pseudonym for p in panel]
    for meta in allocations:
        assert meta["eligible"] == 6 and meta["conflicted"] == 0 and meta["excluded"] == 0
        assert len(meta["seed"]) == 64 and meta["seed"] == allocations[0]["seed"]
    case = scene.refresh()
    assert {a.person for a in Assignment.objects.filter(case=case, role=Role.PANEL_MEMBER)} == set(
        panel
    )
    # Each member can open the case and the respondent's channel.
    assert set(scene.handler(panel[0]).keys()) == {Key.CASE, Key.RESPONDENT, Key.HANDLERS}
    with pytest.raises(InvalidInput, match="already sitting"):
        allocate(scene)


def test_fewer_than_three_eligible_is_refused_clearly_and_records_nothing(
    anonymous_report: Submission, cast: Cast, make_person: Callable[..., User]
) -> None:
    case, _ = bring_to_findings(anonymous_report, cast)
    make_person(Role.PANEL_MEMBER)  # two in the pool with the cast's one
    before = Event.objects.filter(stream=case_stream(case.id)).count()
    with pytest.raises(InvalidInput, match=r"Only 2 panel members are free .* 3 are needed"):
        panel_allocate(participant=as_handler(cast.case_manager, case))
    assert Event.objects.filter(stream=case_stream(case.id)).count() == before


def test_only_the_case_manager_allocates_and_only_at_findings(scene: Scene) -> None:
    with pytest.raises(NotPermitted):
        panel_allocate(participant=scene.handler(scene.cast.investigator))
    panel = allocate(scene)
    decide(scene, panel)
    with pytest.raises(TransitionRefused, match="findings are final"):
        panel_allocate(participant=scene.case_manager())


# Proposals and signatures ------------------------------------------------------------------


def test_two_signatures_are_refused_with_the_guards_sentence_and_change_nothing(
    scene: Scene,
) -> None:
    panel = allocate(scene)
    propose(scene, panel[0])
    sign(scene, panel[1])
    before = events(scene)
    with pytest.raises(TransitionRefused) as refused:
        decision_record(participant=scene.handler(panel[2]), respondent_name="Councillor Grey")
    assert refused.value.message == PANEL.refusal
    assert events(scene) == before and fresh(scene.case).stage == Stage.FINDINGS


def test_a_new_proposal_needs_all_three_signatures_again(scene: Scene) -> None:
    panel = allocate(scene)
    propose(scene, panel[0])
    sign(scene, panel[1])
    sign(scene, panel[2])
    assert case_state(scene.case.id).facts.panel_signoffs == 3
    old = case_state(scene.case.id).proposal
    propose(scene, panel[1], sanctions=["words_of_advice"])
    state = case_state(scene.case.id)
    assert state.facts.panel_signoffs == 1 and state.proposal == old + 3
    assert event_metadata(latest(scene, registry.DECISION_PROPOSED.type)) == {
        "key": "handlers",  # the deliberation is the panel's until it is decided
        "panel": "first",
        "proposal": state.proposal,
        "sanctions": ["words_of_advice"],
    }
    with pytest.raises(TransitionRefused):
        decision_record(participant=scene.handler(panel[1]), respondent_name="C. Grey")
    # Signing what she read before is refused: she must read the new one.
    with pytest.raises(InvalidInput, match="replaced the one you read"):
        decision_sign(participant=scene.handler(panel[0]), proposal=old)
    with pytest.raises(InvalidInput, match="already on this proposal"):
        sign(scene, panel[1])
    sign(scene, panel[0])
    sign(scene, panel[2])
    case = decision_record(participant=scene.handler(panel[2]), respondent_name="C. Grey")
    assert case.stage == Stage.DECISION
    decided = event_metadata(latest(scene, registry.DECIDED.type))
    assert decided["sanctions"] == ["words_of_advice"] and decided["proposal"] == state.proposal


def test_only_the_sitting_panel_proposes_or_signs(scene: Scene) -> None:
    panel = allocate(scene)
    for person in (scene.cast.case_manager, scene.cast.investigator):
        with pytest.raises(NotPermitted):
            propose(scene, person)
    propose(scene, panel[0])
    with pytest.raises(NotPermitted):
        sign(scene, scene.cast.investigator)


@pytest.mark.parametrize(
    ("outcomes", "sanctions", "message"),
    [
        (
            [OutcomeChoice(1, "not_upheld"), OutcomeChoice(2, "accept")],
            ["reprimand"],
            "reasons for changing the investigator's finding on allegation 1",
        ),
        ([OutcomeChoice(1, "accept")], ["reprimand"], "Decide on allegation 2"),
        (
            [OutcomeChoice(1, "accept"), OutcomeChoice(2, "accept")],
            ["no_action", "reprimand"],
            "cannot be combined",
        ),
        (
            [OutcomeChoice(1, "not_upheld", "The witnesses disagree."), OutcomeChoice(2, "accept")],
            ["reprimand"],
            "only possible decision is no action",
        ),
        (
            [OutcomeChoice(1, "accept"), OutcomeChoice(2, "accept")],
            ["flogging"],
            "organisation's catalogue",
        ),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(
    scene: Scene, outcomes: list[OutcomeChoice], sanctions: list[str], message: str
) -> None:
    panel = allocate(scene)
    before = events(scene)
    with pytest.raises(InvalidInput, match=message):
        propose(scene, panel[0], outcomes=outcomes, sanctions=sanctions)
    assert events(scene) == before


def test_the_organisations_catalogue_limits_the_choice(scene: Scene) -> None:
    organisation = scene.case.organisation
    with pytest.raises(NotPermitted):
        sanctions_choose(actor=scene.cast.case_manager, organisation=organisation, codes=[])
    sanctions_choose(
        actor=scene.cast.administrator, organisation=organisation, codes=["words_of_advice"]
    )
    panel = allocate(scene)
    with pytest.raises(InvalidInput, match="organisation's catalogue"):
        propose(scene, panel[0], sanctions=["reprimand"])
    propose(scene, panel[0], sanctions=["words_of_advice"])
    events_of_scheme = Event.objects.filter(
        stream="scheme", type=events_scheme.SANCTIONS_CHOSEN.type
    )
    assert event_metadata(events_of_scheme.get()) == {
        "organisation": organisation.slug,
        "sanctions": ["no_action", "words_of_advice"],
    }


# The decision, and who is told what -----------------------------------------------------------


def test_the_decision_is_told_to_each_party_with_her_own_key(scene: Scene) -> None:
    panel = allocate(scene)
    substitute = [OutcomeChoice(1, "accept"), OutcomeChoice(2, "upheld", "The CCTV shows it.")]
    case = decide(scene, panel, outcomes=substitute)
    assert case.stage == Stage.DECISION and case.deadline_name == "appeal_window"
    decided, disclosed = (
        latest(scene, registry.DECIDED.type),
        latest(scene, registry.DECISION_DISCLOSED.type),
    )
    respondent = scene.the_respondent()
    assert open_event(decided, respondent.keys()) is None  # she reads only her copy
    copy = open_event(disclosed, respondent.keys())
    assert copy is not None
    assert copy["sanctions"] == ["training", "reprimand"] and copy["reasons"] == PANEL_REASONS
    assert [o["allegation"] for o in copy["outcomes"]] == [text for text, _, _ in FINDINGS]
    assert [o["outcome"] for o in copy["outcomes"]] == ["upheld", "upheld"]
    assert copy["outcomes"][1]["reasons"] == "The CCTV shows it."
    # The complainant reads the decision itself; each page shows the right to appeal.
    for who in (scene.complainant(), respondent):
        view = decisions_for(who, now=case.stage_entered_at)
        assert view.first is not None and view.appeal_until == case.deadline_at
        assert view.first.sanctions == ["Training", "A formal reprimand"]
        assert [o.outcome for o in view.first.outcomes] == ["Upheld", "Upheld"]
        assert [o.changed for o in view.first.outcomes] == [False, True]


def test_the_liaison_gets_only_the_sanction_and_the_name(scene: Scene) -> None:
    panel = allocate(scene)
    propose(scene, panel[0])
    sign(scene, panel[1])
    sign(scene, panel[2])
    assert record_needs_name(scene.handler(panel[0]))
    before = events(scene)
    with pytest.raises(InvalidInput, match="name as the organisation knows them"):
        decision_record(participant=scene.handler(panel[0]))
    assert events(scene) == before
    decision_record(participant=scene.handler(panel[0]), respondent_name="  Councillor   Grey ")
    liaison = scene.cast.liaison
    [notice] = notices_for(liaison=liaison, private_key=key_of(liaison))
    assert notice.kind == "sanction"
    assert notice.instruction["respondent"] == "Councillor Grey"
    assert notice.instruction["sanctions"] == ["Training", "A formal reprimand"]
    assert notice.instruction["case"] == scene.case.reference and notice.instruction["starts"]
    sealed = json.dumps(notice.instruction)
    for text, _, reasons in FINDINGS:
        assert text not in sealed and reasons not in sealed
    assert PANEL_REASONS not in sealed and "upheld" not in sealed
    assert latest(scene, registry.ORGANISATION_NOTIFIED.type)


def test_the_name_the_case_manager_recorded_is_used(scene: Scene) -> None:
    case_record_parties(
        participant=scene.case_manager(), parties={"respondent_name": "Cllr Jo Grey"}
    )
    panel = allocate(scene)
    propose(scene, panel[0])
    sign(scene, panel[1])
    sign(scene, panel[2])
    assert not record_needs_name(scene.handler(panel[0]))
    decision_record(participant=scene.handler(panel[0]))
    liaison = scene.cast.liaison
    [notice] = notices_for(liaison=liaison, private_key=key_of(liaison))
    assert notice.instruction["respondent"] == "Cllr Jo Grey"


def test_no_action_tells_the_organisation_nothing(scene: Scene) -> None:
    panel = allocate(scene)
    decide(scene, panel, sanctions=["no_action"], name="")
    assert not Notice.objects.exists()
    assert not [
        e for e in case_events(scene.case.id) if e.type == registry.ORGANISATION_NOTIFIED.type
    ]
    copy = open_event(
        latest(scene, registry.DECISION_DISCLOSED.type), scene.the_respondent().keys()
    )
    assert copy is not None and copy["sanctions"] == ["no_action"]
