"""Passkeys in Chromium, with Chrome's virtual authenticator (DevTools' WebAuthn domain):
a member of staff adds a passkey from her account pages, signs out, and signs in with
her password and the passkey instead of a code; the authenticator's counter moves on.
With JavaScript off the same page offers only the code, which still works.

Passkeys need a host name (a browser refuses an IP address as the relying party), so this
test reaches the demo server as localhost, the origin `ombuds demo` gives itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.a11y import audit
from tests.browser.conftest import LiveInstance, NewContext, new_staff_member, sign_in
from tests.e2e.conftest import authenticator_code

pytestmark = pytest.mark.browser
PASSWORD = "amber lantern slowly 2031"


def _new_auditor(live_instance: LiveInstance) -> str:
    return new_staff_member(live_instance, "auditor", PASSWORD)


def _virtual_authenticator(context: BrowserContext, page: Page) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _password_step(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/code/$"))


def test_a_passkey_is_added_and_signs_her_in(
    new_context: NewContext, live_instance: LiveInstance
) -> None:
    username = _new_auditor(live_instance)
    base_url = live_instance.base_url.replace("127.0.0.1", "localhost")
    context = new_context(base_url=base_url)
    page = context.new_page()
    cdp, authenticator = _virtual_authenticator(context, page)
    sign_in(page, username, PASSWORD)  # sets up her authenticator app first

    page.get_by_role("link", name="Passkeys").click()
    expect(page.locator("h1")).to_have_text("Your passkeys")
    expect(page.get_by_text("Adding a passkey needs JavaScript")).to_be_hidden()
    page.get_by_label("Name of this passkey").fill("This computer")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator(".notice, [role=status], main")).to_contain_text(
        "Your passkey This computer was added."
    )
    expect(page.locator("table")).to_contain_text("This computer")
    expect(page.locator("table")).to_contain_text("Not used yet")
    audit(page, "passkeys, JavaScript on")
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(held) == 1
    count = held[0]["signCount"]
    page.get_by_role("button", name="Sign out").first.click()

    # Password, then the passkey instead of a code.
    _password_step(page, username)
    expect(page.get_by_role("button", name="Use a passkey instead")).to_be_visible()
    audit(page, "code step with a passkey, JavaScript on")
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert held[0]["signCount"] > count
    page.goto("/account/passkeys/")
    expect(page.locator("table")).not_to_contain_text("Not used yet")
    page.get_by_role("button", name="Sign out").first.click()

    # Without JavaScript the code step offers no passkey, and a code still signs her in.
    quiet = new_context(base_url=base_url, java_script_enabled=False).new_page()
    _password_step(quiet, username)
    expect(quiet.get_by_role("button", name="Use a passkey instead")).to_be_hidden()
    quiet.get_by_label("Code").fill(authenticator_code(base_url, username))
    quiet.get_by_role("button", name="Continue").click()
    expect(quiet).to_have_url(re.compile(r"/oversight/$"))

    # Removed: the code step no longer offers it.
    page.goto("/sign-in/")
    _password_step(page, username)
    page.get_by_label("Code").fill(authenticator_code(base_url, username))
    page.get_by_role("button", name="Continue").click()
    page.goto("/account/passkeys/")
    page.get_by_role("button", name="Remove the passkey This computer").click()
    expect(page.locator("main")).to_contain_text("You have no passkeys.")
    page.get_by_role("button", name="Sign out").first.click()
    _password_step(page, username)
    expect(page.get_by_role("button", name="Use a passkey instead")).to_have_count(0)
