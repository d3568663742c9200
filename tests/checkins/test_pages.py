"""The check-in pages through Django's test client: the advocate's case page and her
"Record a check-in"; the complainant's status page with the question, her answer (with
the GOV.UK error summary and nothing typed lost), the linked case, and "no more
check-ins"; and the wrong people refused."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.read_models import case_state
from ombuds.intake.services import Submission
from ombuds.people.models import User
from ombuds.record.roles import Role
from tests.checkins.conftest import FIRST_DUE
from tests.conftest import Cast, sign_in, sign_in_with_receipt

pytestmark = pytest.mark.django_db
QUESTION = "Has anything happened since that you want to tell us about?"


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _record(client: Client, cast: Cast, case: Case, message: str = "") -> None:
    sign_in(client, cast.advocate.username)
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        f"/cases/{case.reference}/check-in/", {"version": version, "message": message}
    )
    assert response.status_code == 302, response.content[:800]


def test_the_advocate_sees_and_records_a_due_checkin(
    client: Client, cast: Cast, closed: Submission
) -> None:
    ref = closed.case.reference
    with time_machine.travel(FIRST_DUE - timedelta(days=2), tick=False):
        sign_in(client, cast.advocate.username)
        page = _text(client.get(f"/cases/{ref}/"))
        assert "Check-ins after closure" in page and "Owed by the advocate" in page
        assert "Record a check-in" in page and f"/cases/{ref}/check-in/" in page
        # Her workload list shows it as due soon.
        listing = _text(client.get("/cases/?due=soon"))
        assert ref in listing and "Due soon" in listing
        # ...and names the deadline: a date alone does not say it is a check-in.
        assert "First check-in with the complainant after closure:" in listing
        form = client.get(f"/cases/{ref}/check-in/")
        assert form.status_code == 200 and "Check-in 1 after closure is due on" in _text(form)
        too_long = client.post(
            f"/cases/{ref}/check-in/",
            {"version": Case.objects.get(pk=closed.case.pk).version, "message": "x" * 2001},
        )
        assert too_long.status_code == 400 and "error-summary" in _text(too_long)
        _record(client, cast, closed.case, "Thinking of you.")
        page = _text(client.get(f"/cases/{ref}/"))
        assert "Checked in; waiting for the complainant's answer" in page


def test_the_record_page_is_the_advocates_alone(
    client: Client, cast: Cast, closed: Submission, make_person: object
) -> None:
    ref = closed.case.reference
    with time_machine.travel(FIRST_DUE, tick=False):
        sign_in(client, cast.case_manager.username)
        assert client.get(f"/cases/{ref}/check-in/").status_code == 403
        other: User = make_person(Role.ADVOCATE)  # type: ignore[operator]
        client.logout()
        sign_in(client, other.username)
        assert client.get(f"/cases/{ref}/check-in/").status_code == 404
        assert client.post(f"/cases/{ref}/check-in/", {"version": 1}).status_code == 404
    assert not case_state(closed.case.id).checkins[0].recorded


def test_she_answers_on_her_status_page_nothing_lost_on_error(
    client: Client, cast: Cast, closed: Submission
) -> None:
    assert closed.receipt is not None
    with time_machine.travel(FIRST_DUE, tick=False):
        _record(client, cast, closed.case, "Thinking of you.")
        her = Client()
        sign_in_with_receipt(her, closed.receipt)
        page = _text(her.get("/my-report/"))
        assert QUESTION in page and "Thinking of you." in page
        # "Something" with no account: the error summary links to the field.
        bad = her.post("/my-report/check-in/", {"checkin": 1, "happened": "something"})
        assert bad.status_code == 400
        text = _text(bad)
        assert 'href="#id_account"' in text and "Tell us what has happened" in text
        nothing = her.post("/my-report/check-in/", {"checkin": 1})
        assert 'href="#id_happened_0"' in _text(nothing)
        # Too long: everything she typed comes back.
        typed = "He has stopped speaking to me. " * 700
        kept = her.post(
            "/my-report/check-in/", {"checkin": 1, "happened": "something", "account": typed}
        )
        assert kept.status_code == 400 and typed.strip() in _text(kept)
        assert Case.objects.count() == 1
        done = her.post("/my-report/check-in/", {"checkin": 1, "happened": "nothing"})
        assert done.status_code == 302 and done["Location"] == "/my-report/"
        page = _text(her.get("/my-report/"))
        assert "Your answer has been recorded" in page and QUESTION not in page
        assert her.get("/my-report/check-in/")["Location"] == "/my-report/"


def test_something_opens_a_linked_case_she_reaches_with_her_receipt(
    client: Client, cast: Cast, closed: Submission
) -> None:
    assert closed.receipt is not None
    with time_machine.travel(FIRST_DUE, tick=False):
        _record(client, cast, closed.case)
        her = Client()
        sign_in_with_receipt(her, closed.receipt)
        account = "My desk was moved next to his office the week after."
        done = her.post(
            "/my-report/check-in/", {"checkin": 1, "happened": "something", "account": account}
        )
        assert done.status_code == 302
        new = Case.objects.exclude(pk=closed.case.pk).get()
        page = _text(her.get("/my-report/"))
        assert new.reference in page and "Go to case" in page
        # The same receipt reaches the new case from the old one's page.
        moved = her.post("/my-report/linked/", {"reference": new.reference})
        assert moved.status_code == 302
        page = _text(her.get("/my-report/"))
        assert new.reference in page and account in page
        assert closed.case.reference in page  # and back
        # A case not linked to hers: 404.
        assert her.post("/my-report/linked/", {"reference": "OMB-0000-0000"}).status_code == 404
        # Her advocate sees both references on the new case.
        client.logout()
        sign_in(client, cast.advocate.username)
        page = _text(client.get(f"/cases/{new.reference}/"))
        assert closed.case.reference in page and account in page


def test_she_says_she_has_left(client: Client, cast: Cast, closed: Submission) -> None:
    assert closed.receipt is not None
    with time_machine.travel(FIRST_DUE - timedelta(days=20), tick=False):
        sign_in_with_receipt(client, closed.receipt)
        assert "I have left the organisation, or I do not want check-ins" in _text(
            client.get("/my-report/")
        )
        assert client.get("/my-report/check-ins/stop/").status_code == 200
        bad = client.post("/my-report/check-ins/stop/", {})
        assert bad.status_code == 400 and 'href="#id_why_0"' in _text(bad)
        done = client.post("/my-report/check-ins/stop/", {"why": "left"})
        assert done.status_code == 302
        assert all(c.cancelled for c in case_state(closed.case.id).checkins)
        page = _text(client.get("/my-report/"))
        assert "will not check in with you any more" in page
        assert "I do not want check-ins" not in page


def test_the_pages_in_welsh(client: Client, cast: Cast, closed: Submission) -> None:
    assert closed.receipt is not None
    with time_machine.travel(FIRST_DUE, tick=False):
        _record(client, cast, closed.case)
        her = Client()
        sign_in_with_receipt(her, closed.receipt)
        page = _text(her.get("/cy/my-report/"))
        assert QUESTION not in page and "Oes unrhyw beth wedi digwydd" in page
