"""axe-core (shipped by the axe-playwright-python package, not copied here) on live pages.

`audit(page)` runs axe on the page as it is shown, at WCAG 2.0, 2.1 and 2.2 levels A and
AA, and fails with each violation's rule, help text and elements. axe needs JavaScript in
the page: a page shown with JavaScript off is audited by `audit_without_script`, which
loads the same address in a JavaScript-on page whose own scripts are blocked (the DOM a
person with JavaScript off gets, since the site's only script is "Exit this page").
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Route

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
_AXE = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _AXE.run(page, options=OPTIONS).response["violations"]
    return found


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return "\n".join(lines)


def audit(page: Page, label: str = "") -> None:
    """Fail if axe finds a WCAG 2.2 A or AA violation on the page as shown."""
    found = violations(page)
    assert not found, f"{label or page.url}:\n{describe(found)}"


def block_scripts(context: BrowserContext) -> None:
    """The site's own scripts never run in this context: what JavaScript-off people see."""

    def abort(route: Route) -> None:
        route.abort()

    context.route("**/static/js/**", abort)


def audit_without_script(auditor: Page, page: Page, label: str = "") -> None:
    """Audit what a JavaScript-off `page` shows, replayed in `auditor` (scripts blocked):
    the same HTML at the same address, with the same stylesheet."""
    html = page.content()
    url = page.url

    def serve(route: Route) -> None:
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    auditor.route(url, serve)
    try:
        auditor.goto(url)
        audit(auditor, f"{label or url} (JavaScript off)")
    finally:
        auditor.unroute(url, serve)
