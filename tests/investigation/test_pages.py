"""The investigation's pages through the Django test client: every page's happy path,
someone not on the case (404), a wrong role (403), refusals shown with nothing changed,
and forms that keep what was typed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ombuds.cases.lifecycle import RESPONDENT_HEARD
from ombuds.investigation.measures import measure_approve
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.services import interview_comment
from ombuds.people.models import User
from ombuds.record.stages import Stage
from ombuds.respondents.evidence import evidence_add
from tests.conftest import date_boxes
from tests.investigation.conftest import (
    ALLEGATIONS,
    COMPLAINANT_NOTES,
    REASON,
    RESPONDENT_NOTES,
    World,
    events_of,
    working_day_after,
)


def text_of(response: Any) -> str:
    return response.content.decode()


def html(text: str) -> str:
    """How the templates escape text."""
    return text.replace("'", "&#x27;").replace('"', "&quot;")


def report_data(version: int, **changes: str) -> dict[str, str]:
    data = {
        "version": str(version),
        "summary": "Two allegations were investigated.",
        "outcome_1": "upheld",
        "reasons_1": "Two witnesses agree on what was said.",
        "outcome_2": "insufficient_evidence",
        "reasons_2": "The messages were deleted.",
    }
    data.update(changes)
    return data


# Interim measures ----------------------------------------------------------------------------


def test_the_investigator_proposes_a_measure(world: World) -> None:
    client = world.client_of(world.cast.investigator)
    page = world.page("measures/")
    assert client.get(page).status_code == 200
    review_date = working_day_after(10)
    response = client.post(
        page,
        {
            "version": world.case.version,
            "kind": "exclusion_from_events",
            "details": "Branch socials.",
            "reason": REASON,
            **date_boxes("review_date", review_date),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{world.case.reference}/"
    measure = InterimMeasure.objects.get()
    assert (measure.kind, measure.review_date, measure.status) == (
        "exclusion_from_events",
        review_date,
        "proposed",
    )
    listed = text_of(client.get(page))
    assert "Exclusion from events" in listed and html(REASON) in listed


def test_a_bad_proposal_keeps_what_was_typed_and_changes_nothing(world: World) -> None:
    client = world.client_of(world.cast.investigator)
    before = events_of(world.case)
    saturday = timezone.now().date() + timedelta(days=1)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    response = client.post(
        world.page("measures/"),
        {
            "version": world.case.version,
            "kind": "no_contact",
            "reason": "Typed reason kept",
            **date_boxes("review_date", saturday),
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The review date must be a working day." in page and "Typed reason kept" in page
    assert events_of(world.case) == before
    # The refusal is about the date: the summary links to its boxes, and it is shown there.
    summary = page[page.index("error-summary__list") : page.index("</ul>")]
    assert 'href="#id_review_date_0"' in summary
    boxes = page[page.index('id="id_review_date_0"') - 600 : page.index('id="id_review_date_0"')]
    assert "The review date must be a working day." in boxes


def test_the_case_manager_sees_measures_but_does_not_propose(world: World) -> None:
    world.propose()
    client = world.client_of(world.cast.case_manager)
    response = client.get(world.page("measures/"))
    assert response.status_code == 200 and "Approve measure 1" in text_of(response)
    assert 'name="reason"' not in text_of(response)
    before = events_of(world.case)
    refused = client.post(world.page("measures/"), {"version": world.case.version})
    assert refused.status_code == 403 and events_of(world.case) == before


def test_measure_pages_404_for_outsiders_and_403_for_other_roles(
    world: World, outsider: User
) -> None:
    world.propose()
    outsider_client = world.client_of(outsider)
    advocate = world.client_of(world.cast.advocate)
    investigator = world.client_of(world.cast.investigator)
    for part in ("measures/", "measures/1/approve/", "measures/1/review/"):
        assert outsider_client.get(world.page(part)).status_code == 404
        assert advocate.get(world.page(part)).status_code == 403
    for part in ("measures/1/approve/", "measures/1/review/"):
        assert investigator.get(world.page(part)).status_code == 403
    missing = world.client_of(world.cast.case_manager).get(world.page("measures/7/approve/"))
    assert missing.status_code == 404


def test_the_case_manager_approves_with_the_recorded_name_offered(world: World) -> None:
    number = world.propose()
    client = world.client_of(world.cast.case_manager)
    page = world.page(f"measures/{number}/approve/")
    shown = client.get(page)
    assert shown.status_code == 200 and html(REASON) in text_of(shown)
    missing = client.post(page, {"version": world.case.version, "respondent_name": ""})
    assert missing.status_code == 400
    assert "as the organisation knows them" in text_of(missing)
    response = client.post(page, {"version": world.case.version, "respondent_name": "Pat Doe"})
    assert response.status_code == 302
    assert InterimMeasure.objects.get().status == "approved"
    assert world.notices()[0]["respondent"] == "Pat Doe"
    again = client.get(page)
    assert "no longer waiting for approval" in text_of(again)


def test_the_case_manager_reviews_a_measure(world: World) -> None:
    number = world.approved_measure()
    client = world.client_of(world.cast.case_manager)
    page = world.page(f"measures/{number}/review/")
    assert client.get(page).status_code == 200
    no_date = client.post(
        page, {"version": world.case.version, "outcome": "continued", "reason": "Still needed."}
    )
    assert no_date.status_code == 400 and "Enter the new review date" in text_of(no_date)
    assert "Still needed." in text_of(no_date)
    response = client.post(
        page, {"version": world.case.version, "outcome": "lifted", "reason": "Resolved."}
    )
    assert response.status_code == 302 and InterimMeasure.objects.get().status == "lifted"


def test_a_lapsed_measure_shows_lapsed_and_its_review_is_refused(world: World) -> None:
    number = world.approved_measure(days=3)
    review_date = InterimMeasure.objects.get().review_date
    later = datetime.combine(review_date + timedelta(days=1), time(9), tzinfo=UTC)
    with time_machine.travel(later):
        client = world.client_of(world.cast.case_manager)  # sessions end: sign in now
        respondent = world.respondent_client()
        before = events_of(world.case)
        page = world.page(f"measures/{number}/review/")
        assert "Lapsed at its review date" in text_of(client.get(page))
        refused = client.post(
            page, {"version": world.case.version, "outcome": "lifted", "reason": "Kept text"}
        )
        assert refused.status_code == 400 and "lapsed at its review date" in text_of(refused)
        mine = respondent.get("/respond/measures/")
        assert "Lapsed at its review date" in text_of(mine)
        assert "Make representations" not in text_of(mine)
        assert events_of(world.case) == before


def test_the_respondent_sees_her_measures_and_makes_representations(world: World) -> None:
    world.propose()  # proposed only: not hers to see yet
    client = world.respondent_client()
    assert "No interim measure" in text_of(client.get("/respond/measures/"))
    assert client.get("/respond/measures/1/").status_code == 404
    measure_approve(participant=world.case_manager(), measure=1, respondent_name="Pat Doe")
    listed = text_of(client.get("/respond/measures/"))
    assert html(REASON) in listed and "Pat Doe" not in listed
    empty = client.post("/respond/measures/1/", {"text": ""})
    assert empty.status_code == 400 and "Enter your representations" in text_of(empty)
    response = client.post("/respond/measures/1/", {"text": "I have resigned the chair."})
    assert response.status_code == 302 and response["Location"] == "/respond/measures/"
    assert "Your representations have been sent" in text_of(client.get("/respond/measures/"))
    review = world.client_of(world.cast.case_manager).get(world.page("measures/1/review/"))
    assert "I have resigned the chair." in text_of(review)


def test_respondent_pages_need_a_signed_in_respondent(world: World) -> None:
    for path in ("/respond/measures/", "/respond/draft-report/", "/respond/interviews/1/"):
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")
        staff = world.client_of(world.cast.investigator).get(path)
        assert staff.status_code == 403


# Interviews ---------------------------------------------------------------------------------------


def test_the_investigator_records_an_interview(world: World) -> None:
    world.disclose()
    client = world.client_of(world.cast.investigator)
    page = world.page("interviews/record/")
    assert client.get(page).status_code == 200
    missing = client.post(
        page,
        {"version": world.case.version, "interviewee": "witness", "notes": "Kept notes."},
    )
    assert missing.status_code == 400
    assert "Kept notes." in text_of(missing) and "Enter the date of the interview" in text_of(
        missing
    )
    response = client.post(
        page,
        {
            "version": world.case.version,
            "interviewee": "witness",
            "witness": "Jo from finance",
            **date_boxes("held_on", timezone.now().date()),
            "notes": "Jo saw it happen.",
        },
    )
    assert response.status_code == 302
    listed = text_of(client.get(world.page("interviews/")))
    assert "Interview 1" in listed and "A witness" in listed
    shown = text_of(client.get(world.page("interviews/1/")))
    assert "Jo saw it happen." in shown and "Jo from finance" in shown


def test_a_refused_respondent_interview_keeps_the_notes(world: World) -> None:
    client = world.client_of(world.cast.investigator)
    before = events_of(world.case)
    response = client.post(
        world.page("interviews/record/"),
        {
            "version": world.case.version,
            "interviewee": "respondent",
            **date_boxes("held_on", timezone.now().date()),
            "notes": "Notes typed before disclosure.",
        },
    )
    assert response.status_code == 400
    assert "must be told the allegations" in text_of(response)
    assert "Notes typed before disclosure." in text_of(response)
    assert events_of(world.case) == before


def test_the_investigator_records_a_declined_interview(world: World) -> None:
    client = world.client_of(world.cast.investigator)
    page = world.page("interviews/declined/")
    data = {"offered": "4 and 6 March, by letter.", "answer": "She declined."}
    refused = client.post(page, {"version": world.case.version, **data})
    assert refused.status_code == 400 and "4 and 6 March, by letter." in text_of(refused)
    world.disclose()
    assert client.get(page).status_code == 200
    response = client.post(page, {"version": world.case.version, **data})
    assert response.status_code == 302
    assert "She declined." in text_of(client.get(world.page("interviews/")))
    assert world.case.version > 0


def test_interview_pages_404_for_outsiders_and_403_for_other_roles(
    world: World, outsider: User
) -> None:
    world.disclose()
    world.interview("complainant")
    outsider_client = world.client_of(outsider)
    case_manager = world.client_of(world.cast.case_manager)
    parts = (
        "interviews/",
        "interviews/record/",
        "interviews/declined/",
        "interviews/1/",
        "evidence/",
        "draft-report/",
        "findings/",
    )
    for part in parts:
        assert outsider_client.get(world.page(part)).status_code == 404, part
        assert case_manager.get(world.page(part)).status_code == 403, part
    investigator = world.client_of(world.cast.investigator)
    assert investigator.get(world.page("interviews/9/")).status_code == 404


def test_the_evidence_list_lists_files_and_interviews(world: World) -> None:
    world.disclose()
    world.interview("complainant")
    client = world.client_of(world.cast.investigator)
    page = text_of(client.get(world.page("evidence/")))
    assert "No files have been added" in page and "Interview 1" in page
    upload = SimpleUploadedFile("my-diary.txt", b"10 March: the messages arrived at 1am.")
    evidence_add(participant=world.respondent(), upload=upload, description="", keep_original=False)
    page = text_of(client.get(world.page("evidence/")))
    assert "my-diary.txt" in page and "respondent" in page
    assert "the messages arrived" not in page  # a listing, not the file


def test_the_complainant_checks_and_comments_on_her_interview(world: World) -> None:
    world.disclose()
    mine = world.interview("complainant")
    hers = world.interview("respondent")
    client = world.complainant_client()
    shown = client.get(f"/my-report/interviews/{mine}/")
    assert shown.status_code == 200 and html(COMPLAINANT_NOTES) in text_of(shown)
    assert client.get(f"/my-report/interviews/{hers}/").status_code == 404
    empty = client.post(f"/my-report/interviews/{mine}/", {"text": "  "})
    assert empty.status_code == 400
    response = client.post(f"/my-report/interviews/{mine}/", {"text": "It was a Tuesday."})
    assert response.status_code == 302
    again = text_of(client.get(f"/my-report/interviews/{mine}/"))
    assert "It was a Tuesday." in again and "sent to the investigator" in again
    status = text_of(client.get("/my-report/"))
    assert f"/my-report/interviews/{mine}/" in status


def test_the_respondent_checks_and_comments_on_her_interview(world: World) -> None:
    world.disclose()
    mine = world.interview("complainant")
    hers = world.interview("respondent")
    client = world.respondent_client()
    shown = client.get(f"/respond/interviews/{hers}/")
    assert shown.status_code == 200 and RESPONDENT_NOTES in text_of(shown)
    assert client.get(f"/respond/interviews/{mine}/").status_code == 404
    response = client.post(f"/respond/interviews/{hers}/", {"text": "I said it once."})
    assert response.status_code == 302
    assert "I said it once." in text_of(client.get(f"/respond/interviews/{hers}/"))


def test_complainant_pages_need_her_access(world: World) -> None:
    world.disclose()
    world.interview("complainant")
    for path in ("/my-report/interviews/1/", "/my-report/draft-report/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"] == "/return/"


# The draft report and the findings ----------------------------------------------------------------


def test_the_draft_page_explains_what_is_missing(world: World) -> None:
    client = world.client_of(world.cast.investigator)
    page = text_of(client.get(world.page("draft-report/")))
    assert "Disclose the allegations" in page and 'name="summary"' not in page
    world.disclose()
    page = text_of(client.get(world.page("draft-report/")))
    assert "draft report cannot be shared until" in page


def test_the_investigator_shares_a_draft(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    client = world.client_of(world.cast.investigator)
    page = world.page("draft-report/")
    shown = text_of(client.get(page))
    assert "balance of probabilities" in shown and html(ALLEGATIONS[0]) in shown
    missing = client.post(page, report_data(world.case.version, outcome_2="", reasons_1=""))
    assert missing.status_code == 400
    errors = text_of(missing)
    assert "Choose a finding on allegation 2" in errors
    assert "Give the reasons for the finding on allegation 1" in errors
    assert "The messages were deleted." in errors
    response = client.post(page, report_data(world.case.version))
    assert response.status_code == 302
    again = text_of(client.get(page))
    assert "Draft 1" in again and "Share a revised draft" in again
    assert "Two witnesses agree on what was said." in again  # the form starts from draft 1


def test_the_parties_read_and_comment_on_the_draft(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    assert world.complainant_client().get("/my-report/draft-report/").status_code == 404
    world.share_draft()
    for client, path in (
        (world.complainant_client(), "/my-report/draft-report/"),
        (world.respondent_client(), "/respond/draft-report/"),
    ):
        shown = text_of(client.get(path))
        assert "balance of probabilities" in shown and "Upheld" in shown
        response = client.post(path, {"draft": "1", "text": f"Comment via {path}"})
        assert response.status_code == 302
        assert f"Comment via {path}" in text_of(client.get(path))
    complainant_page = text_of(world.complainant_client().get("/my-report/draft-report/"))
    assert "Comment via /respond/draft-report/" not in complainant_page


def test_a_comment_on_a_superseded_draft_keeps_the_text(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    world.share_draft()
    client = world.complainant_client()
    client.get("/my-report/draft-report/")
    world.share_draft(outcome="not_upheld")
    before = events_of(world.case)
    response = client.post("/my-report/draft-report/", {"draft": "1", "text": "Typed for one."})
    assert response.status_code == 400
    page = text_of(response)
    assert "A newer draft was shared" in page and "Typed for one." in page
    assert 'name="draft" value="2"' in page
    assert events_of(world.case) == before


def test_findings_refused_before_the_respondent_is_heard_change_nothing(world: World) -> None:
    world.disclose()
    client = world.client_of(world.cast.investigator)
    page = world.page("findings/")
    shown = text_of(client.get(page))
    assert html(RESPONDENT_HEARD.refusal) in shown
    before = events_of(world.case)
    response = client.post(page, report_data(world.case.version))
    assert response.status_code == 400
    refused = text_of(response)
    assert html(RESPONDENT_HEARD.refusal) in refused
    assert "Two witnesses agree on what was said." in refused
    assert events_of(world.case) == before and world.case.stage == Stage.INVESTIGATION


def test_the_investigator_records_the_findings(world: World) -> None:
    world.ready_for_findings()
    client = world.client_of(world.cast.investigator)
    page = world.page("findings/")
    shown = text_of(client.get(page))
    assert "Reasons on allegation 1." in shown  # started from the latest draft
    response = client.post(page, report_data(world.case.version))
    assert response.status_code == 302
    assert world.case.stage == Stage.FINDINGS
    final = text_of(client.get(page))
    assert "The findings are final" in final and "Insufficient evidence" in final
    for party, path in (
        (world.complainant_client(), "/my-report/draft-report/"),
        (world.respondent_client(), "/respond/draft-report/"),
    ):
        read = text_of(party.get(path))
        assert "These findings are final" in read and 'name="text"' not in read


def test_a_stale_form_gets_409_and_keeps_the_text(world: World) -> None:
    world.disclose()
    client = world.client_of(world.cast.investigator)
    stale = world.case.version
    world.interview("complainant")
    response = client.post(
        world.page("interviews/record/"),
        {
            "version": stale,
            "interviewee": "complainant",
            **date_boxes("held_on", timezone.now().date()),
            "notes": "Second interview notes.",
        },
    )
    assert response.status_code == 409 and "Second interview notes." in text_of(response)


# Links on the shared pages --------------------------------------------------------------------


def test_the_case_page_offers_the_investigation_links(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    page = text_of(world.client_of(world.cast.investigator).get(world.page("")))
    for part in ("interviews/record/", "interviews/declined/", "draft-report/", "measures/"):
        assert world.page(part) in page
    world.share_draft()
    world.propose()
    page = text_of(world.client_of(world.cast.investigator).get(world.page("")))
    assert world.page("findings/") in page
    manager = text_of(world.client_of(world.cast.case_manager).get(world.page("")))
    assert world.page("measures/1/approve/") in manager


def test_the_respondent_case_page_offers_her_links(world: World) -> None:
    world.disclose()
    hers = world.interview("respondent")
    world.share_draft()
    world.approved_measure()
    interview_comment(participant=world.respondent(), interview=hers, text="Checked.")
    page = text_of(world.respondent_client().get("/respond/case/"))
    for path in (f"/respond/interviews/{hers}/", "/respond/draft-report/", "/respond/measures/"):
        assert path in page
