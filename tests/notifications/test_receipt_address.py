"""A complainant who came back by receipt (no account) gives, changes or withdraws a
contact address on her own page, in the language she reads; a sweep that tells her of
an update then e-mails her through a real SMTP server on loopback, with no case
reference or content; a withdrawal stops it; a bad address changes nothing; the outbox
names exactly one recipient, a person or a receipt holder."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.participants import handler_participant
from ombuds.checkins.services import checkin_record
from ombuds.deadlines.delays import delay_explain
from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.deadlines.worker import sweep_once
from ombuds.intake.services import Submission, report_submit
from ombuds.notifications.messages import RECEIPT_UPDATE, UPDATE
from ombuds.notifications.models import Outbox, ReceiptAddress
from ombuds.notifications.services import (
    complainant_notify,
    outbox_add_for_holder,
    outbox_flush,
    receipt_address_of,
    receipt_address_set,
)
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from tests.checkins.conftest import CLOSED_AT, FIRST_DUE, advocate_of, close
from tests.conftest import PASSWORD, Cast, an_account, sign_in, sign_in_with_receipt
from tests.notifications.conftest import Inbox

pytestmark = pytest.mark.django_db

PAGE = "/my-report/notifications/"
ADDRESS = "quiet.reporter@example.org"
MONDAY = datetime(2026, 11, 23, 10, tzinfo=UTC)  # report received; acknowledgement due Wed
TUESDAY = datetime(2026, 11, 24, 9, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 26, 9, tzinfo=UTC)
ACCOUNT_WORDS = ("councillor", "meeting", "office")  # from the conftest report


def report(organisation: Organisation) -> Submission:
    submission = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )
    assert submission.receipt
    return submission


def signed_in(submission: Submission) -> Client:
    client = Client()
    assert submission.receipt
    sign_in_with_receipt(client, submission.receipt)
    return client


def text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_she_gives_an_address_and_a_sweep_mails_her_nothing_but_sign_in(
    smtp: tuple[Inbox, int], cast: Cast, organisation: Organisation
) -> None:
    inbox, _ = smtp
    with time_machine.travel(MONDAY, tick=False):
        submission = report(organisation)
    case = submission.case
    holder = submission.access.holder
    with time_machine.travel(THURSDAY, tick=False):
        client = signed_in(submission)
        status = text(client.get("/my-report/"))
        assert f'href="{PAGE}"' in status and "Get an e-mail when there is an update" in status
        page = text(client.get(PAGE))
        assert "This is optional." in page
        assert "never give your case reference" in page
        assert "the scheme's server keeps it" in page
        assert "a stolen copy of the database alone does not reveal it" in page
        saved = client.post(PAGE, {"email": ADDRESS})
        assert saved.status_code == 302 and saved["Location"] == "/my-report/"
        assert "We will e-mail you when there is an update." in text(client.get("/my-report/"))
        assert receipt_address_of(holder) == ADDRESS
        assert f'value="{ADDRESS}"' in text(client.get(PAGE))  # her own page shows it

    # The acknowledgement is missed; the case manager explains; both parties are told.
    with time_machine.travel(TUESDAY, tick=False):
        deadlines_sweep(TUESDAY)
    with time_machine.travel(THURSDAY, tick=False):
        assert deadlines_sweep(THURSDAY).escalated == 1
        assert not Outbox.objects.filter(holder=holder).exists()
        key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
        manager = handler_participant(cast.case_manager, Case.objects.get(pk=case.pk), key)
        delay_explain(participant=manager, reason="workload", new_date=date(2026, 11, 30))
        row = Outbox.objects.get(holder=holder)
        assert row.recipient_id is None and row.kind == RECEIPT_UPDATE and row.sent_at is None
        sweep_once(THURSDAY, worker="sweeper", say=lambda _line: None)

    mine = [m for m in inbox.messages if m["To"] == ADDRESS]
    assert len(mine) == 1
    body = mine[0].get_payload()
    assert mine[0]["Subject"] == "Ombuds: There is an update for you"
    assert "Sign in with the seven words of your receipt." in body
    assert "/return/" in body
    raw = b"".join(inbox.raw).decode("utf-8", "replace").lower()
    for word in (case.reference, str(case.id), holder, holder.removeprefix("receipt:")):
        assert word.lower() not in raw, word
    for word in ACCOUNT_WORDS:
        assert word not in raw, word
    assert Outbox.objects.get(holder=holder).sent_at is not None


def test_her_advocates_check_in_reaches_her_by_receipt(
    smtp: tuple[Inbox, int], cast: Cast, organisation: Organisation
) -> None:
    """After closure the advocate checks in; the sweep tells her, and nothing of the
    check-in's message is in the e-mail."""
    inbox, _ = smtp
    with time_machine.travel(MONDAY, tick=False):
        submission = report(organisation)
    with time_machine.travel(CLOSED_AT, tick=False):
        close(submission.case, cast.case_manager)
        assert signed_in(submission).post(PAGE, {"email": ADDRESS}).status_code == 302
    with time_machine.travel(FIRST_DUE, tick=False):
        checkin_record(
            participant=advocate_of(submission.case, cast.advocate),
            message="Checking in about the branch meeting.",
        )
        sweep_once(FIRST_DUE, worker="sweeper", say=lambda _line: None)
    mine = [m for m in inbox.messages if m["To"] == ADDRESS]
    assert len(mine) == 1
    raw = b"".join(inbox.raw).decode("utf-8", "replace").lower()
    assert "branch" not in raw and submission.case.reference.lower() not in raw
    assert "sign in with the seven words of your receipt" in raw


