"""Interim measures through the services: proposed, approved, disclosed, represented on,
reviewed, lapsed by the sweep and lazily; and what the organisation is told."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from ombuds.cases.keys import open_event
from ombuds.cases.read_models import case_events
from ombuds.investigation.measure_selectors import measure_view, measure_views
from ombuds.investigation.measures import (
    measure_approve,
    measure_propose,
    measure_represent,
    measure_review,
)
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.rules import MAX_REVIEW_DAYS, fold_measures
from ombuds.investigation.selectors import case_events_folded
from ombuds.investigation.sweeps import measures_sweep
from ombuds.ledger.models import Event
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.spec import Key
from ombuds.timetable.services import closure_day_add
from tests.investigation.conftest import (
    ALLEGATIONS,
    COMPLAINANT_NOTES,
    REASON,
    World,
    events_of,
    working_day_after,
)


def day_after(review_date: date) -> datetime:
    """Nine in the morning, the day after `review_date` (UTC)."""
    return datetime.combine(review_date + timedelta(days=1), time(9), tzinfo=UTC)


def read_model(world: World) -> list[tuple[int, str, str, str]]:
    return [
        (m.number, m.kind, m.review_date.isoformat(), m.status)
        for m in InterimMeasure.objects.filter(case=world.case).order_by("number")
    ]


def rebuilt(world: World) -> list[tuple[int, str, str, str]]:
    folded = fold_measures(case_events_folded(world.case.id))
    return [
        (m.number, m.kind, m.review_date.isoformat(), m.status) for _, m in sorted(folded.items())
    ]


def test_the_lifecycle_of_a_measure(world: World) -> None:
    number = world.propose()
    assert read_model(world) == rebuilt(world) and read_model(world)[0][3] == "proposed"
    assert world.notices() == []
    with pytest.raises(NotFound):
        measure_view(world.respondent(), number)  # not disclosed to her until approved

    measure_approve(participant=world.case_manager(), measure=number, respondent_name="Pat Doe")
    her_view = measure_view(world.respondent(), number)
    assert her_view.status == "approved" and her_view.reason == REASON
    assert her_view.respondent_name == ""  # handlers only
    (notice,) = world.notices()
    assert notice["kind"] == "interim_measure" and notice["respondent"] == "Pat Doe"
    assert notice["until"] == InterimMeasure.objects.get().review_date.isoformat()

    measure_represent(participant=world.respondent(), measure=number, text="I resign the chair.")
    view = measure_view(world.case_manager(), number)
    assert [n.text for n in view.representations] == ["I resign the chair."]

    new_date = working_day_after(30)
    measure_review(
        participant=world.case_manager(),
        measure=number,
        outcome="continued",
        reason="Still needed until the interviews are done.",
        review_date=new_date,
    )
    assert (
        read_model(world)
        == rebuilt(world)
        == [(number, "suspension_from_office", new_date.isoformat(), "continued")]
    )
    assert world.notices()[-1]["until"] == new_date.isoformat()

    measure_review(
        participant=world.case_manager(), measure=number, outcome="lifted", reason="Resolved."
    )
    assert read_model(world) == rebuilt(world) and read_model(world)[0][3] == "lifted"
    assert world.notices()[-1]["kind"] == "measure_ended"
    assert measure_view(world.respondent(), number).reviews[-1].reason == "Resolved."
    with pytest.raises(TransitionRefused, match="lifted"):
        measure_represent(participant=world.respondent(), measure=number, text="More.")


def test_the_respondent_copy_is_written_with_her_key(world: World) -> None:
    number = world.approved_measure()
    disclosed = [e for e in case_events(world.case.id) if e.type == events.MEASURE_DISCLOSED.type]
    (event,) = disclosed
    assert event_metadata(event) == {"measure": number, "key": Key.RESPONDENT}
    content = open_event(event, world.respondent().keys())
    assert content is not None and content["reason"] == REASON
    proposed = next(e for e in case_events(world.case.id) if e.type == events.MEASURE_PROPOSED.type)
    assert open_event(proposed, world.respondent().keys()) is None  # the proposal is not hers


def test_the_liaison_notice_holds_no_allegation_text(world: World) -> None:
    world.disclose()
    world.interview("complainant")
    number = world.approved_measure()
    measure_review(
        participant=world.case_manager(), measure=number, outcome="lifted", reason="Resolved."
    )
    notices = world.notices()
    assert [n["kind"] for n in notices] == ["interim_measure", "measure_ended"]
    text = json.dumps(notices)
    for secret in [*ALLEGATIONS, COMPLAINANT_NOTES, REASON, "Chair of the Northern branch"]:
        assert secret not in text
    assert set(notices[0]) == {"kind", "case", "respondent", "measure", "starts", "until"}


def test_the_sweep_lapses_a_measure_past_its_review_date(world: World) -> None:
    number = world.approved_measure(days=3)
    review_date = InterimMeasure.objects.get().review_date
    assert measures_sweep(timezone.now()) == 0
    with time_machine.travel(day_after(review_date)):
        assert measures_sweep(timezone.now()) == 1
        assert measures_sweep(timezone.now()) == 0  # once only
    assert read_model(world) == rebuilt(world) and read_model(world)[0][3] == "lapsed"
    lapsed = Event.objects.get(type=events.MEASURE_LAPSED.type)
    assert lapsed.actor_id == "system" and bytes(lapsed.body) == b""
    assert event_metadata(lapsed) == {"measure": number}
    ended = world.notices()[-1]
    assert ended["kind"] == "measure_ended" and ended["case"] == world.case.reference
    assert set(ended) == {"kind", "case", "measure"}
    assert f"measure {number} lapsed" in str(ended["measure"])


def test_a_measure_past_its_review_date_is_lapsed_before_the_sweep(world: World) -> None:
    number = world.approved_measure(days=3)
    review_date = InterimMeasure.objects.get().review_date
    with time_machine.travel(day_after(review_date)):
        before = events_of(world.case)
        assert [v.status for v in measure_views(world.respondent())] == ["lapsed"]
        assert [v.status for v in measure_views(world.case_manager())] == ["lapsed"]
        with pytest.raises(TransitionRefused, match="lapsed"):
            measure_represent(participant=world.respondent(), measure=number, text="Hello.")
        with pytest.raises(TransitionRefused, match="lapsed"):
            measure_review(
                participant=world.case_manager(), measure=number, outcome="lifted", reason="x"
            )
        assert events_of(world.case) == before


def test_the_measure_can_be_reviewed_on_its_review_date(world: World) -> None:
    number = world.approved_measure(days=3)
    review_date = InterimMeasure.objects.get().review_date
    with time_machine.travel(datetime.combine(review_date, time(15), tzinfo=UTC)):
        measure_review(
            participant=world.case_manager(), measure=number, outcome="lifted", reason="Done."
        )
        assert measures_sweep(timezone.now()) == 0


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "in the future"),
        (-3, "in the future"),
        (MAX_REVIEW_DAYS + 5, f"within {MAX_REVIEW_DAYS} days"),
    ],
)
def test_the_review_date_is_checked(world: World, days: int, message: str) -> None:
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match=message):
        measure_propose(
            participant=world.investigator(),
            kind="no_contact",
            review_date=timezone.now().date() + timedelta(days=days),
            reason=REASON,
        )
    assert events_of(world.case) == before


def test_a_weekend_review_date_is_refused(world: World) -> None:
    saturday = timezone.now().date() + timedelta(days=1)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    with pytest.raises(InvalidInput, match="working day"):
        measure_propose(
            participant=world.investigator(),
            kind="no_contact",
            review_date=saturday,
            reason=REASON,
        )


def test_a_review_date_on_the_organisations_closure_day_is_refused(world: World) -> None:
    closed = working_day_after(20)
    closure_day_add(
        actor=world.cast.administrator,
        organisation=world.case.organisation,
        day=closed,
        label="Conference week",
    )
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match="working day"):
        measure_propose(
            participant=world.investigator(), kind="no_contact", review_date=closed, reason=REASON
        )
    assert events_of(world.case) == before


def test_wrong_roles_are_not_permitted(world: World) -> None:
    with pytest.raises(NotPermitted):
        measure_propose(
            participant=world.case_manager(),
            kind="no_contact",
            review_date=working_day_after(7),
            reason=REASON,
        )
    number = world.propose()
    with pytest.raises(NotPermitted):
        measure_approve(participant=world.investigator(), measure=number, respondent_name="P")
    with pytest.raises(NotPermitted):
        measure_approve(participant=world.respondent(), measure=number, respondent_name="P")
    measure_approve(participant=world.case_manager(), measure=number, respondent_name="P")
    with pytest.raises(NotPermitted):
        measure_represent(participant=world.complainant(), measure=number, text="x")
    with pytest.raises(NotPermitted):
        measure_review(
            participant=world.investigator(), measure=number, outcome="lifted", reason="x"
        )


def test_approval_needs_a_name_and_a_proposed_measure(world: World) -> None:
    number = world.propose()
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match="as the organisation knows them"):
        measure_approve(participant=world.case_manager(), measure=number, respondent_name=" ")
    with pytest.raises(NotFound):
        measure_approve(participant=world.case_manager(), measure=9, respondent_name="P")
    assert events_of(world.case) == before
    measure_approve(participant=world.case_manager(), measure=number, respondent_name="P")
    with pytest.raises(TransitionRefused, match="already been approved"):
        measure_approve(participant=world.case_manager(), measure=number, respondent_name="P")


def test_another_measure_needs_a_description(world: World) -> None:
    with pytest.raises(InvalidInput, match="Describe"):
        measure_propose(
            participant=world.investigator(),
            kind="other",
            review_date=working_day_after(7),
            reason=REASON,
        )
