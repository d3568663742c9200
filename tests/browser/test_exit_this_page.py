"""Safe on a shared or watched device: "Exit this page" works without JavaScript (a plain
link to a neutral site) and with it (the page is replaced, so Back does not return to it,
and pressing Escape three times leaves too). The neutral site is answered by the test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.conftest import TIMEOUT_MS, LiveInstance, return_with_receipt

pytestmark = pytest.mark.browser

NEUTRAL = re.compile(r"^https://www\.bbc\.co\.uk/weather")


def _neutral_site(route: Route) -> None:
    route.fulfill(body="<title>BBC Weather</title><h1>Weather</h1>", content_type="text/html")


@pytest.fixture
def context_for(
    browser: Browser, live_instance: LiveInstance
) -> Iterator[dict[bool, BrowserContext]]:
    contexts = {}
    for javascript in (False, True):
        context = browser.new_context(
            base_url=live_instance.base_url, java_script_enabled=javascript
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(NEUTRAL, _neutral_site)
        contexts[javascript] = context
    yield contexts
    for context in contexts.values():
        context.close()


def _exit(page: Page) -> None:
    page.get_by_role("link", name="Exit this page").click()
    expect(page).to_have_url(NEUTRAL)


def test_without_javascript_it_is_a_plain_link_on_every_public_and_complainant_page(
    context_for: dict[bool, BrowserContext], live_instance: LiveInstance
) -> None:
    page = context_for[False].new_page()
    for path in ("/", "/report/", "/return/", "/help/", "/staying-safe/", "/respond/"):
        page.goto(path)
        link = page.get_by_role("link", name="Exit this page")
        expect(link).to_have_attribute("href", NEUTRAL)
        expect(page.get_by_text("Or press the Escape key three times.")).to_be_hidden()
        expect(page.get_by_role("link", name="Help and support from other organisations"))
    return_with_receipt(page, live_instance.receipt)
    expect(
        page.get_by_role("link", name="Help and support from other organisations")
    ).to_be_visible()
    _exit(page)


def test_with_javascript_it_replaces_the_page(context_for: dict[bool, BrowserContext]) -> None:
    page = context_for[True].new_page()
    page.goto("/help/")
    page.goto("/report/")
    expect(page.get_by_text("Or press the Escape key three times.")).to_be_visible()
    _exit(page)
    page.go_back()
    # The report form was replaced in the history: Back goes to the page before it.
    expect(page).to_have_url(re.compile(r"/help/$"))


def test_escape_three_times_leaves(context_for: dict[bool, BrowserContext]) -> None:
    page = context_for[True].new_page()
    page.goto("/report/")
    page.get_by_label("Yes, stay anonymous").check()  # begun: leaving would be asked about
    for _ in range(2):
        page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/report/$"))
    page.keyboard.press("Escape")
    expect(page).to_have_url(NEUTRAL)


def test_staff_pages_do_not_carry_it(
    context_for: dict[bool, BrowserContext], live_instance: LiveInstance
) -> None:
    from tests.browser.conftest import sign_in

    page = context_for[True].new_page()
    manager = next(n for n, r in live_instance.staff.items() if r == "case_manager")
    sign_in(page, manager, live_instance.password)
    expect(page.get_by_role("link", name="Exit this page")).to_have_count(0)