def test_withdrawing_her_address_stops_the_mail(
    smtp: tuple[Inbox, int], cast: Cast, organisation: Organisation
) -> None:
    inbox, _ = smtp
    submission = report(organisation)
    holder = submission.access.holder
    client = signed_in(submission)
    assert client.post(PAGE, {"email": ADDRESS}).status_code == 302
    assert complainant_notify(case=submission.case, now=MONDAY)
    assert Outbox.objects.filter(holder=holder, sent_at__isnull=True).count() == 1

    page = text(client.get(PAGE))
    assert "Delete my address" in page
    gone = client.post(PAGE, {"withdraw": "1"})
    assert gone.status_code == 302 and gone["Location"] == "/my-report/"
    assert not ReceiptAddress.objects.filter(holder=holder).exists()
    assert not Outbox.objects.filter(holder=holder).exists()  # her unsent row went with it
    assert "Delete my address" not in text(client.get(PAGE))
    assert not complainant_notify(case=submission.case, now=MONDAY)
    assert outbox_flush(now=MONDAY).sent == 0
    assert inbox.messages == []

    # Saving the field empty withdraws it too, and forgets the mail already sent to it:
    # nothing is left that says her case's holder was ever written to.
    assert client.post(PAGE, {"email": ADDRESS}).status_code == 302
    assert complainant_notify(case=submission.case, now=MONDAY)
    assert outbox_flush(now=MONDAY).sent == 1
    assert Outbox.objects.filter(holder=holder, sent_at__isnull=False).count() == 1
    assert client.post(PAGE, {"email": ""}).status_code == 302
    assert receipt_address_of(holder) == ""
    assert not Outbox.objects.filter(holder=holder).exists()


def test_a_bad_address_is_refused_and_nothing_changes(
    cast: Cast, organisation: Organisation
) -> None:
    submission = report(organisation)
    holder = submission.access.holder
    client = signed_in(submission)
    assert client.post(PAGE, {"email": ADDRESS}).status_code == 302
    sealed_before = bytes(ReceiptAddress.objects.get(holder=holder).sealed)

    refused = client.post(PAGE, {"email": "not an address"})
    page = text(refused)
    assert refused.status_code == 400
    assert "Enter an e-mail address like name@example.org." in page
    assert 'value="not an address"' in page  # nothing typed is lost
    assert bytes(ReceiptAddress.objects.get(holder=holder).sealed) == sealed_before
    assert receipt_address_of(holder) == ADDRESS

    welsh = client.post(f"/cy{PAGE}", {"email": "not an address"})
    assert welsh.status_code == 400
    assert "Enter an e-mail address like" not in text(welsh)
    assert receipt_address_of(holder) == ADDRESS


