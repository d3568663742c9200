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
from ombuds.cases.models import Case, CaseKey
from ombuds.keys import CONTACT_KEY
from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.notifications.messages import KINDS, RECEIPT_UPDATE, UPDATE, message_for
from ombuds.notifications.models import ContactAddress, Outbox, ReceiptAddress
from ombuds.people.models import User
from ombuds.record.roles import Role

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


RECEIPT_HOLDER = "receipt:"  # how a case key's holder names a receipt (cases/models.py)


def outbox_add_for_holder(*, holder: str, kind: str, now: datetime, dedupe: str = "") -> bool:
    """`outbox_add` for a complainant who returns by receipt: queued only if her receipt
    holder has given an address; one unsent row per `dedupe` key. Returns whether a row
    was added. Called inside the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not holder.startswith(RECEIPT_HOLDER):
        raise ValueError("not a receipt holder")
    if not ReceiptAddress.objects.filter(holder=holder).exists():
        return False  # she sees it on her status page only
    waiting = Outbox.objects.filter(holder=holder, dedupe=dedupe, sent_at__isnull=True)
    if dedupe and waiting.exists():
        return False
    Outbox.objects.create(
        holder=holder, kind=kind, created_at=now, next_attempt_at=now, dedupe=dedupe
    )
    return True


def complainant_notify(*, case: Case, now: datetime) -> bool:
    """ "There is an update" to the complainant of `case`: through her account if she
    has one, else through her receipt holder if she gave an address (the e-mail then
    asks her to sign in with her receipt). Returns whether anything was queued. Called
    inside the command's transaction, so it is committed with the change or not at all."""
    accounts = User.objects.filter(assignments__case=case, assignments__role=Role.COMPLAINANT)
    if accounts.exists():
        added = [outbox_add(recipient=p, kind=UPDATE, now=now, dedupe="update") for p in accounts]
        return any(added)
    holders = CaseKey.objects.filter(case=case, holder__startswith=RECEIPT_HOLDER)
    added = [
        outbox_add_for_holder(holder=holder, kind=RECEIPT_UPDATE, now=now, dedupe="update")
        for holder in sorted(set(holders.values_list("holder", flat=True)))
    ]
    return any(added)


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


def _email(row: Outbox, by_receipt: dict[str, ReceiptAddress]) -> EmailMessage:
    """The e-mail in the language its recipient chose when she gave her address."""
    language = _sealed(row, by_receipt)[1]
    language = language if language in LANGUAGES else "en"
    site = settings.OMBUDS_SITE_URL.rstrip("/") + ("" if language == "en" else f"/{language}")
    with translation.override(language):
        message = message_for(
            row.kind,
            site=site,
            due_soon=row.due_soon,
            overdue=row.overdue,
            translate=translation.gettext,
        )
    return EmailMessage(subject=message.subject, body=message.body, to=[_address(row, by_receipt)])


class _NoAddress(Exception):
    """She withdrew her address after the row was queued (the withdrawal deletes her
    unsent rows; one claimed at that moment may still be in hand)."""


def _sealed(row: Outbox, by_receipt: dict[str, ReceiptAddress]) -> tuple[bytes, str, str]:
    """The row's sealed address, its language, and what it is bound to."""
    if row.holder:
        found = by_receipt.get(row.holder)
        if found is None:
            raise _NoAddress
        return bytes(found.sealed), found.language, row.holder
    assert row.recipient is not None  # noqa: S101 - the check constraint says so
    try:
        sealed = row.recipient.contact_address.sealed
    except ContactAddress.DoesNotExist:
        raise _NoAddress from None
    return bytes(sealed), row.recipient.language, str(row.recipient_id)


def _address(row: Outbox, by_receipt: dict[str, ReceiptAddress]) -> str:
    """The recipient's address, opened only to hand it to the mail backend."""
    sealed, _language, bound_to = _sealed(row, by_receipt)
    return vault.open_contact_address(CONTACT_KEY.read(), sealed, person=bound_to)


def _receipt_addresses(rows: list[Outbox]) -> dict[str, ReceiptAddress]:
    """The sealed addresses of the receipt holders in one batch, in one statement."""
    holders = {row.holder for row in rows if row.holder}
    if not holders:
        return {}
    return {found.holder: found for found in ReceiptAddress.objects.filter(holder__in=holders)}


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
        by_receipt = _receipt_addresses(rows)
        try:
            for row in rows:
                try:
                    connection.send_messages([_email(row, by_receipt)])
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
    sealed = _sealed_for(email.strip(), bound_to=str(actor.pk))
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


def _sealed_for(email: str, *, bound_to: str) -> bytes | None:
    """Check and seal an address ("" is none: a withdrawal). InvalidInput, with nothing
    written, for something that is not an e-mail address."""
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput("Enter an e-mail address like name@example.org.") from exc
    return vault.seal_contact_address(CONTACT_KEY.read(), email, person=bound_to)


def receipt_address_set(*, holder: str, email: str, language: str = "en") -> None:
    """A complainant who returns by receipt gives, changes or (blank) withdraws the address
    her "there is an update, please sign in with your receipt" e-mails go to, and their
    language (the one she was reading). Sealed exactly like an account holder's address,
    bound to her receipt holder; a withdrawal deletes every row for it, sent or waiting.

    No event is recorded, on purpose: the address is her delivery preference, not part of
    the case. A row in the case's append-only record would tell everyone who reads the
    case file that the anonymous complainant has an e-mail address, and a withdrawal
    could never take that back (an account holder's address records none either).
    """
    if not holder.startswith(RECEIPT_HOLDER):
        raise InvalidInput("Only a complainant signed in with her receipt can do this.")
    sealed = _sealed_for(email.strip(), bound_to=holder)
    language = language if language in LANGUAGES else "en"
    with transaction.atomic():
        if sealed is not None:
            ReceiptAddress.objects.update_or_create(
                holder=holder, defaults={"sealed": sealed, "language": language}
            )
            return
        ReceiptAddress.objects.filter(holder=holder).delete()
        # The sent rows too: they say when her case's holder was written to, which she
        # withdrew along with the address.
        Outbox.objects.filter(holder=holder).delete()


def receipt_address_of(holder: str) -> str:
    """Her own address, opened for her own address page; "" when she gave none."""
    found = ReceiptAddress.objects.filter(holder=holder).values_list("sealed", flat=True).first()
    if found is None:
        return ""
    return vault.open_contact_address(CONTACT_KEY.read(), bytes(found), person=holder)
