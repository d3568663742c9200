"""The complainant's pages, through the Django test client: report, check answers,
confirmation shown once, return with a receipt, her own case, and the guards."""

from __future__ import annotations

import html
import json
import re
import secrets
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.read_models import case_state
from ombuds.intake import report_views
from ombuds.intake.services import Submission
from ombuds.ledger import merkle
from ombuds.ledger.checkpoints import checkpoint_signature_valid
from ombuds.lib.errors import InvalidInput
from ombuds.people.models import Organisation
from tests.conftest import (
    PASSWORD,
    Cast,
    answer_page,
    sign_in,
    sign_in_with_receipt,
    walk_report,
)

GENERIC = "We could not find a report with those words. Check them and try again."
COMPLAINANT_PAGES = ["/my-report/", "/my-report/add/", "/my-report/withdraw/", "/my-report/proof/"]


def answers(organisation: Organisation, /, **changes: str) -> dict[str, str]:
    data = {
        "organisation": organisation.slug,
        "what_happened": "He cornered me at the conference drinks and\r\ntouched me.",
        "when": "March 2026",
        "where": "The party conference hotel",
        "people_involved": "The regional organiser",
        "witnesses": "A volunteer saw it",
        "outcome_wanted": "I want it investigated.",
        "anonymous": "yes",
        "your_name": "",
        "contact": "",
    }
    data.update(changes)
    return data


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def receipt_on(page: str) -> str | None:
    match = re.search(r'<p class="receipt" lang="en">([^<]+)</p>', page)
    return match.group(1) if match else None


def error_links(page: str) -> set[str]:
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return set(re.findall(r'href="#([^"]+)"', summary))


def send_report(client: Client, data: dict[str, str]) -> Any:
    """Post the send form as the check-answers page gives it (with its one-time token)."""
    return client.post("/report/send/", {"send_token": secrets.token_hex(16), **data})


