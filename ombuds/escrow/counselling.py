"""The matching counsellor's side: open a match's entries and contact each person.

She opens only what a match allows: her own copies of the shares of that match's
token, `threshold` distinct people's worth, reconstruct the match key, which opens the
record keys of exactly the entries that carry that token.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.escrow.entries import entry_account
from ombuds.escrow.models import Contact, Entry, Mark, Match
from ombuds.escrow.selectors import OpenedEntry
from ombuds.escrow.streams import entry_stream, match_stream
from ombuds.ledger.actor import Actor
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.record import events_naming as naming_events
from ombuds.record.roles import Role
from ombuds.record.services import event_append

MAX_MESSAGE = 5_000
NOT_ENOUGH = "Not enough people's entries remain in this match to open it (some were withdrawn)."


def _require_counsellor(counsellor: User) -> Actor:
    if counsellor.role != Role.MATCHING_COUNSELLOR:
        raise NotPermitted("Only a matching counsellor can open escrow matches.")
    return Actor(pseudonym=counsellor.pseudonym, role=Role.MATCHING_COUNSELLOR)


def _match(match_id: object) -> Match:
    try:
        key = uuid.UUID(str(match_id))
    except ValueError:
        raise NotFound("") from None
    match = Match.objects.filter(pk=key).first()
    if match is None:
        raise NotFound("")
    return match


@dataclass(frozen=True)
class Opened:
    match: Match
    record_keys: dict[uuid.UUID, bytes]  # entry id -> record key, for this match's entries


def _open(counsellor: User, private_key: bytes, match: Match) -> Opened:
    marks = list(
        Mark.objects.filter(
            token=match.token, threshold=match.threshold, entry__withdrawn_at=None
        ).order_by("id")
    )
    shares = []
    for mark in marks:
        sealed = json.loads(mark.sealed_shares).get(counsellor.pseudonym)
        if sealed is not None:  # entries made before she was appointed are not sealed to her
            shares.append(
                vault.open_share_for_counsellor(bytes.fromhex(sealed), private_key=private_key)
            )
    try:
        match_key = vault.reconstruct_match_key(shares, threshold=match.threshold)
    except DecryptionFailed:
        raise InvalidInput(NOT_ENOUGH) from None
    record_keys = {}
    for mark in marks:
        binding = entry_stream(mark.entry_id)
        record_keys[mark.entry_id] = vault.open_record_key(
            match_key, bytes(mark.wrapped_record_key), bound_to=binding
        )
    return Opened(match=match, record_keys=record_keys)


def match_open(*, counsellor: User, private_key: bytes, match_id: object) -> list[OpenedEntry]:
    """Open the entries of one match (a recorded read): exactly the entries that name
    the matched person, and no others."""
    actor = _require_counsellor(counsellor)
    with transaction.atomic():
        match = _match(match_id)
        opened = _open(counsellor, private_key, match)
        event_append(
            naming_events.ESCROW_ENTRIES_READ,
            stream=match_stream(match.id),
            actor=actor,
            metadata={"entries": len(opened.record_keys)},
        )
        Match.objects.filter(pk=match.pk).update(read_at=timezone.now())
    contacts = {c.entry_id: c for c in Contact.objects.filter(match=match)}
    result = []
    for entry in Entry.objects.filter(pk__in=opened.record_keys).order_by("created_at"):
        content = entry_account(entry.id, opened.record_keys[entry.id])
        contact = contacts.get(entry.id)
        result.append(
            OpenedEntry(
                entry=entry,
                written_at=entry.created_at,
                account=str(content["account"]),
                identifiers=[str(i) for i in content["identifiers"]],
                contacted_at=contact.contacted_at if contact else None,
                decision=contact.decision if contact else "",
            )
        )
    return result


def person_contact(
    *, counsellor: User, private_key: bytes, match_id: object, entry_id: object, message: str
) -> Contact:
    """Write to the person behind one entry of a match (sealed with her entry's key, so
    only she and whoever opens the match can read it); she then decides whether to go on."""
    actor = _require_counsellor(counsellor)
    message = message.strip()
    if not message:
        raise InvalidInput("Write your message to the person.")
    if len(message) > MAX_MESSAGE:
        raise InvalidInput("That message is too long. Keep it under 5,000 characters.")
    with transaction.atomic():
        match = _match(match_id)
        opened = _open(counsellor, private_key, match)
        try:
            entry_key = uuid.UUID(str(entry_id))
        except ValueError:
            raise NotFound("") from None
        if entry_key not in opened.record_keys:
            raise NotFound("")
        event_append(
            naming_events.ESCROW_PERSON_CONTACTED,
            stream=entry_stream(entry_key),
            actor=actor,
            metadata={"match": str(match.id)},
            content={"message": message},
            key=opened.record_keys[entry_key],
        )
        contact, created = Contact.objects.get_or_create(
            match=match, entry_id=entry_key, defaults={"contacted_at": timezone.now()}
        )
        if not created:
            contact.contacted_at = timezone.now()
            contact.decision = ""
            contact.decided_at = None
            contact.save(update_fields=["contacted_at", "decision", "decided_at"])
    return contact