def test_in_welsh_the_page_and_her_mail_are_welsh(
    smtp: tuple[Inbox, int], cast: Cast, organisation: Organisation
) -> None:
    inbox, _ = smtp
    submission = report(organisation)
    client = signed_in(submission)
    page = text(client.get(f"/cy{PAGE}"))
    assert '<html lang="cy">' in page and "This is optional." not in page
    assert client.post(f"/cy{PAGE}", {"email": ADDRESS}).status_code == 302
    assert ReceiptAddress.objects.get().language == "cy"
    assert complainant_notify(case=submission.case, now=MONDAY)
    assert outbox_flush(now=MONDAY).sent == 1
    message = inbox.messages[0]
    assert message["Subject"] == "Ombuds: Mae diweddariad i chi"
    assert "Mewngofnodwch gyda'ch saith gair." in message.get_payload()
    assert "/cy/return/" in message.get_payload()


def test_another_complainant_reaches_only_her_own_address(
    cast: Cast, organisation: Organisation
) -> None:
    first, second = report(organisation), report(organisation)
    assert signed_in(first).post(PAGE, {"email": ADDRESS}).status_code == 302
    other = signed_in(second)
    assert ADDRESS not in text(other.get(PAGE))
    assert other.post(PAGE, {"withdraw": "1"}).status_code == 302
    assert other.post(PAGE, {"email": "someone.else@example.org"}).status_code == 302
    assert receipt_address_of(first.access.holder) == ADDRESS
    assert receipt_address_of(second.access.holder) == "someone.else@example.org"
    # Each case tells its own complainant only.
    assert complainant_notify(case=first.case, now=MONDAY)
    assert set(Outbox.objects.values_list("holder", flat=True)) == {first.access.holder}


def test_a_complainant_with_an_account_keeps_her_address_with_her_account(
    client: Client, identified_report: Submission
) -> None:
    complainant = User.objects.get(role="complainant")
    sign_in(client, complainant.username)
    assert client.get("/my-report/").status_code == 200
    moved = client.get(PAGE)
    assert moved.status_code == 302 and moved["Location"] == "/account/notifications/"
    assert "Get an e-mail when there is an update" not in text(client.get("/my-report/"))
    with pytest.raises(Exception, match="receipt"):
        receipt_address_set(holder=identified_report.access.holder, email=ADDRESS)
    assert not ReceiptAddress.objects.exists()
    # Her case reaches her account (when she gave an address), never a receipt holder.
    client.post("/account/notifications/", {"email": ADDRESS})
    assert complainant_notify(case=identified_report.case, now=MONDAY)
    row = Outbox.objects.get()
    assert row.recipient_id == complainant.pk and row.holder == "" and row.kind == UPDATE


def test_the_outbox_names_exactly_one_recipient_and_dedupes_per_holder(
    cast: Cast, organisation: Organisation
) -> None:
    submission = report(organisation)
    holder = submission.access.holder
    assert not outbox_add_for_holder(holder=holder, kind=RECEIPT_UPDATE, now=MONDAY)  # no address
    receipt_address_set(holder=holder, email=ADDRESS)
    assert outbox_add_for_holder(holder=holder, kind=RECEIPT_UPDATE, now=MONDAY, dedupe="update")
    assert not outbox_add_for_holder(
        holder=holder, kind=RECEIPT_UPDATE, now=MONDAY, dedupe="update"
    )
    both = {"recipient": cast.advocate, "holder": holder}
    for fields in (both, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Outbox.objects.create(kind=UPDATE, created_at=MONDAY, next_attempt_at=MONDAY, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():  # the dedupe holds in the table
        Outbox.objects.create(
            holder=holder, kind=UPDATE, created_at=MONDAY, next_attempt_at=MONDAY, dedupe="update"
        )
    assert Outbox.objects.count() == 1


def test_a_row_whose_address_went_while_it_waited_is_dropped_unsent(
    smtp: tuple[Inbox, int], cast: Cast, organisation: Organisation
) -> None:
    """The withdrawal deletes her unsent rows; a row already claimed by a flush at that
    moment finds no address and is deleted, not sent and not retried."""
    inbox, _ = smtp
    submission = report(organisation)
    holder = submission.access.holder
    receipt_address_set(holder=holder, email=ADDRESS)
    assert outbox_add_for_holder(holder=holder, kind=RECEIPT_UPDATE, now=MONDAY)
    ReceiptAddress.objects.filter(holder=holder).delete()  # as if withdrawn mid-flush
    result = outbox_flush(now=MONDAY)
    assert (result.sent, result.failed) == (0, 0)
    assert not Outbox.objects.exists() and inbox.messages == []
