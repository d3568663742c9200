"""Contact addresses are sealed under a key kept outside the database: a copy of the
database (every row, and on SQLite the raw file with its free pages), the logs and the
outbox rows hold no address; the flush opens it to send; existing clear addresses are
sealed by a migration that can be undone without losing any."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from ombuds import vault
from ombuds.intake.services import Submission
from ombuds.keys import CONTACT_KEY
from ombuds.lib.errors import DecryptionFailed
from ombuds.notifications.messages import UPDATE
from ombuds.notifications.models import ContactAddress, Outbox, ReceiptAddress
from ombuds.notifications.services import (
    complainant_notify,
    contact_address_of,
    outbox_add,
    outbox_flush,
    receipt_address_of,
)
from ombuds.people.models import User
from tests.conftest import Cast, sign_in, sign_in_with_receipt
from tests.insider import every_row

pytestmark = pytest.mark.django_db

ADDRESS = "hidden.complainant@example.org"

_migration = __import__(
    "ombuds.notifications.migrations.0003_seal_contact_addresses", fromlist=["seal_existing"]
)


def raw_database() -> bytes:
    """The SQLite database's bytes, free pages included (b"" on another database)."""
    if connection.vendor != "sqlite":
        return b""
    connection.ensure_connection()
    return bytes(connection.connection.serialize())


def test_no_address_in_the_database_logs_or_outbox(
    client: Client, identified_report: Submission, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    complainant = User.objects.get(role="complainant")
    sign_in(client, complainant.username)
    assert client.post("/account/notifications/", {"email": ADDRESS}).status_code == 302
    assert outbox_add(recipient=complainant, kind=UPDATE, now=timezone.now())

    for copy in (every_row(), raw_database().decode("latin-1"), caplog.text):
        assert ADDRESS not in copy
        assert "hidden.complainant" not in copy
    assert not User.objects.exclude(email="").exists()
    assert set(Outbox.objects.values_list("recipient_id", flat=True)) == {complainant.pk}

    assert outbox_flush(now=timezone.now()).sent == 1  # the flush opens it to send
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert ADDRESS not in every_row() and ADDRESS not in caplog.text
    assert contact_address_of(complainant) == ADDRESS


def test_a_receipt_complainants_address_is_sealed_too(
    client: Client, anonymous_report: Submission, caplog: pytest.LogCaptureFixture
) -> None:
    """She has no account: her address is kept against her receipt holder, sealed the
    same way; nothing in the database, the logs or the outbox rows names it, or its
    length; it is bound to her holder, so it opens for nobody else's."""
    caplog.set_level(logging.DEBUG)
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    response = client.post("/my-report/notifications/", {"email": ADDRESS})
    assert response.status_code == 302 and ADDRESS not in response["Location"]
    holder = anonymous_report.access.holder
    assert complainant_notify(case=anonymous_report.case, now=timezone.now())

    for copy in (every_row(), raw_database().decode("latin-1"), caplog.text):
        assert ADDRESS not in copy
        assert "hidden.complainant" not in copy
    assert list(Outbox.objects.values_list("holder", "recipient_id")) == [(holder, None)]
    sealed = bytes(ReceiptAddress.objects.get(holder=holder).sealed)
    short = vault.seal_contact_address(CONTACT_KEY.read(), "a@b.cd", person=holder)
    assert len(sealed) == len(short)  # the same padding as an account holder's
    with pytest.raises(DecryptionFailed):
        vault.open_contact_address(CONTACT_KEY.read(), sealed, person="receipt:someone-else")

    assert outbox_flush(now=timezone.now()).sent == 1  # the flush opens it to send
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert ADDRESS not in every_row() and ADDRESS not in caplog.text
    assert receipt_address_of(holder) == ADDRESS


def test_a_sealed_address_does_not_open_for_another_person(cast: Cast) -> None:
    sealed = vault.seal_contact_address(CONTACT_KEY.read(), ADDRESS, person="1")
    assert vault.open_contact_address(CONTACT_KEY.read(), sealed, person="1") == ADDRESS
    with pytest.raises(DecryptionFailed):
        vault.open_contact_address(CONTACT_KEY.read(), sealed, person="2")
    with pytest.raises(DecryptionFailed):
        vault.open_contact_address(vault.new_server_key(), sealed, person="1")
    short = vault.seal_contact_address(CONTACT_KEY.read(), "a@b.cd", person="1")
    assert len(short) == len(sealed)  # the length of an address is not told either


def test_the_migration_seals_existing_addresses_and_back(cast: Cast) -> None:
    people = [cast.investigator, cast.case_manager]
    for number, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(email=f"old{number}@example.org")
    editor = SimpleNamespace(connection=connection)
    _migration.seal_existing(apps, editor)
    assert not User.objects.exclude(email="").exists()
    assert ContactAddress.objects.count() == 2
    assert "old0@example.org" not in every_row()
    assert [contact_address_of(p) for p in people] == ["old0@example.org", "old1@example.org"]
    _migration.open_existing(apps, editor)  # going back loses none
    assert sorted(User.objects.exclude(email="").values_list("email", flat=True)) == [
        "old0@example.org",
        "old1@example.org",
    ]
    assert not ContactAddress.objects.exists()
