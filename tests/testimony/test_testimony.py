"""Collated testimony: she consents, her advocate prepares the text, she approves it; an
organisation's accounts appear on the transparency page only at five, and hers disappears
when she withdraws. Her pages are in Welsh; the public page shows nothing of any case."""

from __future__ import annotations

import pytest
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant, handler_participant
from ombuds.intake.services import Submission, report_submit
from ombuds.lib.errors import NotPermitted, TransitionRefused
from ombuds.people.models import Organisation
from ombuds.people.services import person_unlock_key
from ombuds.testimony import services  # its functions start with "test": not imported
from ombuds.testimony.models import ApprovedAccount
from tests.conftest import PASSWORD, Cast, an_account, sign_in, sign_in_with_receipt

pytestmark = pytest.mark.django_db


def _advocate(cast: Cast, case: Case) -> Participant:
    key = person_unlock_key(person=cast.advocate, password=PASSWORD)
    return handler_participant(cast.advocate, Case.objects.get(pk=case.pk), key)


def _approved(cast: Cast, report: Submission, text: str) -> None:
    her = complainant_participant(report.access)
    services.testimony_consent(participant=her, account=f"My own words: {text}")
    case = Case.objects.get(pk=report.case.pk)
    services.testimony_draft(
        participant=_advocate(cast, case), text=text, expected_version=case.version
    )
    services.testimony_approve(participant=complainant_participant(report.access), draft=1)


def _report(organisation: Organisation) -> Submission:
    return report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


def test_accounts_appear_only_at_five_and_go_on_withdrawal(
    cast: Cast, organisation: Organisation
) -> None:
    reports = [_report(organisation) for _ in range(5)]
    public = Client()
    for n, report in enumerate(reports[:4]):
        _approved(cast, report, f"Account number {n}.")
    assert public.get(f"/transparency/testimony/{organisation.slug}/").status_code == 404
    assert organisation.name.encode() not in public.get("/transparency/testimony/").content
    _approved(cast, reports[4], "Account number 4.")
    page = public.get(f"/transparency/testimony/{organisation.slug}/")
    assert page.status_code == 200
    for n in range(5):
        assert f"Account number {n}.".encode() in page.content
    text = page.content.decode()
    assert "My own words" not in text  # only the approved text, never her draft
    for report in reports:
        assert report.case.reference not in text
    # She withdraws: hers goes, and with four left nothing is shown.
    services.testimony_withdraw(participant=complainant_participant(reports[0].access))
    assert ApprovedAccount.objects.count() == 4
    assert public.get(f"/transparency/testimony/{organisation.slug}/").status_code == 404


def test_only_the_latest_draft_can_be_approved_and_only_by_her(
    cast: Cast, organisation: Organisation, anonymous_report: Submission
) -> None:
    her = complainant_participant(anonymous_report.access)
    case = anonymous_report.case
    with pytest.raises(TransitionRefused):
        services.testimony_draft(
            participant=_advocate(cast, case), text="Too early.", expected_version=case.version
        )
    services.testimony_consent(participant=her, account="")
    for text in ("First.", "Second."):
        fresh = Case.objects.get(pk=case.pk)
        services.testimony_draft(
            participant=_advocate(cast, fresh), text=text, expected_version=fresh.version
        )
    with pytest.raises(TransitionRefused, match="changed the text"):
        services.testimony_approve(
            participant=complainant_participant(anonymous_report.access), draft=1
        )
    with pytest.raises(NotPermitted):
        services.testimony_approve(participant=_advocate(cast, case), draft=2)
    assert not ApprovedAccount.objects.exists()
    services.testimony_approve(
        participant=complainant_participant(anonymous_report.access), draft=2
    )
    assert ApprovedAccount.objects.count() == 1
    assert b"Second." not in bytes(ApprovedAccount.objects.get().sealed)  # sealed at rest


def test_her_pages_in_welsh_and_her_advocates(
    client: Client, cast: Cast, anonymous_report: Submission
) -> None:
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    assert (
        "Rhannu eich profiad yn ddienw" in client.get("/cy/my-report/testimony/").content.decode()
    )
    missing = client.post("/my-report/testimony/", {"account": "Kept words."})
    assert missing.status_code == 400 and b"Kept words." in missing.content
    assert b'href="#id_consent"' in missing.content
    done = client.post("/my-report/testimony/", {"account": "Kept words.", "consent": "on"})
    assert done.status_code == 302
    advocate = Client()
    sign_in(advocate, cast.advocate.username)
    reference = anonymous_report.case.reference
    page = advocate.get(f"/cases/{reference}/testimony/")
    assert page.status_code == 200 and b"Kept words." in page.content
    version = Case.objects.get(pk=anonymous_report.case.pk).version
    sent = advocate.post(
        f"/cases/{reference}/testimony/", {"version": version, "text": "Redacted."}
    )
    assert sent.status_code == 302
    mine = client.get("/my-report/testimony/")
    assert b"Redacted." in mine.content
    assert client.post("/my-report/testimony/", {"draft": "1"}).status_code == 302
    assert ApprovedAccount.objects.count() == 1
    assert client.post("/my-report/testimony/withdraw/").status_code == 302
    assert not ApprovedAccount.objects.exists()
