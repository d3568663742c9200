"""Interviews, the draft report and the findings, through the services: the due-process
guard, who may comment on what, and which key opens which interview."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ombuds.cases.keys import open_event
from ombuds.cases.lifecycle import RESPONDENT_HEARD
from ombuds.cases.participants import handler_participant
from ombuds.cases.read_models import case_events
from ombuds.investigation.rules import STANDARD
from ombuds.investigation.selectors import (
    drafts_read,
    final_findings,
    interview_read,
    interviews_for,
)
from ombuds.investigation.services import (
    draft_report_comment,
    draft_report_share,
    findings_record,
    interview_comment,
    interview_declined_record,
    interview_record,
)
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.outcomes import OUTCOMES
from ombuds.record.spec import Key
from ombuds.record.stages import Stage
from ombuds.respondents.services import allegations_disclose
from tests.investigation.conftest import (
    ALLEGATIONS,
    COMPLAINANT_NOTES,
    RESPONDENT_NOTES,
    World,
    events_of,
    key_of,
    types_of,
)

FINDINGS = {1: ("upheld", "Two witnesses agree."), 2: ("not_upheld", "No messages found.")}


def record_findings(world: World) -> None:
    findings_record(participant=world.investigator(), findings=FINDINGS, summary="Final.")


# The due-process guard ---------------------------------------------------------------------


def test_findings_are_refused_before_the_allegations_are_disclosed(world: World) -> None:
    before = events_of(world.case)
    with pytest.raises(TransitionRefused) as refused:
        record_findings(world)
    assert refused.value.message == RESPONDENT_HEARD.refusal
    assert events_of(world.case) == before


def test_findings_are_refused_after_disclosure_without_interview_or_declination(
    world: World,
) -> None:
    world.disclose()
    world.interview("complainant")
    world.interview("witness", witness="Jo from finance")
    before = events_of(world.case)
    with pytest.raises(TransitionRefused) as refused:
        record_findings(world)
    assert refused.value.message == RESPONDENT_HEARD.refusal
    assert events_of(world.case) == before and world.case.stage == Stage.INVESTIGATION


def test_findings_allowed_after_the_respondent_was_interviewed(world: World) -> None:
    world.ready_for_findings()
    record_findings(world)
    case = world.case
    assert case.stage == Stage.FINDINGS
    assert types_of(case)[-2:] == [events.FINDINGS_RECORDED.type, events.FINDINGS_DISCLOSED.type]


def test_amended_allegations_must_be_answered_again_before_findings(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    # The allegations are amended after her interview: she has not been heard on them.
    amended = [ALLEGATIONS[0], f"{ALLEGATIONS[1]} It happened twice, not once."]
    allegations_disclose(participant=world.investigator(), allegations=amended)
    before = events_of(world.case)
    with pytest.raises(TransitionRefused, match="until the respondent has been told"):
        world.share_draft()
    assert events_of(world.case) == before
    world.interview("respondent")  # heard again, on the allegations as they now stand
    world.both_comment(world.share_draft())
    record_findings(world)
    assert world.case.stage == Stage.FINDINGS


def test_findings_allowed_after_a_recorded_declination(world: World) -> None:
    world.disclose()
    interview_declined_record(
        participant=world.investigator(),
        offered="Offered 4 and 6 March by letter.",
        answer="She said she would not attend.",
    )
    draft = world.share_draft()
    world.both_comment(draft)
    record_findings(world)
    assert world.case.stage == Stage.FINDINGS


def test_a_declination_needs_the_allegations_told_first(world: World) -> None:
    with pytest.raises(TransitionRefused, match="told the allegations"):
        interview_declined_record(participant=world.investigator(), offered="Monday.", answer="No.")


def test_the_respondent_interview_needs_the_allegations_told_first(world: World) -> None:
    before = events_of(world.case)
    with pytest.raises(TransitionRefused, match="told the allegations"):
        world.interview("respondent")
    assert events_of(world.case) == before


def test_findings_need_a_shared_draft_and_time_to_comment(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    with pytest.raises(TransitionRefused, match="Share a draft"):
        record_findings(world)
    world.share_draft()
    with pytest.raises(TransitionRefused, match="working days to comment"):
        record_findings(world)
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        record_findings(world)
    assert world.case.stage == Stage.FINDINGS


def test_a_draft_needs_the_respondent_heard(world: World) -> None:
    world.disclose()
    with pytest.raises(TransitionRefused, match="draft report cannot be shared"):
        world.share_draft()


def test_only_the_investigator_records_findings(world: World) -> None:
    world.ready_for_findings()
    with pytest.raises(NotPermitted):
        findings_record(participant=world.case_manager(), findings=FINDINGS, summary="x")
    with pytest.raises(NotPermitted):
        findings_record(participant=world.respondent(), findings=FINDINGS, summary="x")


# Interviews -----------------------------------------------------------------------------------


def test_each_interviewee_reads_and_comments_only_on_her_own_interview(world: World) -> None:
    world.disclose()
    mine = world.interview("complainant")
    hers = world.interview("respondent")
    witness = world.interview("witness", witness="Jo from finance")
    complainant, respondent = world.complainant(), world.respondent()
    assert [i.number for i in interviews_for(complainant)] == [mine]
    assert [i.number for i in interviews_for(respondent)] == [hers]
    assert interview_read(complainant, mine).notes == COMPLAINANT_NOTES
    assert interview_read(respondent, hers).notes == RESPONDENT_NOTES
    for number in (hers, witness):
        with pytest.raises(NotFound):
            interview_read(complainant, number)
        with pytest.raises(NotFound):
            interview_comment(participant=complainant, interview=number, text="Wrong.")
    for number in (mine, witness):
        with pytest.raises(NotFound):
            interview_read(respondent, number)
        with pytest.raises(NotFound):
            interview_comment(participant=respondent, interview=number, text="Wrong.")
    interview_comment(participant=respondent, interview=hers, text="I said 'a joke' once.")
    interview_comment(participant=complainant, interview=mine, text="It was Tuesday.")
    assert [c.text for c in interview_read(respondent, hers).comments] == ["I said 'a joke' once."]
    investigator_view = interview_read(world.investigator(), hers)
    assert [c.text for c in investigator_view.comments] == ["I said 'a joke' once."]


def test_the_respondent_key_cannot_open_the_complainant_interview(world: World) -> None:
    world.disclose()
    world.interview("complainant")
    world.interview("respondent")
    recorded = [e for e in case_events(world.case.id) if e.type == events.INTERVIEW_RECORDED.type]
    complainant_interview, respondent_interview = recorded
    respondent_keys = world.respondent().keys()
    assert set(respondent_keys) == {Key.RESPONDENT}
    assert open_event(complainant_interview, respondent_keys) is None
    assert open_event(respondent_interview, respondent_keys) is not None
    assert COMPLAINANT_NOTES.encode() not in bytes(complainant_interview.body)
    assert event_metadata(respondent_interview) == {
        "interview": 2,
        "interviewee": "respondent",
        "key": Key.RESPONDENT,
    }


def test_handlers_cannot_comment_and_only_the_investigator_records(world: World) -> None:
    world.disclose()
    number = world.interview("complainant")
    with pytest.raises(NotPermitted):
        interview_comment(participant=world.investigator(), interview=number, text="x")
    with pytest.raises(NotPermitted):
        interview_record(
            participant=world.case_manager(),
            interviewee="witness",
            notes="x",
            held_on=timezone.now().date(),
            witness="Jo",
        )


@pytest.mark.parametrize(
    ("interviewee", "notes", "witness", "days", "message"),
    [
        ("friend", "Notes.", "", 0, "Choose who was interviewed"),
        ("complainant", "  ", "", 0, "Enter the interview notes"),
        ("witness", "Notes.", "", 0, "witness's name"),
        ("complainant", "Notes.", "", 1, "today or earlier"),
    ],
)
def test_bad_interview_input_changes_nothing(
    world: World, interviewee: str, notes: str, witness: str, days: int, message: str
) -> None:
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match=message):
        interview_record(
            participant=world.investigator(),
            interviewee=interviewee,
            notes=notes,
            witness=witness,
            held_on=timezone.now().date() + timedelta(days=days),
        )
    assert events_of(world.case) == before


# The draft report ---------------------------------------------------------------------------


def test_the_draft_is_shared_once_per_key_with_the_same_number(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    number = world.share_draft()
    shared = [e for e in case_events(world.case.id) if e.type == events.DRAFT_REPORT_SHARED.type]
    assert [event_metadata(e) for e in shared] == [
        {"draft": 1},
        {"draft": 1, "key": Key.RESPONDENT},
    ]
    assert number == 1
    for party in (world.complainant(), world.respondent()):
        (draft,) = drafts_read(party)
        assert draft.number == 1
        assert [f["text"] for f in draft.findings] == ALLEGATIONS
        assert {f["outcome"] for f in draft.findings} <= set(OUTCOMES)


def test_each_party_comments_with_her_own_key_and_reads_only_her_own(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    draft = world.share_draft()
    draft_report_comment(participant=world.complainant(), draft=draft, text="Mine.")
    draft_report_comment(participant=world.respondent(), draft=draft, text="Hers.")
    comments = [
        e for e in case_events(world.case.id) if e.type == events.DRAFT_REPORT_COMMENTED.type
    ]
    assert [event_metadata(e).get("key", Key.CASE) for e in comments] == [
        Key.CASE,
        Key.RESPONDENT,
    ]
    assert [c.text for c in drafts_read(world.complainant())[0].comments] == ["Mine."]
    assert [c.text for c in drafts_read(world.respondent())[0].comments] == ["Hers."]
    assert [c.text for c in drafts_read(world.investigator())[0].comments] == ["Mine.", "Hers."]


def test_a_comment_on_an_older_draft_is_refused(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    world.share_draft()
    world.share_draft(outcome="insufficient_evidence")
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match="newer draft"):
        draft_report_comment(participant=world.complainant(), draft=1, text="Late.")
    assert events_of(world.case) == before


def test_a_draft_needs_a_finding_and_reasons_on_every_allegation(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    before = events_of(world.case)
    with pytest.raises(InvalidInput, match="allegation 2"):
        draft_report_share(
            participant=world.investigator(), findings={1: ("upheld", "Yes.")}, summary="S."
        )
    with pytest.raises(InvalidInput, match="reasons for the finding on allegation 1"):
        draft_report_share(
            participant=world.investigator(),
            findings={1: ("upheld", " "), 2: ("upheld", "Yes.")},
            summary="S.",
        )
    assert events_of(world.case) == before


def test_only_parties_comment_on_the_draft(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    draft = world.share_draft()
    with pytest.raises(NotPermitted):
        draft_report_comment(participant=world.investigator(), draft=draft, text="x")
    with pytest.raises(NotPermitted):
        draft_report_share(participant=world.respondent(), findings=FINDINGS, summary="x")


# The findings ---------------------------------------------------------------------------------


def test_final_findings_for_the_panel_and_the_parties(world: World) -> None:
    world.ready_for_findings()
    assert final_findings(world.investigator()) is None
    record_findings(world)
    for reader in (world.investigator(), world.complainant(), world.respondent()):
        findings = final_findings(reader)
        assert findings is not None
        assert findings["standard"] == STANDARD and findings["draft"] == 1
        assert [(f["allegation"], f["outcome"]) for f in findings["findings"]] == [
            (1, "upheld"),
            (2, "not_upheld"),
        ]
    with pytest.raises(TransitionRefused, match="final"):
        draft_report_comment(participant=world.complainant(), draft=1, text="Late.")


def test_outsiders_never_reach_the_case(world: World, outsider: User) -> None:
    with pytest.raises(NotFound):
        handler_participant(outsider, world.case, key_of(outsider))
