"""A vetting check in headless Chromium, as the liaison and as the person checked (her
browser with JavaScript off):

a report names a person → it is taken to investigation and the respondent joins → the
demo's liaison (allowed to vet) checks the person under another spelling, first without a
purpose (refused, the error linked to its field) → "Record: an open investigation" →
the respondent sees the check, its purpose and today's answer on her own page, and adds
a comment → the liaison's next check shows it with the answer.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveInstance, NewContext, fill_report_form, sign_in

pytestmark = pytest.mark.browser

PURPOSE = "Appointment to the shadow cabinet"


def _notice(page: Page) -> None:
    expect(page.locator(".notification-banner")).to_be_visible()


def _to_investigation(manager: Page, investigator: Page, reference: str) -> str:
    """The case manager routes the case to investigation; the investigator invites the
    respondent. Returns the invitation code."""
    manager.goto("/cases/")
    manager.get_by_role("link", name=reference, exact=True).click()
    manager.get_by_role("link", name="Acknowledge the report").click()
    manager.get_by_role("button", name="Acknowledge the report").click()
    manager.get_by_role("link", name="Record the assessment").click()
    manager.get_by_label("Within the scheme's scope").check()
    manager.get_by_label("Medium").check()
    manager.get_by_role("button", name="Record the assessment").click()
    manager.get_by_role("link", name="Allocate an investigator").click()
    manager.get_by_role("button", name="Ask the pool for an investigator").click()
    manager.get_by_role("link", name="Route the case").click()
    manager.get_by_label("A formal investigation").check()
    manager.get_by_role("button", name="Route the case").click()
    _notice(manager)
    investigator.goto("/cases/")
    investigator.get_by_role("link", name=reference, exact=True).click()
    investigator.get_by_role("link", name="Invite the respondent").click()
    investigator.get_by_role("button", name="Invite the respondent").click()
    return " ".join(investigator.locator("p.receipt").inner_text().split())


def test_a_vetting_check_as_the_liaison_and_as_the_person_checked(
    new_context: NewContext, live_instance: LiveInstance
) -> None:
    password = live_instance.password
    tag = "".join(c for c in uuid.uuid4().hex if c.isalpha())[:6] or "quill"
    named = f"Robin Quill{tag}"

    def staff(username: str) -> Page:
        page = new_context().new_page()
        sign_in(page, username, password)
        return page

    # A report naming the person, taken to investigation; the respondent joins.
    reporting = new_context(java_script_enabled=False).new_page()
    reporting.goto("/report/")
    answers = {
        "what_happened": f"Unwanted comments ({tag}).",
        "people_involved": "An MP",
        "respondent_name": named,
    }
    fill_report_form(reporting, answers, anonymous=True)
    reporting.get_by_role("button", name="Send report").click()
    reference = reporting.locator(".panel__body strong").inner_text().strip()
    code = _to_investigation(staff("casemanager"), staff("investigator"), reference)

    respondent = new_context(java_script_enabled=False).new_page()
    respondent.goto("/respond/join/")
    respondent.get_by_label("Your invitation code").fill(code)
    respondent.get_by_label("Choose a password").fill(f"her own passphrase {tag}")
    respondent.get_by_label("Type the password again").fill(f"her own passphrase {tag}")
    respondent.get_by_role("button", name="Join").click()
    respondent.get_by_role("button", name="Continue to your case").click()
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Your case")

    # The liaison: refused without a purpose, then answered, under another spelling.
    liaison = staff("liaison")
    liaison.get_by_role("link", name="Make a vetting check before an appointment").click()
    expect(liaison.get_by_role("heading", level=1)).to_have_text("Vetting check")
    liaison.get_by_label("Their full name").fill(f"Quill{tag}, Robin MP")
    liaison.get_by_role("button", name="Make the check").click()
    summary = liaison.locator(".error-summary")
    expect(summary).to_contain_text("Say why you are asking")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_purpose")
    expect(liaison.get_by_label("Their full name")).to_have_value(f"Quill{tag}, Robin MP")
    liaison.get_by_label("Why you are asking").fill(PURPOSE)
    liaison.get_by_role("button", name="Make the check").click()
    answer = liaison.locator("#answer")
    expect(answer).to_contain_text("Record:")
    expect(answer).to_contain_text("An open investigation")
    expect(answer).not_to_contain_text("Unwanted comments")
    expect(liaison.locator("main")).not_to_contain_text(named)

    # The person checked: told, with the purpose; today's answer; her comment.
    respondent.get_by_role("link", name="Vetting checks about you").click()
    main = respondent.locator("main")
    expect(main).to_contain_text(PURPOSE)
    expect(main).to_contain_text("An open investigation")
    comment = f"I dispute the complaint and have appealed ({tag})."
    respondent.get_by_label("Your comment").fill(comment)
    respondent.get_by_role("button", name="Save my comment").click()
    expect(respondent.locator(".notification-banner")).to_contain_text("Your comment is saved.")
    respondent.goto("/cy/respond/vetting/")
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Gwiriadau fetio amdanoch chi")

    # The liaison's next check carries her comment with the answer.
    liaison.get_by_label("Their full name").fill(named)
    liaison.get_by_label("Why you are asking").fill(PURPOSE)
    liaison.get_by_role("button", name="Make the check").click()
    expect(liaison.locator("#answer")).to_contain_text(comment)
    expect(liaison.locator("table")).to_contain_text(re.compile(PURPOSE))
