"""The report's question pages in Chromium: with JavaScript off, one topic to a page,
Back and Change keeping her answers, errors on each page, axe on every page; with it, the
browser asks before she leaves a report she has begun (never when she moves on through
the pages, nor when she uses "Exit this page")."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from tests.browser.a11y import audit, audit_without_script, block_scripts
from tests.browser.conftest import CHECK_ANSWERS, TIMEOUT_MS, LiveInstance, NewContext

pytestmark = pytest.mark.browser


@pytest.fixture
def replay(browser: Browser, live_instance: LiveInstance) -> Iterator[Page]:
    """Where a JavaScript-off page is audited (axe needs script; the site's is blocked)."""
    context = browser.new_context(base_url=live_instance.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    block_scripts(context)
    yield context.new_page()
    context.close()


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def next_page(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_the_pages_with_javascript_off_back_change_and_send(
    new_context: NewContext, replay: Page
) -> None:
    tag = uuid.uuid4().hex[:8]
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    seen = [heading(page)]
    audit_without_script(replay, page, "report: first page")
    expect(page.get_by_text("We save nothing until you send your report.")).to_be_visible()

    next_page(page)  # nothing chosen: the error, linked to the question
    expect(page.locator(".error-summary a")).to_have_attribute("href", "#id_anonymous_0")
    audit_without_script(replay, page, "report: first page with its error")
    page.get_by_label("Yes, stay anonymous").check()
    next_page(page)

    page.get_by_label("Which organisation is this about?").select_option(label="Demo Party")
    page.get_by_label("Where did it happen?").fill(f"The regional office {tag}")
    next_page(page)
    page.get_by_label("What happened?").fill(f"He blocked the door ({tag}).")
    next_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("When did it happen?")

    # Back, and Back again: her answers are still in the pages before.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("What happened?")).to_have_value(f"He blocked the door ({tag}).")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Where did it happen?")).to_have_value(f"The regional office {tag}")
    next_page(page)
    next_page(page)

    answers = {
        "When did it happen?": "Last spring",
        "Who was involved?": f"The office manager {tag}",
        "Did anyone see or hear it?": "",
        "What would you like to happen?": "For it to stop",
    }
    for _ in range(6):
        if heading(page) == CHECK_ANSWERS:
            break
        seen.append(heading(page))
        audit_without_script(replay, page, f"report: {heading(page)}")
        expect(page.get_by_label("Your name")).to_have_count(0)  # anonymous: never asked
        expect(page.get_by_label("How can we contact you safely?")).to_have_count(0)
        for label, value in answers.items():
            if page.get_by_label(label, exact=True).count():
                page.get_by_label(label, exact=True).fill(value)
        next_page(page)
    assert seen[0] == "Report something that happened" and len(seen) >= 5, seen
    audit_without_script(replay, page, "report: check answers")
    summary = page.locator(".summary-list")
    expect(summary).to_contain_text(f"The office manager {tag}")
    expect(summary).not_to_contain_text("Your name")

    # Change one answer: its page, then straight back to check answers.
    page.get_by_role("button", name="Change when did it happen?").click()
    expect(page.get_by_label("When did it happen?")).to_have_value("Last spring")
    page.get_by_label("When did it happen?").fill("In April")
    next_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECK_ANSWERS)
    expect(summary).to_contain_text("In April")
    expect(summary).to_contain_text(f"He blocked the door ({tag}).")

    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(r"/report/sent/$"))
    expect(page.locator("p.receipt")).to_have_count(1)


def test_a_named_person_is_asked_about_herself_last(new_context: NewContext) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    page.get_by_label("No, I will give my name").check()
    next_page(page)
    page.get_by_label("Which organisation is this about?").select_option(label="Demo Party")
    for text in ("He shouted at me", "", "My manager", "", ""):
        next_page(page)
        field = page.locator("textarea, input.input").first
        if text:
            field.fill(text)
    next_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    next_page(page)
    expect(page.locator(".error-summary")).to_contain_text("Enter your name")
    page.get_by_label("Your name").fill("Sam Example")
    next_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECK_ANSWERS)
    expect(page.get_by_label("Create a password")).to_be_visible()


def _begun_report(context: BrowserContext) -> Page:
    page = context.new_page()
    page.goto("/report/")
    page.get_by_label("Yes, stay anonymous").check()
    return page


def test_with_javascript_leaving_a_begun_report_is_asked_about(new_context: NewContext) -> None:
    context = new_context()
    page = _begun_report(context)
    dialogs: list[str] = []

    def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    next_page(page)  # moving on through the pages: no question
    expect(page.get_by_label("Which organisation is this about?")).to_be_visible()
    assert dialogs == []
    audit(page, "report: second page, JavaScript on")
    page.get_by_role("link", name="Ombuds", exact=True).click()  # away, half-finished
    expect(page).to_have_url(re.compile(r"/$"))
    assert dialogs == ["beforeunload"]
