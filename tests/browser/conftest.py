"""Headless Chromium (Debian's, never a downloaded one) against the live demo server.

The server is tests/e2e's `live_instance`; a browser is started once per session and
every test gets fresh contexts (no shared cookies) from `new_context`.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.conftest import (
    LiveInstance,
    authenticator_code,
    live_instance,
    remember_authenticator,
    run_ombuds,
)

__all__ = ["LiveInstance", "live_instance"]

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def chromium_path() -> Path:
    return Path(os.environ.get("OMBUDS_CHROMIUM") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if not executable.exists():
        pytest.skip("Chromium not installed (apt-get install chromium)")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, live_instance: LiveInstance) -> Iterator[NewContext]:
    """Make a fresh browser context (own cookies) on the live instance; closed after the
    test. Keyword arguments go to Playwright's `browser.new_context`."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("base_url", live_instance.base_url)
        options.setdefault("accept_downloads", True)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# --- helpers shared by the journeys ---------------------------------------------------

REFERENCE = re.compile(r"^OMB-[0-9A-Z]{4}-[0-9A-Z]{4}$")


@dataclass
class SentReport:
    reference: str
    receipt: str  # anonymous reports
    sign_in_name: str  # identified reports
    page: Page  # the confirmation page, still open


REPORT_LABELS = {
    "what_happened": "What happened?",
    "when": "When did it happen?",
    "where": "Where did it happen?",
    "people_involved": "Who was involved?",
    "respondent_name": "The name of the person who did this, if you know it",
    "witnesses": "Did anyone see or hear it?",
    "outcome_wanted": "What would you like to happen?",
    "your_name": "Your name",
    "contact": "How can we contact you safely?",
}
CHECK_ANSWERS = "Check your answers before sending your report"


def fill_report_form(page: Page, answers: dict[str, str], *, anonymous: bool) -> None:
    """Answer the report's question pages one after another, from the first (labels as
    a person reads them), and continue from each, up to check answers."""
    choice = "Yes, stay anonymous" if anonymous else "No, I will give my name"
    page.get_by_label(choice).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which organisation is this about?").select_option(label="Demo Party")
    for _ in range(10):
        if page.get_by_role("heading", level=1).inner_text() == CHECK_ANSWERS:
            return
        for name, value in answers.items():
            field = page.get_by_label(REPORT_LABELS[name], exact=True)
            if field.count():
                field.fill(value)
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".error-summary")).to_have_count(0)
    raise AssertionError("the report's pages never reached check answers")


def send_report(
    page: Page, answers: dict[str, str], *, anonymous: bool = True, password: str = ""
) -> SentReport:
    """From the home page: report, check the answers, send. Returns what was shown once."""
    page.goto("/")
    page.get_by_role("button", name="Report something that happened").click()
    expect(page).to_have_url(re.compile(r"/report/$"))
    fill_report_form(page, answers, anonymous=anonymous)
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECK_ANSWERS)
    for value in answers.values():
        expect(page.locator(".summary-list")).to_contain_text(value)
    if not anonymous:
        page.get_by_label("Create a password").fill(password)
        page.get_by_label("Confirm your password").fill(password)
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(r"/report/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Report received")
    reference = page.locator(".panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), reference
    receipt = sign_in_name = ""
    if anonymous:
        receipt = " ".join(page.locator("p.receipt").inner_text().split())
    else:
        sign_in_name = page.locator("strong.receipt").inner_text().strip()
    return SentReport(reference, receipt, sign_in_name, page)


def return_with_receipt(page: Page, receipt: str) -> None:
    """From the home page, come back to a report with its seven words."""
    page.goto("/")
    page.get_by_role("link", name="Return to a report you have made").click()
    page.get_by_label("Your seven words").fill(receipt)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/my-report/$"))


def new_staff_member(live_instance: LiveInstance, role: str, password: str) -> str:
    """A staff member made with the command line, as an operator would; her sign-in name."""
    username = f"{role.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
    secret_key = (live_instance.data_dir / "demo-secret-key").read_text().strip()
    created = run_ombuds(
        "createuser",
        username,
        "--role",
        role,
        env=live_instance.env(
            OMBUDS_ENV="demo",
            OMBUDS_DATA_DIR=str(live_instance.data_dir),
            OMBUDS_SECRET_KEY=secret_key,
            OMBUDS_NEW_PASSWORD=password,
        ),
    )
    assert created.returncode == 0, created.stdout + created.stderr
    return username


def sign_in(page: Page, username: str, password: str) -> None:
    """Password, then a code from her authenticator app; the first time, she sets the app
    up from the key shown beside the QR code and passes her recovery codes."""
    page.goto("/sign-in/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    base_url = re.sub(r"(https?://[^/]+/).*", r"\1", page.url)
    if "/sign-in/set-up/" in page.url:
        remember_authenticator(base_url, username, page.locator(".secret-key").inner_text())
        page.get_by_label("Code").fill(authenticator_code(base_url, username))
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="I have saved my recovery codes").click()
    elif "/sign-in/code/" in page.url:
        page.get_by_label("Code").fill(authenticator_code(base_url, username))
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots", numbered=False)
