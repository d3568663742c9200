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
from ombuds.escrow.keyholder import share_holder
from ombuds.escrow.models import Contact, Entry, Mark, Match
from ombuds.escrow.selectors import OpenedEntry
from ombuds.escrow.streams import entry_stream, match_stream
from ombuds.ledger.actor import Actor
from ombuds.lib.canonical import canonical_json
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.people.signed_record import signed_people
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append

MAX_MESSAGE = 5_000
NOT_ENOUGH = "Not enough people's entries remain in this match to open it (some were withdrawn)."
NOT_YOURS = (
    "This match is not yet sealed to your key (you were appointed after it was made, or "
    "your password was reset). It will be once a colleague opens it."
)


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
    shares: dict[int, bytes]  # mark id -> the share she opened, to seal to colleagues
    marks: list[Mark]


def _own_share(mark: Mark, counsellor: User, private_key: bytes) -> bytes | None:
    """Her copy of the mark's share, if it is sealed to her present key. Copies sealed to
    a key she no longer has (before a password reset), or none at all (an entry made
    before she was appointed), are None: a colleague seals them afresh."""
    sealed = json.loads(mark.sealed_shares)
    for holder in (share_holder(counsellor), counsellor.pseudonym):  # then the older form
        if holder in sealed:
            try:
                return vault.open_share_for_counsellor(
                    bytes.fromhex(sealed[holder]), private_key=private_key
                )
            except (DecryptionFailed, ValueError):
                continue
    return None


def _open(counsellor: User, private_key: bytes, match: Match) -> Opened:
    marks = list(
        Mark.objects.filter(
            token=match.token, threshold=match.threshold, entry__withdrawn_at=None
        ).order_by("id")
    )
    shares = {}
    for mark in marks:
        share = _own_share(mark, counsellor, private_key)
        if share is not None:
            shares[mark.pk] = share
    try:
        match_key = vault.reconstruct_match_key(list(shares.values()), threshold=match.threshold)
    except DecryptionFailed:
        if len(shares) < len(marks):  # some entries carry no copy she can open
            raise InvalidInput(NOT_YOURS) from None
        raise InvalidInput(NOT_ENOUGH) from None
    record_keys = {}
    for mark in marks:
        binding = entry_stream(mark.entry_id)
        record_keys[mark.entry_id] = vault.open_record_key(
            match_key, bytes(mark.wrapped_record_key), bound_to=binding
        )
    return Opened(match=match, record_keys=record_keys, shares=shares, marks=marks)


def _reseal_to_colleagues(counsellor: User, actor: Actor, opened: Opened) -> None:
    """Seal the shares she just opened to every other counsellor the signed record proves
    who has no copy she can open with her present key: so a colleague appointed later, or
    given a new key pair after a password reset, can open this match too. A share alone
    opens nothing; each colleague gets exactly what she would have had."""
    colleagues = User.objects.filter(role=Role.MATCHING_COUNSELLOR, is_active=True).exclude(
        pk=counsellor.pk
    )
    for colleague in signed_people(colleagues):
        holder = share_holder(colleague)
        resealed = []
        for mark in opened.marks:
            share = opened.shares.get(mark.pk)
            sealed = json.loads(mark.sealed_shares)
            if share is None or holder in sealed:
                continue
            sealed[holder] = vault.seal_to_person(
                share, to_public_key=bytes(colleague.public_key)
            ).hex()
            mark.sealed_shares = canonical_json(sealed)
            resealed.append(mark)
        if resealed:
            Mark.objects.bulk_update(resealed, ["sealed_shares"])
            event_append(
                events_scheme.ESCROW_SHARES_RESEALED,
                stream=match_stream(opened.match.id),
                actor=actor,
                metadata={"to": colleague.pseudonym, "marks": len(resealed)},
            )


def match_open(*, counsellor: User, private_key: bytes, match_id: object) -> list[OpenedEntry]:
    """Open the entries of one match (a recorded read): exactly the entries that name
    the matched person, and no others."""
    actor = _require_counsellor(counsellor)
    with transaction.atomic():
        match = _match(match_id)
        opened = _open(counsellor, private_key, match)
        event_append(
            events_scheme.ESCROW_ENTRIES_READ,
            stream=match_stream(match.id),
            actor=actor,
            metadata={"entries": len(opened.record_keys)},
        )
        _reseal_to_colleagues(counsellor, actor, opened)
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
            events_scheme.ESCROW_PERSON_CONTACTED,
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
