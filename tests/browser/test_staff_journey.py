"""Staff in a browser: the case manager takes a fresh report from "Your cases" to closed;
the complainant sees it closed, with the reason; an advocate on the case can read it but
not act; the organisation's liaison cannot see it at all."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    TIMEOUT_MS,
    LiveInstance,
    NewContext,
    return_with_receipt,
    send_report,
    sign_in,
)

pytestmark = pytest.mark.browser


@dataclass
class FreshReport:
    reference: str
    receipt: str
    what_happened: str
    people_involved: str


@pytest.fixture(scope="module")
def fresh_report(browser: Browser, live_instance: LiveInstance) -> Iterator[FreshReport]:
    """An anonymous report sent through the web pages, with JavaScript off."""
    tag = uuid.uuid4().hex[:8]
    answers = {
        "what_happened": f"He made remarks about my appearance at every meeting ({tag}).",
        "people_involved": f"A regional organiser ({tag})",
        "when": "Since January",
    }
    context = browser.new_context(base_url=live_instance.base_url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        sent = send_report(context.new_page(), answers, anonymous=True)
    finally:
        context.close()
    yield FreshReport(
        sent.reference, sent.receipt, answers["what_happened"], answers["people_involved"]
    )


def _case_url(report: FreshReport) -> str:
    return f"/cases/{report.reference}/"


def _csrf_token(page: Page) -> str:
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.get_attribute("value")
    assert token, "no CSRF token on the page"
    return token


def test_an_advocate_reads_the_case_but_cannot_act(
    new_context: NewContext, live_instance: LiveInstance, fresh_report: FreshReport
) -> None:
    page = new_context().new_page()
    sign_in(page, "advocate", live_instance.password)
    expect(page).to_have_url(re.compile(r"/cases/$"))
    page.get_by_role("link", name=fresh_report.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {fresh_report.reference}")
    expect(page.locator("main")).to_contain_text(fresh_report.what_happened)
    for action in ("Acknowledge the report", "Record the assessment", "Close the case"):
        expect(page.get_by_role("link", name=action)).to_have_count(0)
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    token = _csrf_token(page)

    url = f"{_case_url(fresh_report)}acknowledge/"
    visit = page.request.get(url)
    assert visit.status == 403, visit.status
    posted = page.request.post(
        url,
        form={"csrfmiddlewaretoken": token, "version": "1"},
        headers={"Origin": live_instance.base_url.rstrip("/")},
    )
    assert posted.status == 403, (posted.status, posted.text()[:500])

    # Nothing changed.
    page.reload()
    expect(page.locator(".summary-list").first).to_contain_text("Received")


def test_the_liaison_cannot_see_the_case(
    new_context: NewContext, live_instance: LiveInstance, fresh_report: FreshReport
) -> None:
    page = new_context().new_page()
    sign_in(page, "liaison", live_instance.password)
    response = page.goto(_case_url(fresh_report))
    assert response is not None
    unknown = page.request.get("/cases/OMB-0000-0000/")
    # Refused, with the same answer as for a case that does not exist: nothing tells her
    # there is one. (Today that answer is 403 for every /cases/ page, as her role has no
    # case pages at all; a 404 would do as well.)
    assert response.status in {403, 404}, response.status
    assert response.status == unknown.status, (response.status, unknown.status)
    body = page.locator("body")
    expect(body).not_to_contain_text(fresh_report.reference)
    expect(body).not_to_contain_text(fresh_report.what_happened)


def test_the_case_manager_takes_the_case_to_closed(
    new_context: NewContext,
    live_instance: LiveInstance,
    fresh_report: FreshReport,
    screenshots: Path,
) -> None:
    page = new_context().new_page()
    sign_in(page, "casemanager", live_instance.password)
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    page.get_by_role("link", name=fresh_report.reference).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {fresh_report.reference}")
    main = page.locator("main")
    expect(main).to_contain_text(fresh_report.what_happened)
    expect(main).to_contain_text(fresh_report.people_involved)
    shot = screenshots / "case-page.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"case page screenshot: {shot}")

    notice = page.locator(".notification-banner")
    page.get_by_role("link", name="Acknowledge the report").click()
    page.get_by_role("button", name="Acknowledge the report").click()
    expect(notice).to_contain_text("The report has been acknowledged.")

    page.get_by_role("link", name="Record the assessment").click()
    page.get_by_label("Within the scheme's scope").check()
    page.get_by_label("Medium").check()
    page.get_by_label("Assessment notes (optional)").fill("Repeated conduct; low risk of reprisal.")
    page.get_by_role("button", name="Record the assessment").click()
    expect(notice).to_contain_text("The assessment has been recorded.")

    page.get_by_role("link", name="Allocate an investigator").click()
    page.get_by_role("button", name="Ask the pool for an investigator").click()
    expect(notice).to_contain_text("Jo Okafor has been allocated as the investigator")
    expect(main).to_contain_text("Investigator: Jo Okafor")

    reason = f"Resolved informally: the organiser apologised in writing ({uuid.uuid4().hex[:6]})."
    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("Why is the case being closed?").fill(reason)
    page.get_by_role("button", name="Close the case").click()
    expect(notice).to_contain_text("The case has been closed.")
    expect(page.locator(".summary-list").first).to_contain_text("Closed")
    history = page.locator(".timeline")
    for step in ("Report acknowledged", "Assessment recorded", "Case closed", reason):
        expect(history).to_contain_text(step)
    expect(page.get_by_role("link", name="Close the case")).to_have_count(0)

    # The complainant, with her seven words, is told, with the reason.
    complainant = new_context(java_script_enabled=False).new_page()
    return_with_receipt(complainant, fresh_report.receipt)
    expect(complainant.locator(".summary-list").first).to_contain_text("Your case is closed")
    closed = complainant.locator(".timeline__item", has_text="Your case was closed")
    expect(closed).to_contain_text(f"Reason: {reason}")
    for step in ("Your report was acknowledged", "Your report was assessed"):
        expect(complainant.locator(".timeline")).to_contain_text(step)
    expect(complainant.get_by_role("button", name="Add information")).to_have_count(0)
