"""A complainant's journeys in a browser with JavaScript switched off (as in Tor
Browser's safest mode): report anonymously, come back with the seven words, add
information, download proof of receipt, withdraw; report with a name and sign in."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    NewContext,
    fill_report_form,
    return_with_receipt,
    send_report,
    sign_in,
)

pytestmark = pytest.mark.browser


def _answers(tag: str) -> dict[str, str]:
    return {
        "what_happened": f"He cornered me after the branch meeting ({tag}).",
        "when": "Last Thursday evening",
        "where": "The branch office",
        "people_involved": f"The branch treasurer ({tag})",
        "witnesses": "Nobody saw it",
        "outcome_wanted": "I want it to stop",
        "contact": "",
    }


def test_a_browser_form_post_is_accepted(new_context: NewContext) -> None:
    """A plain form POST from the browser gets past Django's CSRF check. (A Referrer-Policy
    of no-referrer makes Chromium send `Origin: null`, which Django refuses with 403.)"""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/return/")
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_label("Your seven words").fill("not a real receipt at all")
        page.get_by_role("button", name="Continue").click()
    origin = posted.value.all_headers().get("origin")
    response = posted.value.response()
    assert response is not None
    assert response.status != 403, (
        f"the form POST was refused with 403 (CSRF); the browser sent Origin: {origin!r} "
        f"and the page's Referrer-Policy is {response.headers.get('referrer-policy')!r}"
    )
    expect(page.locator(".error-summary")).to_contain_text("We could not find a report")


def test_anonymous_report_return_add_proof_withdraw(
    new_context: NewContext, screenshots: Path, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    answers = _answers(tag)
    reporting = new_context(java_script_enabled=False).new_page()
    sent = send_report(reporting, answers, anonymous=True)

    words = sent.receipt.split()
    assert len(words) == 7, sent.receipt
    assert all(re.fullmatch(r"[a-z-]+", word) for word in words), sent.receipt
    expect(reporting.locator("body")).to_contain_text(sent.reference)
    shot = screenshots / "confirmation.png"
    reporting.screenshot(path=str(shot), full_page=True)
    print(f"confirmation screenshot: {shot}")
    assert shot.stat().st_size > 0

    # Shown once: a reload does not show the words again.
    reporting.reload()
    expect(reporting.locator("p.receipt")).to_have_count(0)
    expect(reporting.locator("body")).to_contain_text("only once")

    # Another browser, no cookies: come back with the seven words.
    page = new_context(java_script_enabled=False).new_page()
    return_with_receipt(page, sent.receipt)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    expect(page.locator(".summary-list").first).to_contain_text(sent.reference)
    expect(page.locator(".summary-list").first).to_contain_text("We have received your report")
    advocate = page.locator(".summary-list__row", has_text="Your advocate")
    expect(advocate).to_contain_text("Sam Rivera")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("You sent your report")
    expect(timeline).to_contain_text("Sam Rivera was named as your advocate")
    expect(page.locator("details")).to_contain_text(answers["what_happened"])

    # Add information; it shows in the timeline.
    page.get_by_role("button", name="Add information").click()
    added = f"He sent me a message about it the next day ({tag})."
    page.get_by_label("What would you like to add?").fill(added)
    page.get_by_role("button", name="Add to my report").click()
    expect(page).to_have_url(re.compile(r"/my-report/$"))
    item = timeline.locator(".timeline__item", has_text="You added information")
    expect(item).to_contain_text(added)

    # Proof of receipt downloads as JSON about this case.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download proof of receipt").click()
    download = download_info.value
    assert download.suggested_filename == f"ombuds-proof-of-receipt-{sent.reference}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    proof = json.loads(saved.read_text())
    assert proof["case_reference"] == sent.reference
    assert proof["checkpoint"]["size"] > proof["event"]["index"]
    assert isinstance(proof["inclusion_proof"], list)

    # Withdraw.
    page.get_by_role("link", name="Withdraw your complaint").click()
    page.get_by_label("Why are you withdrawing? (optional)").fill("I have decided not to go on.")
    page.get_by_role("button", name="Withdraw my complaint").click()
    expect(page).to_have_url(re.compile(r"/my-report/$"))
    expect(page.locator(".summary-list").first).to_contain_text("You withdrew your complaint")
    expect(timeline.locator(".timeline__item").last).to_contain_text("You withdrew your complaint")
    expect(page.get_by_role("button", name="Add information")).to_have_count(0)
    expect(page.get_by_role("link", name="Withdraw your complaint")).to_have_count(0)


def test_missing_answers_are_explained_and_typed_text_is_kept(new_context: NewContext) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name="Select whether you want to stay anonymous")
    expect(link).to_have_attribute("href", "#id_anonymous_0")

    page.get_by_label("Yes, stay anonymous").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Where did it happen?", exact=True).fill("The branch office")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    link = summary.get_by_role("link", name="Select the organisation your report is about")
    expect(link).to_have_attribute("href", "#id_organisation")
    expect(page.locator(".error-message")).to_have_count(1)
    expect(page.get_by_label("Where did it happen?", exact=True)).to_have_value("The branch office")
    # The links work without JavaScript: they go to the field.
    link.click()
    expect(page).to_have_url(re.compile(r"#id_organisation$"))

    page.get_by_label("Which organisation is this about?").select_option(label="Demo Party")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # what happened, left blank
    expect(summary.get_by_role("link", name="Tell us what happened")).to_have_attribute(
        "href", "#id_what_happened"
    )


def test_identified_report_then_sign_in(new_context: NewContext) -> None:
    tag = uuid.uuid4().hex[:8]
    answers = {**_answers(tag), "your_name": f"Alex Example {tag}", "contact": "07700 900456"}
    password = f"tangerine orbit {tag}"
    reporting = new_context(java_script_enabled=False).new_page()
    sent = send_report(reporting, answers, anonymous=False, password=password)
    assert re.fullmatch(r"c-[a-z0-9]{8}", sent.sign_in_name), sent.sign_in_name
    expect(reporting.locator("p.receipt")).to_have_count(0)

    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, sent.sign_in_name, password)
    expect(page).to_have_url(re.compile(r"/my-report/$"))
    expect(page.locator(".summary-list").first).to_contain_text(sent.reference)
    expect(page.locator(".timeline")).to_contain_text("You sent your report")
    expect(page.locator("details")).to_contain_text(answers["your_name"])


def test_identified_report_needs_matching_passwords(new_context: NewContext) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    answers = {**_answers("pw"), "your_name": "Sam Example"}
    fill_report_form(page, answers, anonymous=False)
    page.get_by_label("Create a password").fill("a long password one")
    page.get_by_label("Confirm your password").fill("a long password two")
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".error-summary")).to_contain_text("The passwords do not match")
    # Nothing was sent, and the answers are still here to send.
    expect(page.locator(".summary-list")).to_contain_text(answers["what_happened"])
    page.get_by_label("Create a password").fill("a long password one")
    page.get_by_label("Confirm your password").fill("a long password one")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report received")
