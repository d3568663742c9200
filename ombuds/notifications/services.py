"""Putting notifications in the outbox, and flushing it.

`outbox_add` is called inside the command whose change is worth telling someone about,
so the notification is committed with it or not at all. `outbox_flush` claims due rows
with a conditional UPDATE (two workers never claim the same row), sends each through
Django's mail framework, and marks it sent, or schedules the next attempt with back-off:
a failed send is never dropped.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from ombuds import vault
from ombuds.keys import CONTACT_KEY
from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.notifications.messages import KINDS, message_for
from ombuds.notifications.models import ContactAddress, Outbox
from ombuds.people.models import User

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

LEASE = timedelta(minutes=10)  # a claim older than this was lost with its worker
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 200


def worker_name() -> str:
    """Who is claiming: host, process and a random part (threads of one process differ)."""
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def outbox_add(
    *,
    recipient: User,
    kind: str,
    now: datetime,
    dedupe: str = "",
    due_soon: int = 0,
    overdue: int = 0,
) -> bool:
    """Queue one notification for `recipient`, if she has an address to send it to.

    With `dedupe`, a second unsent row of the same key is not added (one "please sign in"
    is enough). Returns whether a row was added. Called inside the caller's transaction.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipient.is_active or not ContactAddress.objects.filter(person=recipient).exists():
        return False  # she sees it on her own pages only
    if (
        dedupe
        and Outbox.objects.filter(recipient=recipient, dedupe=dedupe, sent_at__isnull=True).exists()
    ):
        return False
    Outbox.objects.create(
        recipient=recipient,
        kind=kind,
        created_at=now,
        next_attempt_at=now,
        dedupe=dedupe,
        due_soon=due_soon,
        overdue=overdue,
    )
    return True


def outbox_add_many(*, recipients: Iterable[User], kind: str, now: datetime, dedupe: str) -> int:
    """`outbox_add` for several people at once, each at most once, in one statement: an
    unsent row of the same `dedupe` already waiting for one of them is left as it is
    (the partial unique index refuses the copy, even from another sweep at the same
    moment). Returns how many were considered; called inside the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not dedupe:
        raise ValueError("outbox_add_many needs a dedupe key")
    active = {person.pk: person for person in recipients if person.is_active}
    with_address = ContactAddress.objects.filter(person_id__in=list(active))
    wanted = {pk: active[pk] for pk in with_address.values_list("person_id", flat=True)}
    rows = [
        Outbox(recipient=person, kind=kind, created_at=now, next_attempt_at=now, dedupe=dedupe)
        for person in wanted.values()
    ]
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


@dataclass(frozen=True)
class FlushResult:
    sent: int
    failed: int


def _claimable(now: datetime) -> Q:
    return Q(sent_at__isnull=True, next_attempt_at__lte=now) & (
        Q(claimed_by="") | Q(claimed_at__lt=now - LEASE)
    )


def _claim(worker: str, now: datetime, batch: int) -> list[Outbox]:
    ids = list(
        Outbox.objects.filter(_claimable(now)).order_by("pk").values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return []
    # The condition is checked again by the UPDATE itself: a row another worker claimed
    # between the two statements is not taken twice.
    Outbox.objects.filter(_claimable(now), pk__in=ids).update(claimed_by=worker, claimed_at=now)
    return list(
        Outbox.objects.filter(claimed_by=worker, claimed_at=now, sent_at__isnull=True)
        .select_related("recipient", "recipient__contact_address")
        .order_by("pk")
    )


def _email(row: Outbox) -> EmailMessage:
    """The e-mail in the language its recipient chose when she gave her address."""
    language = row.recipient.language if row.recipient.language in LANGUAGES else "en"
    site = settings.OMBUDS_SITE_URL.rstrip("/") + ("" if language == "en" else f"/{language}")
    with translation.override(language):
        message = message_for(
            row.kind,
            site=site,
            due_soon=row.due_soon,
            overdue=row.overdue,
            translate=translation.gettext,
        )
    return EmailMessage(subject=message.subject, body=message.body, to=[_address(row)])


class _NoAddress(Exception):
    """She withdrew her address after the row was queued (the withdrawal deletes her
    unsent rows; one claimed at that moment may still be in hand)."""


def _address(row: Outbox) -> str:
    """The recipient's address, opened only to hand it to the mail backend."""
    try:
        sealed = row.recipient.contact_address.sealed
    except ContactAddress.DoesNotExist:
        raise _NoAddress from None
    return vault.open_contact_address(
        CONTACT_KEY.read(), bytes(sealed), person=str(row.recipient_id)
    )


def outbox_flush(*, now: datetime, worker: str | None = None, batch: int = BATCH) -> FlushResult:
    """Send every due notification once. Safe with several workers at once."""
    worker = worker or worker_name()
    sent = failed = 0
    while rows := _claim(worker, now, batch):
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except OSError as exc:
            failed += _give_back(rows, worker, now, exc)
            break  # the server is down: everything waits for its next attempt
        try:
            for row in rows:
                try:
                    connection.send_messages([_email(row)])
                except _NoAddress:
                    Outbox.objects.filter(pk=row.pk, claimed_by=worker).delete()
                except (OSError, ValueError, DecryptionFailed) as exc:  # smtplib: OSErrors
                    failed += _give_back([row], worker, now, exc)
                else:
                    Outbox.objects.filter(pk=row.pk, claimed_by=worker).update(
                        sent_at=now, attempts=row.attempts + 1, claimed_by="", last_error=""
                    )
                    sent += 1
        finally:
            connection.close()
        if len(rows) < batch:
            break
    return FlushResult(sent=sent, failed=failed)


def _give_back(rows: list[Outbox], worker: str, now: datetime, exc: Exception) -> int:
    with transaction.atomic():
        for row in rows:
            attempts = row.attempts + 1
            Outbox.objects.filter(pk=row.pk, claimed_by=worker).update(
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                claimed_by="",
                claimed_at=None,
                last_error=type(exc).__name__[:80],
            )
    return len(rows)


def contact_address_set(*, actor: User, email: str, language: str = "en") -> None:
    """A person gives (or, blank, withdraws) the address her notifications go to, and the
    language they are written in (the one she was reading). Only ever her own: the e-mail
    says nothing but "please sign in". The address is stored sealed under the
    contact-address key (a file outside the database), never in the clear: an anonymous
    complainant's address would otherwise name her to anyone with a copy of it."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput("Enter an e-mail address like name@example.org.") from exc
    sealed = (
        vault.seal_contact_address(CONTACT_KEY.read(), email, person=str(actor.pk))
        if email
        else None
    )
    with transaction.atomic():
        language = language if language in LANGUAGES else "en"
        # The clear column stays empty (an address from before sealing is wiped too).
        User.objects.filter(pk=actor.pk).update(email="", language=language)
        if sealed is not None:
            ContactAddress.objects.update_or_create(person=actor, defaults={"sealed": sealed})
            return
        ContactAddress.objects.filter(person=actor).delete()
        # Nothing is left waiting for an address she withdrew.
        Outbox.objects.filter(recipient=actor, sent_at__isnull=True).delete()


def contact_address_of(person: User) -> str:
    """Her own address, opened for her own address page; "" when she gave none."""
    found = ContactAddress.objects.filter(person=person).values_list("sealed", flat=True).first()
    if found is None:
        return ""
    return vault.open_contact_address(CONTACT_KEY.read(), bytes(found), person=str(person.pk))
