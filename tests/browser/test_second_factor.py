"""A second factor in the browser with JavaScript off: a new member of staff signs in for
the first time, sets up her authenticator from the QR code drawn on the server (or the
key beside it), saves her recovery codes, and later signs in with a code, then with a
recovery code; a wrong code on the way is told to her at her next sign-in."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveInstance, NewContext, new_staff_member

pytestmark = pytest.mark.browser
PASSWORD = "violet harbour quietly 2026"


def _password_step(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.locator("h1")).to_contain_text("signed out")


def test_second_factor_journey_without_javascript(
    new_context: NewContext, live_instance: LiveInstance
) -> None:
    username = new_staff_member(live_instance, "auditor", PASSWORD)
    page = new_context(java_script_enabled=False).new_page()

    # First sign-in: set up the app. The QR code is an SVG drawn by the server.
    _password_step(page, username)
    expect(page).to_have_url(re.compile(r"/sign-in/set-up/$"))
    expect(page.locator("h1")).to_have_text("Set up your authenticator app")
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator(".secret-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/sign-in/recovery-codes/$"))
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    # Told of the wrong code first, then on to her own start page.
    expect(page.locator("h1")).to_have_text("Failed attempts to sign in to your account")
    expect(page.locator("main")).to_contain_text("was 1 failed attempt")
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    _sign_out(page)
    page.goto("/oversight/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))

    # Next time: a code from the app.
    _password_step(page, username)
    expect(page).to_have_url(re.compile(r"/sign-in/code/$"))
    # Each code works once: the next one (accepted a step early, for clock drift).
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    _sign_out(page)

    # Phone lost: a recovery code, once.
    _password_step(page, username)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    _sign_out(page)
    _password_step(page, username)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("That code is not right")
