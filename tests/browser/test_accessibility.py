"""WCAG 2.2 AA in a real browser, with axe-core on every page each kind of person reaches.

Each persona signs in once and walks every page linked from hers (a breadth-first walk
of same-site links, GET only); axe runs on each page. Complainants, respondents and the
public get their pages with JavaScript off (audited as shown, see a11y.py) and on; staff
pages carry no script at all, so one run covers both. Forms are also sent empty, so that
pages with their errors shown are audited. The report form is then used with the keyboard
alone, at 200 % zoom and at 320 px wide.

One server (the session's demo instance) and one browser serve the whole module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.a11y import audit, audit_without_script, block_scripts, violations
from tests.browser.conftest import TIMEOUT_MS, LiveInstance, return_with_receipt, sign_in

pytestmark = pytest.mark.browser

# Downloads (proof of receipt, evidence files) are not pages.
NOT_A_PAGE = re.compile(r"/proof/|/files?/|[0-9a-f]{8}-[0-9a-f]{4}-|/original/")
MAX_PAGES = 12  # per persona: every kind of page she reaches first, quickly
_INVITATION = re.compile(r"join at \S+ with the code:\s*\n\s*([a-z][a-z -]+[a-z])\s*\n")
STAFF_ROLES = (
    "case_manager",
    "advocate",
    "investigator",
    "panel_member",
    "auditor",
    "administrator",
    "liaison",
)


@pytest.fixture(scope="module")
def contexts(browser: Browser, live_instance: LiveInstance) -> Iterator[dict[str, BrowserContext]]:
    """One JavaScript-on context (scripts blocked) for replaying JavaScript-off pages."""
    made: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        context = browser.new_context(base_url=live_instance.base_url, **options)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    auditor = make()
    block_scripts(auditor)
    yield {"auditor": auditor}
    for context in made:
        context.close()


def _new(browser: Browser, live_instance: LiveInstance, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=live_instance.base_url, **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    )
    return [h.split("#")[0] for h in hrefs if h.startswith("/") and not h.startswith("//")]


def walk(
    page: Page,
    start: list[str],
    *,
    label: str,
    replay: Page | None = None,
    limit: int = MAX_PAGES,
) -> list[str]:
    """Visit every same-site page reachable from `start`, auditing each one. With
    `replay`, the page is shown with JavaScript off and audited through the replay page."""
    seen: list[str] = []
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or NOT_A_PAGE.search(path) or path.startswith("/cy/"):
            continue
        seen.append(path)
        response = page.goto(path)
        assert response is not None and response.status < 500, f"{label}: {path}"
        if replay is None:
            audit(page, f"{label}: {path}")
            queue += _links(page)
        else:
            audit_without_script(replay, page, f"{label}: {path}")
            queue += _links(replay)
    return seen


def _staff(live_instance: LiveInstance, role: str) -> str:
    return next(name for name, r in live_instance.staff.items() if r == role)


PUBLIC = ["/", "/report/", "/return/", "/help/", "/staying-safe/", "/sign-in/", "/respond/"]


def test_public_and_complainant_pages_javascript_off(
    browser: Browser, live_instance: LiveInstance, contexts: dict[str, BrowserContext]
) -> None:
    replay = contexts["auditor"].new_page()
    context = _new(browser, live_instance, java_script_enabled=False)
    try:
        page = context.new_page()
        visited = walk(page, [*PUBLIC, "/respond/join/"], label="public", replay=replay)
        assert {"/", "/help/", "/staying-safe/"} <= set(visited)
        return_with_receipt(page, live_instance.receipt)
        visited = walk(page, ["/my-report/"], label="anonymous complainant", replay=replay)
        assert len(visited) > 3, visited
    finally:
        context.close()
        replay.close()


def test_public_and_complainant_pages_javascript_on(
    browser: Browser, live_instance: LiveInstance
) -> None:
    """With JavaScript the pages differ only by Exit this page's Escape hint."""
    context = _new(browser, live_instance)
    try:
        page = context.new_page()
        walk(page, PUBLIC, label="public, JavaScript on", limit=len(PUBLIC))
        return_with_receipt(page, live_instance.receipt)
        walk(page, ["/my-report/"], label="complainant, JavaScript on", limit=4)
    finally:
        context.close()