def database_holds(text: str) -> list[str]:
    """Every table.column whose text (whatever its type) contains `text`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                q_table = connection.ops.quote_name(table)
                q_column = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {q_table} "  # noqa: S608 (names from introspection)
                    f"WHERE CAST({q_column} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


# --- Home ------------------------------------------------------------------------------


def test_home_explains_and_links(client: Client, db: None) -> None:
    page = text_of(client.get("/"))
    assert page.count("<h1") == 1
    assert "independent" in page and "anonymous" in page and "advocate" in page
    assert 'href="/report/"' in page and "Report something that happened" in page
    assert 'href="/return/"' in page and "Return to a report you have made" in page
    assert 'href="/sign-in/"' in page and "Staff: sign in" in page


# --- Reporting -------------------------------------------------------------------------


def test_anonymous_report_from_form_to_confirmation_shown_once(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    form = text_of(client.get("/report/"))
    assert "Report something that happened" in form and "Do you want to stay anonymous?" in form
    assert 'type="password"' not in form  # passwords are asked on the check page

    data = answers(organisation)
    check = walk_report(client, data)
    page = text_of(check)
    assert check.status_code == 200
    assert "Check your answers" in page and "Send report" in page
    assert "The regional organiser" in page and "Demo Party" in page
    assert 'type="password"' not in page  # anonymous: nothing to choose
    assert 'name="change"' in page

    sent = send_report(client, data)
    assert sent.status_code == 302 and sent["Location"] == "/report/sent/"
    cookie = sent.cookies[report_views.RECEIPT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert not cookie["max-age"] and not cookie["expires"], "gone when the browser closes"

    first = text_of(client.get("/report/sent/"))
    receipt = receipt_on(first)
    assert receipt and len(receipt.split()) == 7
    assert "Report received" in first and "OMB-" in first
    assert "Write these seven words down or keep them somewhere safe." in first
    assert "the person you are reporting could find them" in first
    assert re.search(r"Recorded in checkpoint \d+ of the ledger \(root <code>[0-9a-f]{16}<", first)
    assert "(UK time)" in first and cast.advocate.display_name in first
    assert 'href="/my-report/"' in first

    second = text_of(client.get("/report/sent/"))
    assert "Report received" in second
    assert receipt not in second and receipt_on(second) is None
    assert not database_holds(receipt)

    # And the words work: a fresh browser returns with them.
    other = Client()
    sign_in_with_receipt(other, receipt)
    assert "The regional organiser" in text_of(other.get("/my-report/"))


def test_receipt_and_account_never_reach_the_database_in_the_clear(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation, what_happened="Canary-7f3a: he followed me home.")
    send_report(client, data)
    # Before the confirmation page is seen (receipt held only wrapped in the session)...
    assert not database_holds("Canary-7f3a")
    receipt = receipt_on(text_of(client.get("/report/sent/")))
    assert receipt
    # ...and after. (The search does find what is stored in the clear.)
    assert database_holds(Case.objects.get().reference)
    for needle in (receipt, receipt.replace(" ", "-"), "Canary-7f3a", "regional organiser"):
        assert database_holds(needle) == [], needle


def test_change_button_puts_the_answers_back_in_their_page_then_returns_to_check(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation)
    page = text_of(client.post("/report/", {**data, "change": "organisation"}))
    assert "Where it happened" in page and "Check your answers" not in page
    assert 'value="The party conference hotel"' in page
    assert re.search(rf'value="{organisation.slug}"[^>]*selected', page)
    assert 'name="checking" value="1"' in page
    assert "error-summary" not in page

    check = text_of(answer_page(client, page, {**data, "where": "The hotel bar"}))
    assert "Check your answers" in check  # straight back, not through the later pages
    assert "The hotel bar" in check and "The party conference hotel" not in check
    assert "He cornered me at the conference drinks and" in check


def test_identified_report_asks_for_password_on_the_check_page(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation, anonymous="no", your_name="Sam Example", contact="sam@example.org")
    check = text_of(walk_report(client, data))
    assert "Check your answers" in check and "Sam Example" in check
    assert 'name="password"' in check and 'name="password_confirm"' in check
    assert PASSWORD not in check

    sent = send_report(client, {**data, "password": PASSWORD, "password_confirm": PASSWORD})
    assert sent.status_code == 302
    page = text_of(client.get("/report/sent/"))
    name = re.search(r"Your sign-in name is <strong[^>]*>(c-[a-z0-9]+)<", page)
    assert name, page
    assert receipt_on(page) is None
    assert name.group(1) not in text_of(client.get("/report/sent/"))
    assert "Sam Example" in text_of(client.get("/my-report/"))
    assert not database_holds("Sam Example")

    other = Client()
    sign_in(other, name.group(1))
    assert "Sam Example" in text_of(other.get("/my-report/"))


@pytest.mark.parametrize(
    ("missing", "link", "message", "kept"),
    [
        ("anonymous", "id_anonymous_0", "Select whether you want to stay anonymous", ""),
        (
            "organisation",
            "id_organisation",
            "Select the organisation your report is about",
            'value="The party conference hotel"',
        ),
        ("what_happened", "id_what_happened", "Tell us what happened", ""),
        (
            "people_involved",
            "id_people_involved",
            "Tell us who was involved",
            'value="Councillor Grey"',
        ),
    ],
)
def test_a_missing_answer_is_shown_on_its_page_linked_with_everything_kept(
    client: Client,
    cast: Cast,
    organisation: Organisation,
    missing: str,
    link: str,
    message: str,
    kept: str,
) -> None:
    data = answers(organisation, respondent_name="Councillor Grey", **{missing: ""})
    response = walk_report(client, data)
    page = text_of(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert error_links(page) == {link} and message in page
    assert f'id="{link}"' in page and "<title>Error:" in page
    assert kept in page  # what she typed on the page is still there
    assert "Check your answers" not in page
    # The answers of the pages before are carried forward, not lost.
    order = ["anonymous", "organisation", "what_happened", "people_involved"]
    for earlier in order[: order.index(missing)]:
        assert f'name="{earlier}" value="{data[earlier].splitlines()[0]}' in page


def test_identified_without_a_name_is_asked_for_it(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    page = text_of(walk_report(client, answers(organisation, anonymous="no")))
    assert error_links(page) == {"id_your_name"}
    assert "Enter your name, or choose to stay anonymous" in page
    assert 'name="anonymous" value="no"' in page  # carried from the first page


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("", "", "id_password", "Enter a password"),
        ("short", "short", "id_password", "at least 12 characters"),
        (PASSWORD, PASSWORD + "x", "id_password_confirm", "The passwords do not match"),
    ],
)
def test_identified_password_problems_are_shown_on_the_check_page(
    client: Client,
    cast: Cast,
    organisation: Organisation,
    password: str,
    confirm: str,
    field: str,
    message: str,
) -> None:
    data = answers(organisation, anonymous="no", your_name="Sam Example")
    response = send_report(client, {**data, "password": password, "password_confirm": confirm})
    page = text_of(response)
    assert response.status_code == 200
    assert "Check your answers" in page and "Sam Example" in page
    assert field in error_links(page) and message in page
    if password:
        assert password not in page  # passwords are never written back into the page


def test_a_refusal_from_the_service_shows_the_check_page_with_everything_kept(
    client: Client, cast: Cast, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_: Any) -> Submission:
        raise InvalidInput("The answer to 'where' is too long.")

    monkeypatch.setattr(report_views, "report_submit", refuse)
    page = text_of(send_report(client, answers(organisation)))
    assert "There is a problem" in page and "The answer to 'where' is too long." in page
    assert 'value="The party conference hotel"' in page
    assert 'action="/report/send/"' in page  # she can send again from here
    assert client.get("/my-report/").status_code == 302  # nobody was signed in


def test_the_sent_page_needs_a_complainant(client: Client, db: None) -> None:
    assert client.get("/report/sent/")["Location"] == "/return/"
    assert client.get("/report/send/").status_code == 405


# --- Coming back -----------------------------------------------------------------------


def test_return_with_receipt_shows_her_report(
    client: Client, anonymous_report: Submission, cast: Cast
) -> None:
    page = text_of(client.get("/return/"))
    assert "Return to your report" in page and "Spaces or hyphens" in page
    assert 'href="/sign-in/"' in page and "Sign in with your password" in page
    assert anonymous_report.receipt
    response = client.post("/return/", {"receipt": anonymous_report.receipt.replace(" ", "-")})
    assert response.status_code == 302 and response["Location"] == "/my-report/"

    page = text_of(client.get("/my-report/"))
    assert anonymous_report.case.reference in page
    assert "We have received your report" in page  # the stage, in plain words
    assert cast.advocate.display_name in page
    assert "You sent your report" in page
    assert page.index("You sent your report") < page.index("was named as your advocate")
    assert "He made comments about my body" in page  # what she told us
    for link in COMPLAINANT_PAGES[1:]:
        assert f'href="{link}"' in page


def test_unknown_and_malformed_receipts_get_the_same_answer(
    client: Client, anonymous_report: Submission
) -> None:
    assert anonymous_report.receipt
    words = anonymous_report.receipt.split()
    unknown = " ".join(reversed(words))
    pages = []
    for attempt in (unknown, "not a receipt at all", "zzz " * 7):
        response = client.post("/return/", {"receipt": attempt})
        assert response.status_code == 200
        page = text_of(response)
        assert GENERIC in page and 'href="#id_receipt"' in page
        pages.append(re.sub(r'value="[^"]*"', "", page))
    assert pages[0] == pages[1] == pages[2]


def test_empty_receipt_is_asked_for(client: Client, db: None) -> None:
    page = text_of(client.post("/return/", {"receipt": "  "}))
    assert error_links(page) == {"id_receipt"} and "Enter the seven words" in page


def test_the_throttle_stores_no_address(client: Client, db: None) -> None:
    client.post("/return/", {"receipt": "apple banana cherry"}, REMOTE_ADDR="203.0.113.7")
    assert database_holds("203.0.113.7") == []


# --- Her own case ----------------------------------------------------------------------


def test_add_information(client: Client, anonymous_report: Submission) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    assert "Add information to your report" in text_of(client.get("/my-report/add/"))

    refused = client.post("/my-report/add/", {"text": "   "})
    assert refused.status_code == 400 and error_links(text_of(refused)) == {"id_text"}

    response = client.post("/my-report/add/", {"text": "He messaged me again on Friday."})
    assert response.status_code == 302 and response["Location"] == "/my-report/"
    page = text_of(client.get("/my-report/"))
    assert "You added information" in page and "He messaged me again on Friday." in page
    assert page.index("You sent your report") < page.index("You added information")


def test_withdraw(client: Client, anonymous_report: Submission) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    page = text_of(client.get("/my-report/withdraw/"))
    assert "This cannot be undone" in page and "your advocate can still support you" in page
    assert 'class="button button--warning"' in page and "Withdraw my complaint" in page

    response = client.post("/my-report/withdraw/", {"reason": "I have left the party."})
    assert response.status_code == 302 and response["Location"] == "/my-report/"
    page = text_of(client.get("/my-report/"))
    assert "You withdrew your complaint" in page
    assert 'href="/my-report/withdraw/"' not in page and 'href="/my-report/add/"' not in page
    assert client.post("/my-report/withdraw/", {"reason": ""}).status_code == 400


def test_proof_of_receipt_download_verifies(client: Client, anonymous_report: Submission) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    response = client.get("/my-report/proof/")
    reference = anonymous_report.case.reference
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ombuds-proof-of-receipt-{reference}.json"'
    )
    proof = json.loads(response.content)
    checkpoint = proof["checkpoint"]
    assert proof["case_reference"] == reference
    assert checkpoint_signature_valid(checkpoint)
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["event"]["leaf_hash"]),
        proof["event"]["index"],
        checkpoint["size"],
        [bytes.fromhex(h) for h in proof["inclusion_proof"]],
        bytes.fromhex(checkpoint["root"]),
    )


# --- Guards ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", COMPLAINANT_PAGES)
def test_no_complainant_access_goes_to_the_return_page(client: Client, db: None, path: str) -> None:
    for response in (client.get(path), client.post(path, {"text": "x", "reason": "x"})):
        assert response.status_code in {302, 405}
        if response.status_code == 302:
            assert response["Location"] == "/return/"
    assert "your session has ended" in text_of(client.get("/return/"))
    assert "your session has ended" not in text_of(client.get("/return/"))


@pytest.mark.parametrize("path", COMPLAINANT_PAGES)
def test_staff_are_sent_to_the_return_page(
    client: Client, cast: Cast, anonymous_report: Submission, path: str
) -> None:
    sign_in(client, cast.advocate.username)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/return/"


def test_a_lost_key_cookie_ends_the_complainant_session(
    client: Client, anonymous_report: Submission
) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    client.cookies.pop("ombuds_key")
    assert client.get("/my-report/")["Location"] == "/return/"


def test_pages_carry_no_inline_script_or_style(
    client: Client, anonymous_report: Submission, organisation: Organisation
) -> None:
    pages = [
        client.get("/"),
        client.get("/report/"),
        walk_report(client, answers(organisation)),
    ]
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    pages += [client.get(p) for p in COMPLAINANT_PAGES[:3]] + [client.get("/return/")]
    for response in pages:
        page = response.content.decode()
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.DOTALL)
        assert set(scripts) == {""}, "only our external scripts, nothing inline"
        assert '<script src="/static/js/exit-this-page.js" defer>' in page
        assert "style=" not in page and "<style" not in page
        assert page.count("<h1") == 1


@pytest.mark.parametrize(
    "path", ["/report/", "/report/send/", "/return/", "/my-report/add/", "/my-report/withdraw/"]
)
def test_posted_case_content_is_hidden_from_error_reports(
    client: Client, anonymous_report: Submission, path: str
) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    response = client.post(path, {"text": ""})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"  # type: ignore[attr-defined]


def test_naming_the_person_and_places_reaches_the_case_but_only_as_fingerprints_in_the_clear(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(
        organisation,
        respondent_name="Councillor Grey",
        respondent_unit="Leeds West",
        your_unit="Hull branch",
    )
    check = walk_report(client, data)
    page = text_of(check)
    assert "Councillor Grey" in page and "Leeds West" in page and "Hull branch" in page
    assert send_report(client, data).status_code == 302
    case = Case.objects.get()
    assert database_holds("Councillor Grey") == []
    assert database_holds("Leeds West") == []
    assert case_state(case.id).party_tokens  # the fingerprints are there
    staff = Client()
    sign_in(staff, cast.case_manager.username)
    case_page = text_of(staff.get(f"/cases/{case.reference}/"))
    assert "Councillor Grey" in case_page and "Hull branch" in case_page


def test_she_sees_how_many_people_in_which_roles_opened_her_case_never_who(
    client: Client, anonymous_report: Submission, cast: Cast
) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    page = text_of(client.get("/my-report/"))
    assert "Who has opened your case" in page and "Nobody has opened what you wrote yet." in page

    case = anonymous_report.case
    staff = Client()
    sign_in(staff, cast.case_manager.username, PASSWORD)
    assert staff.get(f"/cases/{case.reference}/").status_code == 200  # the read is recorded
    assert staff.get(f"/cases/{case.reference}/").status_code == 200  # twice, one person
    sign_in(staff, cast.advocate.username, PASSWORD)
    assert staff.get(f"/cases/{case.reference}/").status_code == 200

    page = text_of(client.get("/my-report/"))
    assert "2 people have opened your case." in page and "It was last opened on" in page
    table = page[page.index("Who has opened your case") : page.index("What you told us")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="table__numeric">(\d+)</td>', table)
    assert rows == [("Case manager", "1"), ("Advocate", "1")]
    for name in (cast.case_manager.display_name, cast.advocate.display_name):
        assert name not in table
    for username in (cast.case_manager.username, cast.advocate.username):
        assert username not in page

    welsh = text_of(client.get("/cy/my-report/"))
    assert "Mae 2 berson wedi agor eich achos." in welsh and "Rheolwr achos" in welsh
