"""Safe on a shared device: no cookie outlives the browser, help and the safety advice are
one link away from every complainant page, and the small things a browser asks for."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.test import Client

from ombuds.intake.services import Submission
from ombuds.people.models import Organisation
from tests.conftest import sign_in_with_receipt, walk_report
from tests.web.test_complainant_pages import answers, send_report

pytestmark = pytest.mark.django_db


def _lasting(cookies: SimpleCookie) -> list[str]:
    """Cookies that would outlive the browser (a deletion has max-age 0: not lasting)."""
    return [
        name
        for name, cookie in cookies.items()
        if (cookie["max-age"] and cookie["max-age"] != 0 and str(cookie["max-age"]) != "0")
        or (cookie["expires"] and "1970" not in cookie["expires"])
    ]


def test_no_cookie_outlives_the_browser_through_a_whole_report(organisation: Organisation) -> None:
    client = Client()
    responses = [client.get(path) for path in ("/", "/report/", "/help/", "/cy/")]
    responses.append(walk_report(client, answers(organisation)))
    responses.append(send_report(client, answers(organisation)))
    responses += [client.get(path) for path in ("/report/sent/", "/my-report/")]
    responses.append(client.post("/sign-out/"))
    for response in responses:
        assert _lasting(response.cookies) == [], response.request["PATH_INFO"]


def test_help_and_safety_advice_from_every_complainant_page(
    client: Client, anonymous_report: Submission
) -> None:
    public = [client.get(p) for p in ("/", "/report/", "/return/", "/help/", "/staying-safe/")]
    for response in public:
        page = response.content.decode()
        assert response.status_code == 200
        assert 'href="/help/"' in page and 'href="/staying-safe/"' in page
        assert 'href="https://www.bbc.co.uk/weather"' in page and "Exit this page" in page
    help_page = public[3].content.decode()
    for name in ("Rape Crisis", "999", "101", "GP", "Acas", "Samaritans", "Live Fear Free"):
        assert name in help_page
    welsh = Client().get("/cy/help/").content.decode()
    assert "Byw Heb Ofn" in welsh and 'href="/cy/staying-safe/"' in welsh


def test_signing_out_a_complainant_offers_her_way_back(
    client: Client, anonymous_report: Submission
) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    page = client.post("/sign-out/").content.decode()
    assert "Return to your report with your seven words" in page
    assert "the key that opened your report" in page and "Sign in again" not in page


def test_the_favicon_answers() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
