"""A missed investigation deadline in headless Chromium, seen by everyone it concerns.

The demo's named case is in investigation today. Its respondent joins with her
invitation code; then the instance is stopped, and the sweep and the server are run
again with their clock 120 days ahead (tests/e2e/shifted_clock.py: the 60-working-day
investigation deadline is long past), on the same data:

- the investigator is told, and may do nothing else on the case (an interview is
  refused) until she records a reason and a new date; then she can work again;
- the oversight officer has the case on her list: reference, deadline, reason, who is
  responsible, never the account or anyone's name;
- the complainant and the respondent (JavaScript off) each read the delay in plain
  words on their own pages.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ombuds.demo import DEMO_PASSWORD
from ombuds.people.regions import ENGLAND_AND_WALES, public_holidays
from tests.browser.conftest import TIMEOUT_MS
from tests.e2e.conftest import (
    LiveInstance,
    _database_for_instance,
    ombuds_command,
    ombuds_env,
    serve_instance,
)

pytestmark = pytest.mark.browser

AHEAD = 120  # days: past the investigation's 60 working days from today, whatever the holidays
REASON = "A witness has not been available"
# What the oversight officer must never read: the named case's account and the parties'
# names (the handler responsible is named: she is who the officer may re-allocate).
NEVER_SHOWN = ("line manager", "shouts at me", "Morgan Fell", "Demo Complainant", "Demo Respondent")


def _later_today() -> date:
    return (datetime.now(UTC) + timedelta(days=AHEAD)).date()


def _working_day_after(day: date, days: int) -> date:
    """`days` calendar days after `day`, moved on to a working day in England and Wales."""
    off = public_holidays(ENGLAND_AND_WALES, [day.year, day.year + 1])
    new = day + timedelta(days=days)
    while new.weekday() >= 5 or new in off:
        new += timedelta(days=1)
    return new


def _code(secret: str, step: int) -> str:
    return str(pyotp.TOTP("".join(secret.split())).generate_otp(step))


def _staff_sign_in(page: Page, username: str) -> None:
    """A first sign-in on the server 120 days ahead: her authenticator app (set up from
    the key shown) reads the server's clock, which is that far ahead of ours."""
    page.goto("/sign-in/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/set-up/$"))
    secret = page.locator(".secret-key").inner_text()
    step = int(time.time() + AHEAD * 86400) // 30
    page.get_by_label("Code").fill(_code(secret, step))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def _party_sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts the journey opens on its own instance (closed afterwards)."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def test_a_missed_investigation_deadline_seen_by_each_person(
    browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    def page_on(instance: LiveInstance, *, javascript: bool = True) -> Page:
        context = browser.new_context(base_url=instance.base_url, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    data_dir = tmp_path / "data"
    respondent_password = "respondent pass 2026"
    with _database_for_instance() as database_url:
        # Today: the respondent of the demo's named case joins with her invitation code.
        with serve_instance(data_dir, database_url) as today:
            code = (data_dir / "demo-logins.txt").read_text().splitlines()[2].strip()
            respondent = page_on(today, javascript=False)
            respondent.goto("/respond/join/")
            respondent.get_by_label("Your invitation code").fill(code)
            respondent.get_by_label("Choose a password").fill(respondent_password)
            respondent.get_by_label("Type the password again").fill(respondent_password)
            respondent.get_by_role("button", name="Join").click()
            expect(respondent.get_by_role("heading", level=1)).to_have_text("You have joined")
            respondent_name = respondent.locator("strong.receipt").inner_text().strip()
            respondent.get_by_role("button", name="Continue to your case").click()
            found = re.search(
                r"OMB-[0-9A-Z]{4}-[0-9A-Z]{4}", respondent.locator("main").inner_text()
            )
            assert found, "the respondent's page shows no reference"
            reference = found.group(0)
            complainant_name = today.sign_in_name

        # 120 days later: the sweep escalates the missed deadlines, then the server serves.
        env = ombuds_env(database_url)
        swept = subprocess.run(
            [*ombuds_command(AHEAD), "sweep", "--data-dir", str(data_dir)],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert swept.returncode == 0, swept.stdout + swept.stderr
        assert re.search(r"[1-9]\d* escalation\(s\)", swept.stdout), swept.stdout

        with serve_instance(data_dir, database_url, clock_days=AHEAD) as later:
            # The investigator: the case asks for a reason and a new date first.
            investigator = page_on(later)
            _staff_sign_in(investigator, "investigator")
            investigator.goto(f"/cases/{reference}/")
            expect(investigator.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
            explain = investigator.get_by_role("link", name="Explain the missed deadline")
            expect(explain).to_be_visible()

            def record_interview() -> None:
                investigator.goto(f"/cases/{reference}/")
                investigator.get_by_role("link", name="Record an interview").click()
                investigator.get_by_label("The complainant", exact=True).check()
                held_on = investigator.get_by_role("group", name="Date of the interview")
                day = _later_today()
                for box, number in zip(
                    ("Day", "Month", "Year"), (day.day, day.month, day.year), strict=True
                ):
                    held_on.get_by_label(box, exact=True).fill(str(number))
                investigator.get_by_label("Interview notes").fill("She described the meetings.")
                investigator.get_by_role("button", name="Record the interview").click()

            record_interview()  # anything else first is refused, with what to do instead
            expect(investigator.locator("main")).to_contain_text(
                "Record the reason and a new date before you do"
            )
            investigator.goto(f"/cases/{reference}/")
            investigator.get_by_role("link", name="Explain the missed deadline").click()
            expect(investigator.get_by_role("heading", level=1)).to_have_text(
                "Explain the missed deadline"
            )
            investigator.get_by_label(REASON, exact=True).check()
            new_date = _working_day_after(_later_today(), 14)
            boxes = investigator.get_by_role("group", name="New date")
            for box, number in zip(
                ("Day", "Month", "Year"), (new_date.day, new_date.month, new_date.year), strict=True
            ):
                boxes.get_by_label(box, exact=True).fill(str(number))
            investigator.get_by_role("button", name="Record the reason and new date").click()
            expect(investigator.locator(".notification-banner")).to_be_visible()
            record_interview()  # now she can work on the case again
            expect(investigator.locator(".notification-banner")).to_be_visible()
            expect(investigator.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")

            # The oversight officer: the case on her list, with no content and no names.
            officer = page_on(later)
            _staff_sign_in(officer, "oversight")
            officer.goto("/oversight/delays/")
            row = officer.locator("tr", has_text=reference)
            expect(row).to_contain_text("Complete the investigation and findings")
            expect(row).to_contain_text(REASON)
            expect(row).to_contain_text("investigator: Jo Okafor")
            listing = officer.locator("main").inner_text()
            officer.get_by_role("link", name=reference, exact=True).click()
            detail = officer.locator("main").inner_text()
            for secret in NEVER_SHOWN:
                assert secret not in listing and secret not in detail, secret

            # The complainant and the respondent: the delay in plain words on their pages.
            complainant = page_on(later, javascript=False)
            _party_sign_in(complainant, complainant_name, DEMO_PASSWORD)
            complainant.goto("/my-report/delays/")
            respondent = page_on(later, javascript=False)
            _party_sign_in(respondent, respondent_name, respondent_password)
            respondent.goto("/respond/delays/")
            for party in (complainant, respondent):
                expect(party.get_by_role("heading", level=1)).to_have_text("Delays on your case")
                register = party.locator("main table")
                expect(register).to_contain_text("A deadline was missed")
                expect(register).to_contain_text("The delay was explained and a new date set")
                expect(register).to_contain_text("Complete the investigation and findings")
                expect(register).to_contain_text(REASON)
                expect(register).to_contain_text(new_date.isoformat())
