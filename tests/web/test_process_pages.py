"""Pages of the independent process: parties, routing, referral, risk, safeguarding,
withdrawal requests, recusal, declared interests, and the complainant's own choices."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.test import Client

from ombuds.cases import services as case_services
from ombuds.cases.models import Assignment, Case
from ombuds.cases.read_models import case_state
from ombuds.intake.services import Submission
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.people.models import Declaration, User
from ombuds.people.services import person_unlock_key
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.conftest import PASSWORD, Cast, sign_in, sign_in_with_receipt


def signed_in(person: User) -> Client:
    client = Client()
    sign_in(client, person.username)
    return client


def url(case: Case, page: str = "") -> str:
    return f"/cases/{case.reference}/{page}/" if page else f"/cases/{case.reference}/"


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def events(case: Case) -> int:
    return Event.objects.filter(stream=case_stream(case.id)).count()


@pytest.fixture
def assessed(anonymous_report: Submission, cast: Cast) -> Case:
    cm = cast.case_manager
    key = person_unlock_key(person=cm, password=PASSWORD)
    case = case_services.case_acknowledge(actor=cm, case=anonymous_report.case)
    return case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="low", notes=""
    )


CM_PAGES = ("parties", "route", "risk", "refer", "withdrawal")


@pytest.mark.parametrize("page", CM_PAGES)
def test_case_manager_pages_open_and_are_hidden_from_others(
    assessed: Case, cast: Cast, outsider: User, page: str
) -> None:
    assert signed_in(cast.case_manager).get(url(assessed, page)).status_code == 200
    assert signed_in(outsider).get(url(assessed, page)).status_code == 404
    assert signed_in(cast.advocate).get(url(assessed, page)).status_code == 403
    assert signed_in(cast.liaison).get(url(assessed, page)).status_code == 403
    assert Client().get(url(assessed, page)).status_code == 302


def test_recording_parties_through_the_page(assessed: Case, cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    before = events(assessed)
    response = client.post(
        url(assessed, "parties"), {"version": fresh(assessed).version, "respondent_units": "HQ"}
    )
    assert response.status_code == 400
    assert b"Enter the name of the person" in response.content
    assert b'value="HQ"' in response.content  # what was typed is kept
    assert events(assessed) == before
    response = client.post(
        url(assessed, "parties"),
        {"version": fresh(assessed).version, "respondent_name": "A. Councillor"},
    )
    assert response.status_code == 302
    assert "The parties are recorded" in client.get(url(assessed)).content.decode()


def test_routing_refusal_is_explained_and_changes_nothing(assessed: Case, cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    before = events(assessed)
    response = client.post(
        url(assessed, "route"), {"version": fresh(assessed).version, "to": "investigation"}
    )
    assert response.status_code == 400
    assert b"investigator has been assigned" in response.content
    assert events(assessed) == before and fresh(assessed).stage == Stage.ASSESSED


def test_route_to_investigation(assessed: Case, cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    client.post(url(assessed, "allocate/investigator"), {"version": fresh(assessed).version})
    response = client.post(
        url(assessed, "route"), {"version": fresh(assessed).version, "to": "investigation"}
    )
    assert response.status_code == 302
    assert fresh(assessed).stage == Stage.INVESTIGATION


def test_risk_overrides_and_referral_without_consent(assessed: Case, cast: Cast) -> None:
    cm = signed_in(cast.case_manager)
    page = cm.get(url(assessed))
    assert url(assessed, "safeguarding").encode() not in page.content
    cm.post(url(assessed, "risk"), {"version": fresh(assessed).version, "details": "Others."})
    cm.post(url(assessed, "safeguarding"), {"version": fresh(assessed).version, "reason": "One."})
    refused = cm.post(url(assessed, "refer"), {"version": fresh(assessed).version, "reason": "x"})
    assert refused.status_code == 400 and b"two different people" in refused.content
    advocate = signed_in(cast.advocate)
    assert url(assessed, "safeguarding").encode() in advocate.get(url(assessed)).content
    advocate.post(
        url(assessed, "safeguarding"), {"version": fresh(assessed).version, "reason": "Two."}
    )
    response = cm.post(url(assessed, "refer"), {"version": fresh(assessed).version, "reason": "x"})
    assert response.status_code == 302
    assert fresh(assessed).stage == Stage.REFERRED


def test_recusal_takes_the_handler_off_and_replaces_her(
    assessed: Case, cast: Cast, make_person: Callable[..., User]
) -> None:
    spare = make_person(Role.ADVOCATE, "spare")
    client = signed_in(cast.advocate)
    missing = client.post(url(assessed, "recuse"), {"version": fresh(assessed).version})
    assert missing.status_code == 400
    response = client.post(
        url(assessed, "recuse"),
        {"version": fresh(assessed).version, "reason": "I know him."},
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert b"You have stepped off the case" in client.get("/cases/").content
    assert client.get(url(assessed)).status_code == 404
    assert Assignment.objects.get(case=assessed, role=Role.ADVOCATE).person == spare


def test_declaring_interests(cast: Cast) -> None:
    client = signed_in(cast.investigator)
    assert client.get("/account/interests/").status_code == 200
    response = client.post(
        "/account/interests/", {"unit": "Brighton branch\nHove", "person": "John Smith"}
    )
    assert response.status_code == 302
    page = client.get("/account/interests/").content.decode()
    assert "version 1" in page and "Hove" in page and "John Smith" in page
    assert Declaration.objects.get(person=cast.investigator).tokens
    assert "John Smith" not in str(Declaration.objects.get(person=cast.investigator).tokens)
    assert signed_in(cast.liaison).get("/account/interests/").status_code == 403


def test_complainant_choices_and_a_different_advocate(
    assessed: Case,
    cast: Cast,
    anonymous_report: Submission,
    make_person: Callable[..., User],
) -> None:
    make_person(Role.ADVOCATE, "second")
    assert anonymous_report.receipt
    client = Client()
    sign_in_with_receipt(client, anonymous_report.receipt)
    status = client.get("/my-report/").content.decode()
    assert "/my-report/choices/informal/" in status and "/my-report/advocate/" in status
    assert client.get("/my-report/choices/informal/").status_code == 200
    assert client.post("/my-report/choices/informal/").status_code == 302
    assert case_state(assessed.id).facts.complainant_agrees_informal
    assert "/my-report/choices/informal/" not in client.get("/my-report/").content.decode()
    # Consent to referral, and taking it back: each offered in turn, in Welsh too.
    assert client.post("/my-report/choices/referral/").status_code == 302
    status = client.get("/cy/my-report/").content.decode()
    assert "/cy/my-report/choices/no_referral/" in status
    assert "Tynnu eich cydsyniad i atgyfeirio at yr heddlu yn ôl" in html.unescape(status)
    assert client.post("/my-report/choices/no_referral/").status_code == 302
    assert not case_state(assessed.id).facts.complainant_consents_to_referral
    again = client.post("/my-report/choices/no_referral/")
    assert again.status_code == 400 and b"You have not consented" in again.content
    assert "/my-report/choices/referral/" in client.get("/my-report/").content.decode()
    assert client.get("/my-report/choices/nonsense/").status_code == 404
    assert client.post("/my-report/advocate/").status_code == 302
    again = client.post("/my-report/advocate/")
    assert again.status_code == 400 and b"already changed" in again.content
    assert Assignment.objects.get(case=assessed, role=Role.ADVOCATE).person != cast.advocate
    # Staff sessions and no session are sent to the receipt page.
    assert Client().get("/my-report/advocate/").status_code == 302
    assert signed_in(cast.case_manager).get("/my-report/choices/referral/").status_code == 302


def test_withdrawal_with_a_risk_is_a_request(
    assessed: Case, cast: Cast, anonymous_report: Submission
) -> None:
    cm = signed_in(cast.case_manager)
    cm.post(url(assessed, "risk"), {"version": fresh(assessed).version, "details": "Others."})
    assert anonymous_report.receipt
    her = Client()
    sign_in_with_receipt(her, anonymous_report.receipt)
    assert her.post("/my-report/withdraw/", {"reason": ""}).status_code == 302
    assert "You asked to withdraw" in her.get("/my-report/").content.decode()
    assert fresh(assessed).stage == Stage.ASSESSED
    assert url(assessed, "withdrawal").encode() in cm.get(url(assessed)).content
    response = cm.post(
        url(assessed, "withdrawal"),
        {"version": fresh(assessed).version, "decision": "continue", "reason": "Risk remains."},
    )
    assert response.status_code == 302
    assert fresh(assessed).stage == Stage.ASSESSED
    assert "the case must continue" in her.get("/my-report/").content.decode()


def test_the_case_file_never_shows_private_thread_content(
    anonymous_report: Submission, cast: Cast
) -> None:
    from ombuds.cases.participants import complainant_participant
    from ombuds.messaging.services import message_send

    message_send(
        participant=complainant_participant(anonymous_report.access),
        thread="complainant-advocate",
        text="PRIVATE-TO-MY-ADVOCATE",
    )
    page = signed_in(cast.case_manager).get(url(anonymous_report.case)).content.decode()
    assert "A message was sent in a private thread" in page
    assert "PRIVATE-TO-MY-ADVOCATE" not in page