def test_axe_finds_what_it_should(browser: Browser) -> None:
    """The check is not vacuous: a page with known faults fails it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<html><body><img src='x.png'><p>text</p></body></html>")
        found = {v["id"] for v in violations(page)}
        assert {"html-has-lang", "image-alt"} <= found
    finally:
        context.close()


def test_welsh_pages(browser: Browser, live_instance: LiveInstance) -> None:
    context = _new(browser, live_instance)
    try:
        page = context.new_page()
        for path in ("/cy/", "/cy/report/", "/cy/return/", "/cy/help/", "/cy/staying-safe/"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", "cy")
            audit(page, path)
        page.goto("/cy/")
        page.get_by_role("link", name="English").click()
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    finally:
        context.close()


def test_named_complainant_and_respondent_pages(
    browser: Browser, live_instance: LiveInstance
) -> None:
    context = _new(browser, live_instance)
    try:
        page = context.new_page()
        sign_in(page, live_instance.sign_in_name, live_instance.password)
        assert walk(page, ["/my-report/"], label="named complainant", limit=3)
    finally:
        context.close()
    code = _INVITATION.search(live_instance.log())
    if code is None:
        pytest.skip("the demo printed no respondent invitation")
    context = _new(browser, live_instance)
    try:
        page = context.new_page()
        page.goto("/respond/join/")
        page.get_by_label("Your invitation code").fill(" ".join(code.group(1).split()))
        page.get_by_label("Choose a password").fill("a respondent's own passphrase")
        page.get_by_label("Type the password again").fill("a respondent's own passphrase")
        page.get_by_role("button", name="Join").click()
        if page.get_by_role("heading", level=1).inner_text() != "You have joined":
            pytest.skip("the demo's invitation was already used")
        audit(page, "joined")
        assert contrast_of(page, ".panel--confirmation .receipt") >= 4.5
        assert len(walk(page, ["/respond/case/"], label="respondent", limit=8)) > 2
    finally:
        context.close()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_pages(browser: Browser, live_instance: LiveInstance, role: str) -> None:
    context = _new(browser, live_instance)
    try:
        page = context.new_page()
        sign_in(page, _staff(live_instance, role), live_instance.password)
        start = urlsplit(page.url).path
        assert walk(page, [start], label=role, limit=8)
    finally:
        context.close()


def test_pages_with_their_errors_shown(
    browser: Browser, live_instance: LiveInstance, contexts: dict[str, BrowserContext]
) -> None:
    replay = contexts["auditor"].new_page()
    context = _new(browser, live_instance, java_script_enabled=False)
    try:
        page = context.new_page()
        for path, button in (
            ("/report/", "Continue"),
            ("/return/", "Continue"),
            ("/sign-in/", "Sign in"),
            ("/respond/join/", "Join"),
        ):
            page.goto(path)
            page.get_by_role("button", name=button).click()
            expect(page.locator(".error-summary")).to_be_visible()
            audit_without_script(replay, page, f"{path} with errors")
        return_with_receipt(page, live_instance.receipt)
        page.goto("/my-report/add/")
        page.get_by_role("button", name="Add to my report").click()
        expect(page.locator(".error-summary")).to_be_visible()
        audit_without_script(replay, page, "/my-report/add/ with errors")
    finally:
        context.close()
        replay.close()


# --- Contrast, keyboard, zoom and reflow ----------------------------------------------------

_CONTRAST = """selector => {
  const el = document.querySelector(selector);
  const rgb = s => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = el, colour = 'rgba(0, 0, 0, 0)';
  while (bg && (colour === 'rgba(0, 0, 0, 0)' || colour === 'transparent')) {
    colour = getComputedStyle(bg).backgroundColor; bg = bg.parentElement; }
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(colour));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def contrast_of(page: Page, selector: str) -> float:
    """The WCAG contrast ratio of an element's text on its (first opaque) background."""
    ratio: float = page.evaluate(_CONTRAST, selector)
    return ratio


def _no_horizontal_scroll(page: Page) -> bool:
    fits: bool = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return fits


@pytest.mark.parametrize(
    ("width", "scale"), [(320, 1), (640, 2)], ids=["320px-reflow", "200%-zoom"]
)
def test_the_report_form_reflows(
    browser: Browser, live_instance: LiveInstance, width: int, scale: int
) -> None:
    """At 320 CSS pixels wide (and 1280 px at 200 % zoom, which is 640 CSS pixels) nothing
    needs scrolling sideways."""
    context = _new(
        browser, live_instance, viewport={"width": width, "height": 800}, device_scale_factor=scale
    )
    try:
        page = context.new_page()
        for path in ("/", "/report/", "/help/"):
            page.goto(path)
            assert _no_horizontal_scroll(page), f"{path} scrolls sideways at {width}px"
            expect(page.get_by_role("link", name="Exit this page")).to_be_in_viewport()
        page.get_by_role("link", name="Back").first.click()
        page.goto("/report/")
        page.get_by_role("button", name="Continue").click()
        # The refused form is a new page: measure it once it has come, not mid-navigation.
        expect(page.locator(".error-summary")).to_be_visible()
        assert _no_horizontal_scroll(page), "the report form's errors scroll sideways"
    finally:
        context.close()


def test_the_report_form_with_the_keyboard_alone(
    browser: Browser, live_instance: LiveInstance
) -> None:
    """Tab reaches the skip link first, then Exit this page; the form can be filled and
    sent with the keyboard; focus is always visible (GOV.UK's yellow)."""
    context = _new(browser, live_instance, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/report/")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Exit this page")).to_be_focused()
        page.get_by_role("link", name="Skip to main content").focus()
        page.keyboard.press("Enter")

        def tab_to(test: str) -> None:
            for _ in range(40):
                page.keyboard.press("Tab")
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline is not None
                if page.evaluate(test):
                    return
            raise AssertionError(f"Tab never reached {test}")

        continue_button = "document.activeElement.textContent.trim() === 'Continue'"
        tab_to("document.activeElement.id === 'id_anonymous_0'")  # the first question
        page.keyboard.press("Space")
        tab_to(continue_button)
        page.keyboard.press("Enter")
        expect(page.get_by_label("Which organisation is this about?")).to_be_visible()
        tab_to("document.activeElement.id === 'id_organisation'")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.type("The team office")
        page.keyboard.press("Enter")  # Enter in a text box continues (never goes Back)
        expect(page.get_by_role("heading", level=1)).to_have_text("What happened?")
        tab_to("document.activeElement.id === 'id_what_happened'")
        page.keyboard.type("He shouted at me in front of the team.")
        tab_to(continue_button)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("When did it happen?")
        tab_to(continue_button)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Who was involved")
        tab_to(continue_button)  # who was involved, left blank
        page.keyboard.press("Enter")
        expect(page.locator(".error-summary")).to_contain_text("Tell us who was involved")
    finally:
        context.close()
