"""The outbox against a real SMTP server on loopback: what is sent carries no case
content or reference; a server that is down loses nothing; two flushers never send one
notification twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from ombuds.cases.models import Case
from ombuds.intake.services import Submission
from ombuds.notifications.messages import DIGEST, ESCALATION, MISSED, REMINDER, UPDATE
from ombuds.notifications.models import Outbox
from ombuds.notifications.services import backoff, outbox_add, outbox_flush
from ombuds.people.models import User
from tests.conftest import Cast
from tests.notifications.conftest import Inbox, free_port

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
ACCOUNT_WORDS = ("councillor", "meeting", "office")  # from the conftest report


def with_address(person: User, address: str) -> User:
    from ombuds.notifications.services import contact_address_set

    contact_address_set(actor=person, email=address)
    person.refresh_from_db()
    return person


@pytest.mark.django_db
def test_sent_mail_carries_no_case_content_or_reference(
    smtp: tuple[Inbox, int], cast: Cast, identified_report: Submission
) -> None:
    inbox, _ = smtp
    case = Case.objects.get()
    handler = with_address(cast.investigator, "inv@example.org")
    manager = with_address(cast.case_manager, "cm@example.org")
    complainant = User.objects.get(role="complainant")
    with_address(complainant, "me@example.org")
    for kind in (UPDATE, REMINDER, MISSED, ESCALATION):
        assert outbox_add(recipient=handler, kind=kind, now=NOW)
    assert outbox_add(recipient=manager, kind=DIGEST, now=NOW, due_soon=3, overdue=1)
    assert outbox_add(recipient=complainant, kind=UPDATE, now=NOW, dedupe="update")
    assert not outbox_add(recipient=complainant, kind=UPDATE, now=NOW, dedupe="update")

    result = outbox_flush(now=NOW)
    assert (result.sent, result.failed) == (6, 0)
    assert len(inbox.messages) == 6
    forbidden = [case.reference, str(case.id), *ACCOUNT_WORDS, cast.investigator.display_name]
    for raw in inbox.raw:
        text = raw.decode("utf-8", "replace").lower()
        for word in forbidden:
            assert word.lower() not in text, word
        assert "please sign in" in text
    digest = next(m for m in inbox.messages if m["To"] == "cm@example.org")
    assert "next two working days: 3." in digest.get_payload()
    assert "missed deadline: 1." in digest.get_payload()
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 0
    # Flushing again sends nothing more.
    assert outbox_flush(now=NOW + timedelta(hours=1)).sent == 0
    assert len(inbox.messages) == 6


@pytest.mark.django_db
def test_each_party_is_written_to_in_the_language_she_chose(
    smtp: tuple[Inbox, int], cast: Cast, identified_report: Submission
) -> None:
    """She gave her address while reading in Welsh: her e-mail is in Welsh and its link
    opens the Welsh pages; a colleague who gave hers in English reads English."""
    from ombuds.notifications.services import contact_address_set

    inbox, _ = smtp
    complainant = User.objects.get(role="complainant")
    contact_address_set(actor=complainant, email="fi@example.org", language="cy")
    contact_address_set(actor=cast.investigator, email="inv@example.org", language="en")
    contact_address_set(actor=cast.advocate, email="adv@example.org", language="xx")
    for person in (complainant, cast.investigator, cast.advocate):
        person.refresh_from_db()
        assert outbox_add(recipient=person, kind=UPDATE, now=NOW)
    assert outbox_flush(now=NOW).sent == 3
    by_address = {m["To"]: m for m in inbox.messages}
    welsh, english = by_address["fi@example.org"], by_address["inv@example.org"]
    assert welsh["Subject"] == "Ombuds: Mae diweddariad i chi"
    assert "Mewngofnodwch i'w weld" in welsh.get_payload()
    assert "/cy/home/" in welsh.get_payload()
    assert english["Subject"] == "Ombuds: There is an update for you"
    assert "/cy/" not in english.get_payload()
    # An unknown language is stored as English.
    assert by_address["adv@example.org"]["Subject"] == english["Subject"]


@pytest.mark.django_db
def test_nobody_without_an_address_is_mailed(cast: Cast, anonymous_report: Submission) -> None:
    assert not outbox_add(recipient=cast.advocate, kind=UPDATE, now=NOW)
    assert Outbox.objects.count() == 0


@pytest.mark.django_db
def test_a_server_that_is_down_loses_nothing(cast: Cast, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    person = with_address(cast.advocate, "adv@example.org")
    outbox_add(recipient=person, kind=REMINDER, now=NOW)
    outbox_add(recipient=person, kind=UPDATE, now=NOW)
    with override_settings(EMAIL_PORT=free_port()):  # nothing listens there
        down = outbox_flush(now=NOW)
    assert (down.sent, down.failed) == (0, 2)
    rows = list(Outbox.objects.order_by("pk"))
    assert all(r.sent_at is None and r.attempts == 1 for r in rows)
    assert all(r.next_attempt_at == NOW + backoff(1) for r in rows)
    assert rows[0].last_error and not rows[0].claimed_by
    # Not before its next attempt...
    assert outbox_flush(now=NOW + timedelta(seconds=30)).sent == 0
    # ...then sent once the server is back.
    back = outbox_flush(now=NOW + backoff(1))
    assert (back.sent, back.failed) == (2, 0) and len(inbox.messages) == 2
    assert backoff(3) == timedelta(minutes=4) and backoff(30) == timedelta(hours=6)


@pytest.mark.django_db
def test_two_flushers_never_send_one_notification_twice(
    cast: Cast, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    person = with_address(cast.advocate, "adv@example.org")
    for _ in range(20):
        outbox_add(recipient=person, kind=UPDATE, now=NOW)
    # Both claim at the same moment; the conditional UPDATE gives each row to one only.
    first = outbox_flush(now=NOW, worker="a", batch=12)
    second = outbox_flush(now=NOW, worker="b", batch=12)
    assert first.sent + second.sent == 20
    assert len(inbox.messages) == 20
