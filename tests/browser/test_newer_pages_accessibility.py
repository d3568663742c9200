"""axe-core on the pages the newest parts added, each reached directly (the walk in
test_accessibility.py stops after a few pages per person, before it gets to them):
surveys, testimony, vetting and repeat links, the escrow's counsellor, the delay pages,
and the auditor's read record and delay register. Public and complainant pages are
audited with JavaScript off (through a replay page, see a11y.py) and on; staff pages carry
no script but the passkey pages' (audited with it on in test_passkeys.py). Each page with
a form is also audited with its errors shown.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.a11y import audit, audit_without_script, block_scripts
from tests.browser.conftest import TIMEOUT_MS, LiveInstance, return_with_receipt, sign_in

pytestmark = pytest.mark.browser

PUBLIC = [
    "/survey/",
    "/transparency/",
    "/transparency/statistics/",
    "/transparency/surveys/",
    "/transparency/testimony/",
]
COMPLAINANT = ["/my-report/testimony/", "/my-report/escrow/", "/my-report/delays/"]
STAFF = {
    "auditor": ["/oversight/", "/oversight/reads/", "/oversight/delay-register/",
                "/oversight/vetting/", "/surveys/", "/account/passkeys/"],
    "administrator": ["/admin-area/surveys/", "/admin-area/vetting/"],
    "liaison": ["/vetting/"],
    "oversight_officer": ["/oversight/delays/", "/vetting/checks/", "/vetting/access-requests/",
                          "/surveys/"],
    "matching_counsellor": ["/escrow/"],
}  # fmt: skip


def _context(browser: Browser, live_instance: LiveInstance, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=live_instance.base_url, **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def replay(browser: Browser, live_instance: LiveInstance) -> Iterator[Page]:
    context = _context(browser, live_instance)
    block_scripts(context)
    yield context.new_page()
    context.close()


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path


def test_public_and_complainant_pages_javascript_off(
    browser: Browser, live_instance: LiveInstance, replay: Page
) -> None:
    context = _context(browser, live_instance, java_script_enabled=False)
    try:
        page = context.new_page()
        for path in PUBLIC:
            _visit(page, path)
            audit_without_script(replay, page, path)
        page.goto("/survey/")
        page.locator("form button[type=submit]").first.click()
        expect(page.locator(".error-summary")).to_be_visible()
        audit_without_script(replay, page, "/survey/ with errors")
        return_with_receipt(page, live_instance.receipt)
        for path in COMPLAINANT:
            _visit(page, path)
            audit_without_script(replay, page, path)
    finally:
        context.close()


def test_public_and_complainant_pages_javascript_on(
    browser: Browser, live_instance: LiveInstance
) -> None:
    context = _context(browser, live_instance)
    try:
        page = context.new_page()
        for path in PUBLIC[:2]:
            _visit(page, path)
            audit(page, f"{path}, JavaScript on")
        return_with_receipt(page, live_instance.receipt)
        _visit(page, COMPLAINANT[0])
        audit(page, f"{COMPLAINANT[0]}, JavaScript on")
    finally:
        context.close()


@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_pages(browser: Browser, live_instance: LiveInstance, role: str) -> None:
    username = next((n for n, r in live_instance.staff.items() if r == role), None)
    assert username is not None, f"the demo has no {role}"
    context = _context(browser, live_instance)
    try:
        page = context.new_page()
        sign_in(page, username, live_instance.password)
        for path in STAFF[role]:
            _visit(page, path)
            audit(page, f"{role}: {path}")
    finally:
        context.close()
