"""A whole case in headless Chromium, from the report to the appeal decision, each person
on their own pages and in their own browser (JavaScript off for the complainant and the
respondent, as in Tor Browser's safest mode):

report (anonymous) → acknowledged, parties recorded, assessed, investigator allocated,
routed to investigation → the complainant and her advocate exchange messages → the
respondent is invited, told the allegations (one part redacted), joins, responds, names a
witness and writes to the investigator → both are interviewed → a draft report, both
parties comment → findings → a panel of three decides → the respondent appeals → the
administrator adds three panel members → a new panel decides the appeal, which closes the
case → each party sees the outcome; the liaison sees only the sanction; the log verifies.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import LocatorAssertions, Page, expect

from tests.browser.conftest import (
    LiveInstance,
    NewContext,
    return_with_receipt,
    send_report,
    sign_in,
)
from tests.e2e.conftest import run_ombuds

pytestmark = pytest.mark.browser


def _any(text: str) -> re.Pattern[str]:
    """An accessible name that starts with `text` (links may add "(1 new)")."""
    return re.compile(rf"^{re.escape(text)}")


def _notice(page: Page) -> LocatorAssertions:
    return expect(page.locator(".notification-banner"))


def _open_case(page: Page, reference: str) -> None:
    """From "Your cases", open the case by its reference."""
    page.goto("/cases/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")


def _choose(page: Page, group: str, option: str) -> None:
    """Check the radio (or checkbox) `option` within the fieldset whose legend is `group`."""
    page.get_by_role("group", name=group, exact=True).get_by_label(option, exact=True).check()


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    print(f"screenshot ({name}): {path}")


def test_a_whole_case_from_report_to_appeal_decision(
    new_context: NewContext, live_instance: LiveInstance, tmp_path: Path
) -> None:
    password = live_instance.password
    tag = uuid.uuid4().hex[:8]
    today = datetime.now(UTC).date().isoformat()

    def staff(username: str, secret: str = password) -> Page:
        """A member of staff, signed in on her own browser (JavaScript on)."""
        page = new_context().new_page()
        sign_in(page, username, secret)
        return page

    def party() -> Page:
        """A complainant's or respondent's browser: JavaScript off."""
        return new_context(java_script_enabled=False).new_page()

    account = {
        "what_happened": f"He sent me explicit messages every night after the hustings ({tag}).",
        "when": "Since the spring conference",
        "where": "By text message",
        "people_involved": f"The constituency chair ({tag})",
    }
    respondent_name = f"Alex Morgan {tag}"
    allegation_1 = f"That you sent the complainant sexual messages at night ({tag})."
    secret = f"the complainant's new phone number is 07700 900{tag[:3]}"
    allegation_2_typed = f"That you threatened her selection [redact]{secret}[/redact] ({tag})."
    allegation_2 = f"That you threatened her selection ({tag})."

    # 1. The complainant reports anonymously and keeps her seven words ----------------------
    reporting = party()
    sent = send_report(reporting, account, anonymous=True)
    reference, receipt = sent.reference, sent.receipt
    assert len(receipt.split()) == 7, receipt
    expect(reporting.locator("body")).to_contain_text("Your advocate, Sam Rivera")

    # 2. The case manager takes it to investigation -----------------------------------------
    manager = staff("casemanager")
    _open_case(manager, reference)
    main = manager.locator("main")
    expect(main).to_contain_text(account["what_happened"])
    expect(main).to_contain_text("Advocate: Sam Rivera")

    manager.get_by_role("link", name="Acknowledge the report").click()
    manager.get_by_role("button", name="Acknowledge the report").click()
    _notice(manager).to_contain_text("The report has been acknowledged.")

    manager.get_by_role("link", name="Record the parties").click()
    manager.get_by_label("Name of the person the complaint is about").fill(respondent_name)
    manager.get_by_label("Their branches, offices or units (optional)").fill("North branch")
    manager.get_by_role("button", name="Record the parties").click()
    _notice(manager).to_contain_text("The parties are recorded.")

    manager.get_by_role("link", name="Record the assessment").click()
    manager.get_by_label("Within the scheme's scope").check()
    manager.get_by_label("Medium").check()
    manager.get_by_role("button", name="Record the assessment").click()
    _notice(manager).to_contain_text("The assessment has been recorded.")

    manager.get_by_role("link", name="Allocate an investigator").click()
    manager.get_by_role("button", name="Ask the pool for an investigator").click()
    _notice(manager).to_contain_text("Jo Okafor has been allocated as the investigator")

    manager.get_by_role("link", name="Route the case").click()
    manager.get_by_label("A formal investigation").check()
    manager.get_by_role("button", name="Route the case").click()
    _notice(manager).to_contain_text("The case has been routed.")
    expect(manager.locator(".summary-list").first).to_contain_text("Investigation")

    # 3. She comes back with her seven words and writes to her advocate ---------------------
    complainant = party()
    return_with_receipt(complainant, receipt)
    status = complainant.locator(".summary-list").first
    expect(status).to_contain_text(reference)
    expect(status).to_contain_text("Sam Rivera")
    expect(status).to_contain_text("Your complaint is being investigated")
    to_advocate = f"Can you come with me to the interview? ({tag})"
    complainant.get_by_role("link", name=_any("Messages with your advocate")).click()
    complainant.get_by_label("Your message").fill(to_advocate)
    complainant.get_by_role("button", name="Send message").click()
    expect(complainant.locator(".timeline")).to_contain_text(to_advocate)

    advocate = staff("advocate")
    _open_case(advocate, reference)
    advocate.get_by_role("link", name="Messages with the complainant (1 new)").click()
    expect(advocate.locator(".timeline")).to_contain_text(to_advocate)
    to_complainant = f"Yes, I will be there with you ({tag})."
    advocate.get_by_label("Your message").fill(to_complainant)
    advocate.get_by_role("button", name="Send message").click()
    expect(advocate.locator(".timeline")).to_contain_text(to_complainant)

    complainant.goto("/my-report/")
    complainant.get_by_role("link", name="Messages with your advocate (1 new)").click()
    expect(complainant.locator(".timeline")).to_contain_text(to_complainant)

    # 4. The investigator invites the respondent, discloses, interviews the complainant ------
    investigator = staff("investigator")
    _open_case(investigator, reference)
    investigator.get_by_role("link", name="Invite the respondent").click()
    investigator.get_by_role("button", name="Invite the respondent").click()
    expect(investigator.get_by_role("heading", level=1)).to_have_text("Respondent invited")
    code = " ".join(investigator.locator("p.receipt").inner_text().split())
    assert len(code.split()) == 7, code
    investigator.get_by_role("link", name="Back to the case").last.click()

    investigator.get_by_role("link", name="Disclose the allegations").click()
    investigator.get_by_label("Allegation 1", exact=True).fill(allegation_1)
    investigator.get_by_role("button", name="Add another allegation").click()
    investigator.get_by_label("Allegation 2", exact=True).fill(allegation_2_typed)
    investigator.get_by_role("button", name="Continue").click()
    expect(investigator.get_by_role("heading", level=1)).to_have_text(
        "Check what the respondent will read"
    )
    check = investigator.locator("main .summary-list")
    expect(check).to_contain_text(allegation_1)
    expect(check).to_contain_text(allegation_2)
    expect(check).not_to_contain_text(secret)
    investigator.get_by_role("button", name="Disclose to the respondent").click()
    _notice(investigator).to_contain_text("The allegations have been disclosed")

    def record_interview(who: str, notes: str) -> None:
        investigator.get_by_role("link", name="Record an interview").click()
        investigator.get_by_label(who, exact=True).check()
        held_on = investigator.get_by_role("group", name="Date of the interview")
        for box, number in zip(("Day", "Month", "Year"), reversed(today.split("-")), strict=True):
            held_on.get_by_label(box, exact=True).fill(number)
        investigator.get_by_label("Interview notes").fill(notes)
        investigator.get_by_role("button", name="Record the interview").click()
        _notice(investigator).to_be_visible()
        expect(investigator.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")

    complainant_notes = f"The complainant described the messages and showed them ({tag})."
    record_interview("The complainant", complainant_notes)

    # 5. The respondent joins with the code, reads the allegations, responds, writes --------
    respondent = party()
    respondent.goto("/respond/join/")
    respondent_password = f"my own pass {tag}"
    respondent.get_by_label("Your invitation code").fill(code)
    respondent.get_by_label("Choose a password").fill(respondent_password)
    respondent.get_by_label("Type the password again").fill(respondent_password)
    respondent.get_by_role("button", name="Join").click()
    expect(respondent.get_by_role("heading", level=1)).to_have_text("You have joined")
    respondent_sign_in = respondent.locator("strong.receipt").inner_text().strip()
    assert respondent_sign_in, "no sign-in name shown"
    respondent.get_by_role("button", name="Continue to your case").click()
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Your case")
    respondent_main = respondent.locator("main")
    expect(respondent_main).to_contain_text(reference)
    expect(respondent_main).to_contain_text("Being investigated")
    allegations = respondent.locator("main .summary-list").nth(1)
    expect(allegations).to_contain_text(allegation_1)
    expect(allegations).to_contain_text(allegation_2)
    for hidden in (secret, account["what_happened"], account["people_involved"], "[redact]"):
        expect(respondent_main).not_to_contain_text(hidden)
    _shot(respondent, tmp_path, "respondent-case")

    respondent.get_by_role("link", name="Respond to the allegations").click()
    response_text = f"I deny both allegations; the messages were about party business ({tag})."
    witness = f"Jamie Patel {tag}"
    respondent.get_by_label("Your response").fill(response_text)
    respondent.get_by_label("Witness 1: name").fill(witness)
    respondent.get_by_label("Witness 1: how they can help").fill("Was at the hustings.")
    respondent.get_by_role("button", name="Send your response").click()
    _notice(respondent).to_contain_text("Your response has been sent to the investigator.")

    to_investigator = f"I can come to an interview on any weekday ({tag})."
    respondent.get_by_role("link", name=_any("Messages with the investigator")).click()
    respondent.get_by_label("Your message").fill(to_investigator)
    respondent.get_by_role("button", name="Send message").click()
    expect(respondent.locator(".timeline")).to_contain_text(to_investigator)

    # 6. Her interview, a draft both parties comment on, then the findings -----------------
    _open_case(investigator, reference)
    investigator.get_by_role("link", name="Messages with the respondent (1 new)").click()
    expect(investigator.locator(".timeline")).to_contain_text(to_investigator)
    _open_case(investigator, reference)
    investigator.get_by_role(
        "link", name="The respondent's side: allegations, responses, evidence"
    ).click()
    expect(investigator.locator("main")).to_contain_text(response_text)
    expect(investigator.locator("main")).to_contain_text(f"Witness: {witness}")
    _open_case(investigator, reference)
    record_interview("The respondent", f"The respondent denied both allegations ({tag}).")

    investigator.get_by_role("link", name="Share a draft report").click()
    for number in (1, 2):
        _choose(investigator, f"Finding on allegation {number}", "Upheld")
        investigator.get_by_label(f"Reasons for the finding on allegation {number}").fill(
            f"The messages themselves show it ({tag}, {number})."
        )
    investigator.get_by_label("Summary", exact=True).fill(f"Both allegations upheld ({tag}).")
    investigator.get_by_role("button", name="Share the draft with both parties").click()
    _notice(investigator).to_be_visible()

    complainant_comment = f"The dates in the summary are right ({tag})."
    complainant.goto("/my-report/")
    complainant.get_by_role("link", name="Comment on the draft report").click()
    expect(complainant.locator("main")).to_contain_text(allegation_1)
    complainant.get_by_label("Your comments").fill(complainant_comment)
    complainant.get_by_role("button", name="Send your comments").click()
    _notice(complainant).to_contain_text("Your comments have been sent to the investigator.")

    # The respondent signs in again with the name she was given, in a fresh browser.
    respondent = party()
    sign_in(respondent, respondent_sign_in, respondent_password)
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Your case")
    respondent_comment = f"The messages were not sexual ({tag})."
    respondent.get_by_role("link", name="Comment on the draft report").click()
    draft = respondent.locator("main")
    expect(draft).to_contain_text(allegation_2)
    expect(draft).not_to_contain_text(secret)
    respondent.get_by_label("Your comments").fill(respondent_comment)
    respondent.get_by_role("button", name="Send your comments").click()
    _notice(respondent).to_contain_text("Your comments have been sent to the investigator.")

    _open_case(investigator, reference)
    investigator.get_by_role("link", name="Record the findings").click()
    comments = investigator.locator("details")
    expect(comments).to_contain_text(complainant_comment)
    expect(comments).to_contain_text(respondent_comment)
    for number in (1, 2):  # carried over from the draft
        finding = investigator.get_by_role("group", name=f"Finding on allegation {number}")
        expect(finding.get_by_label("Upheld", exact=True)).to_be_checked()
    investigator.get_by_role("button", name="Record the findings").click()
    _notice(investigator).to_be_visible()
    expect(investigator.locator(".summary-list").first).to_contain_text("Findings")

    # 7. A panel of three decides ------------------------------------------------------------
    _open_case(manager, reference)
    manager.get_by_role("link", name="Allocate the decision panel").click()
    manager.get_by_role("button", name="Ask the pool for the decision panel").click()
    for name in ("Chris Lee", "Dana Novak", "Eli Brown"):
        _notice(manager).to_contain_text(name)

    def propose(member: Page, sanctions: tuple[str, ...], reasons: str, heading: str) -> None:
        _open_case(member, reference)
        member.get_by_role("link", name=heading).click()
        member.get_by_role("link", name="Propose a decision").click()
        for sanction in sanctions:
            _choose(member, "Sanctions", sanction)
        member.get_by_label("The panel's reasons").fill(reasons)
        member.get_by_role("button", name="Propose this decision").click()
        _notice(member).to_contain_text("Your proposal has been recorded.")

    def sign(member: Page, heading: str) -> None:
        _open_case(member, reference)
        member.get_by_role("link", name=heading).click()
        member.get_by_role("link", name="Read and sign the proposal").click()
        member.get_by_role("button", name="Sign this decision").click()
        _notice(member).to_contain_text("You have signed the proposed decision.")

    first_reasons = f"Both allegations are upheld on the evidence of the messages ({tag})."
    panel = [staff(username) for username in ("panel1", "panel2", "panel3")]
    propose(panel[0], ("A formal reprimand", "Training"), first_reasons, "Decide on the findings")
    sign(panel[1], "Decide on the findings")
    sign(panel[2], "Decide on the findings")
    recorder = panel[2]
    recorder.get_by_role("link", name="Decide on the findings").click()
    expect(recorder.locator("main")).to_contain_text("3 of 3 members have signed")
    recorder.get_by_role("link", name="Record the panel's decision").click()
    recorder.get_by_role("button", name="Record the decision").click()
    _notice(recorder).to_contain_text("The decision has been recorded.")
    recorder.get_by_role("link", name="See the panel's decision").click()
    expect(recorder.locator("main")).to_contain_text("A formal reprimand")
    expect(recorder.locator("main")).to_contain_text(first_reasons)
    _shot(recorder, tmp_path, "panel-decision")

    # 8. The respondent sees the decision and appeals; the complainant sees the appeal ------
    respondent.goto("/respond/case/")
    expect(respondent.locator("main")).to_contain_text("The panel has made its decision")
    respondent.get_by_role("link", name="See the decision").click()
    decision = respondent.locator("main")
    expect(decision).to_contain_text("A formal reprimand")
    expect(decision).to_contain_text("Training")
    expect(decision).to_contain_text(first_reasons)
    expect(decision).not_to_contain_text(secret)
    respondent.get_by_role("link", name="Appeal the decision").click()
    grounds = f"Training is enough; a reprimand is out of proportion ({tag})."
    respondent.get_by_label("Your grounds of appeal").fill(grounds)
    respondent.get_by_role("button", name="Send my appeal").click()
    _notice(respondent).to_contain_text("Your appeal has been sent.")
    expect(respondent.locator("main")).to_contain_text("You appealed this decision.")

    complainant.goto("/my-report/")
    expect(complainant.locator(".summary-list").first).to_contain_text(
        "The decision has been appealed"
    )
    complainant.get_by_role("link", name="See the decision").click()
    expect(complainant.locator("main")).to_contain_text(
        "The person you reported appealed this decision."
    )
    expect(complainant.locator("main")).not_to_contain_text(grounds)

    # 9. Three new panel members, who never handled the case, decide the appeal -------------
    admin = staff("admin")
    newcomers = [
        (f"appeal{n}.{tag}", f"Appeal Member {n} {tag}", f"violet harbour quietly {n} {n}")
        for n in (1, 2, 3)
    ]
    for username, display_name, initial in newcomers:
        admin.goto("/admin-area/staff/new/")
        admin.get_by_label("Sign-in name").fill(username)
        admin.get_by_label("Display name").fill(display_name)
        admin.get_by_label("Role").select_option(label="Panel member")
        admin.get_by_label("Initial password", exact=True).fill(initial)
        admin.get_by_label("Initial password again").fill(initial)
        admin.get_by_role("button", name="Create account").click()
        _notice(admin).to_contain_text(f"The account {username} has been created.")
    appeal_panel = [staff(username, initial) for username, _, initial in newcomers]
    for member in appeal_panel:
        expect(member.get_by_role("heading", level=1)).to_have_text("Your cases")

    _open_case(manager, reference)
    manager.get_by_role("link", name="Allocate the appeal panel").click()
    manager.get_by_role("button", name="Ask the pool for the appeal panel").click()
    for _, display_name, _ in newcomers:
        _notice(manager).to_contain_text(display_name)

    appeal_reasons = f"Training alone answers the conduct found ({tag})."
    propose(appeal_panel[0], ("Training",), appeal_reasons, "Decide the appeal")
    sign(appeal_panel[1], "Decide the appeal")
    sign(appeal_panel[2], "Decide the appeal")
    recorder = appeal_panel[1]
    recorder.get_by_role("link", name="Decide the appeal").click()
    expect(recorder.locator("main")).to_contain_text(grounds)
    recorder.get_by_role("link", name="Record the appeal decision").click()
    recorder.get_by_role("button", name="Record the decision").click()
    _notice(recorder).to_contain_text("It is final, and the case is closed.")

    # 10. Everyone sees the end, each on their own pages -------------------------------------
    complainant.goto("/my-report/")
    expect(complainant.locator(".summary-list").first).to_contain_text("Your case is closed")
    _shot(complainant, tmp_path, "complainant-final-status")
    complainant.get_by_role("link", name="See the decision").click()
    outcome = complainant.locator("main")
    expect(outcome).to_contain_text("The appeal has been decided")
    expect(outcome).to_contain_text(appeal_reasons)

    respondent.goto("/respond/case/")
    expect(respondent.locator(".summary-list").first).to_contain_text("Closed")
    respondent.get_by_role("link", name="See the decision").click()
    outcome = respondent.locator("main")
    expect(outcome).to_contain_text("The appeal has been decided")
    expect(outcome).to_contain_text(appeal_reasons)
    expect(respondent.get_by_role("link", name="Appeal the decision")).to_have_count(0)

    # The liaison: two notices (the decision, then the appeal's, newest first), each only
    # the person and the sanctions to implement.
    liaison = staff("liaison")
    expect(liaison).to_have_url(re.compile(r"/liaison/$"))
    notices = liaison.locator("main .summary-card").filter(has_text=reference)
    expect(notices).to_have_count(2)
    for notice in (notices.first, notices.last):
        expect(notice).to_contain_text(respondent_name)
        expect(notice).to_contain_text("Training")
    expect(notices.first).to_contain_text("Decided on appeal")
    expect(notices.first).not_to_contain_text("A formal reprimand")
    expect(notices.last).to_contain_text("A formal reprimand")
    body = liaison.locator("body")
    for never in (
        allegation_1,
        allegation_2,
        secret,
        account["what_happened"],
        first_reasons,
        appeal_reasons,
        grounds,
        tag + ").",
    ):
        expect(body).not_to_contain_text(never)

    # The auditor's page shows the last stored run, as cron's `ombuds verify` leaves it.
    verified = run_ombuds(
        "verify", "--data-dir", str(live_instance.data_dir), env=live_instance.env()
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    auditor = staff("auditor")
    expect(auditor).to_have_url(re.compile(r"/oversight/$"))
    expect(auditor.locator("main")).to_contain_text("The log verifies")
