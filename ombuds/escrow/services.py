"""The person's side of the matching escrow: add an entry, withdraw it, decide.

An entry says "act only if someone else names the same person". Each identifier of that
person is normalised (`identifiers.py`), turned into a PRF output by the escrow's key
holder, and kept only as a token and sealed shares (`ombuds.vault.escrow_shares`). When
`OMBUDS_ESCROW_THRESHOLD` distinct people have named the same person, a match row
appears in the matching counsellor's list; nobody can read an entry before that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.models import Case
from ombuds.escrow.entries import entry_account
from ombuds.escrow.identifiers import Identifier, identifier
from ombuds.escrow.keyholder import author_token, prf_output, share_holder
from ombuds.escrow.models import Contact, Entry, Mark, Match
from ombuds.escrow.streams import entry_stream, match_stream
from ombuds.intake.services import report_add_information
from ombuds.ledger.actor import SYSTEM, Actor
from ombuds.lib.canonical import canonical_json
from ombuds.lib.errors import InvalidInput, NotFound
from ombuds.people.models import User
from ombuds.people.session import ComplainantAccess
from ombuds.people.signed_record import signed_people
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append

MAX_ACCOUNT = 20_000


@dataclass(frozen=True)
class EntryAdded:
    entry: Entry
    matched: bool  # for the service's callers and the benchmark; never shown to her


def author_actor(access: ComplainantAccess) -> Actor:
    """How escrow events name a person: her escrow token, never her case pseudonym."""
    return Actor(pseudonym=f"escrow:{author_token(access.holder)[:16]}", role=Role.COMPLAINANT)


def normalise_all(pairs: Sequence[tuple[str, str]], *, organisation: str) -> list[Identifier]:
    """Every identifier given, normalised; InvalidInput says which one to fix and how."""
    found: dict[str, Identifier] = {}
    for kind, value in pairs:
        if value.strip():
            one = identifier(kind, value, organisation=organisation)
            found.setdefault(one.canonical, one)
    if not found:
        raise InvalidInput("Give at least one way to identify the person.")
    return list(found.values())


def _counsellor_keys() -> dict[str, bytes]:
    """The counsellors shares are sealed to: only those the signed record proves, with the
    key it names (a row written into the table by hand gets nothing)."""
    counsellors = User.objects.filter(role=Role.MATCHING_COUNSELLOR, is_active=True)
    return {share_holder(c): bytes(c.public_key) for c in signed_people(counsellors)}


def escrow_entry_add(
    *, access: ComplainantAccess, identifiers: Sequence[tuple[str, str]], account: str
) -> EntryAdded:
    """Hold a sealed entry about a named person, to be read only when enough distinct
    people have named the same person. `identifiers` are (kind, value) pairs."""
    account = account.strip()
    if not account:
        raise InvalidInput(
            "Write what happened, so the matching counsellor can read it if there is a match."
        )
    if len(account) > MAX_ACCOUNT:
        raise InvalidInput("That is too long for one entry. Keep it under 20,000 characters.")
    case = Case.objects.select_related("organisation").filter(pk=access.case_id).first()
    if case is None:
        raise NotFound("")
    named = normalise_all(identifiers, organisation=case.organisation.slug)
    counsellors = _counsellor_keys()
    if not counsellors:
        raise InvalidInput(
            "The escrow cannot take entries yet: the scheme has no matching counsellor."
        )
    outputs = [prf_output(one.canonical) for one in named]  # outside the transaction: no locks held
    return _store_entry(
        access=access, named=named, outputs=outputs, account=account, counsellors=counsellors
    )


def _store_entry(
    *,
    access: ComplainantAccess,
    named: list[Identifier],
    outputs: list[bytes],
    account: str,
    counsellors: dict[str, bytes],
) -> EntryAdded:
    author = author_token(access.holder)
    threshold = settings.OMBUDS_ESCROW_THRESHOLD
    record_key = vault.new_case_key()
    entry_id = uuid.uuid4()
    stream = entry_stream(entry_id)
    with transaction.atomic():
        entry = Entry.objects.create(
            id=entry_id,
            author=author,
            threshold=threshold,
            sealed_for_author=vault.seal_to_person(
                record_key, to_public_key=vault.public_key_of(access.private_key)
            ),
            created_at=timezone.now(),
        )
        event_append(
            events_scheme.ESCROW_ENTRY_ADDED,
            stream=stream,
            actor=author_actor(access),
            metadata={"identifiers": len(named), "threshold": threshold},
            content={"account": account, "identifiers": [one.canonical for one in named]},
            key=record_key,
        )
        marks = []
        for output in outputs:
            sealed = vault.seal_mark(
                output,
                threshold=threshold,
                author=author,
                record_key=record_key,
                bound_to=stream,
                counsellor_public_keys=counsellors,
            )
            marks.append(
                Mark(
                    entry=entry,
                    token=sealed.token,
                    author=author,
                    threshold=threshold,
                    sealed_shares=canonical_json(
                        {k: v.hex() for k, v in sealed.sealed_shares.items()}
                    ),
                    wrapped_record_key=sealed.wrapped_record_key,
                )
            )
        Mark.objects.bulk_create(marks)
        matched = _match_tokens(sorted(mark.token for mark in marks), threshold)
    return EntryAdded(entry=entry, matched=matched)


_DISTINCT_PEOPLE = (
    "SELECT COUNT(DISTINCT author) FROM escrow_mark WHERE token = %s AND threshold = %s"
)


def distinct_people(token: str, threshold: int) -> int:
    """How many distinct people have named the person behind `token`: one range of the
    covering index (token, threshold, author), whatever the number of entries stored."""
    with connection.cursor() as cursor:
        cursor.execute(_DISTINCT_PEOPLE, [token, threshold])
        return int(cursor.fetchone()[0])


def _match_tokens(tokens: list[str], threshold: int) -> bool:
    """Bring the matches of one entry's tokens up to date. Several identifiers of the
    same person reaching the threshold together make one match, not one each."""
    known = False
    new = []
    for token in tokens:
        if Match.objects.filter(token=token).exists():
            known = _recount(token) or known
        elif distinct_people(token, threshold) >= threshold:
            new.append(token)
    if new and not known:
        people = distinct_people(new[0], threshold)
        match = Match.objects.create(
            token=new[0], threshold=threshold, people=people, found_at=timezone.now()
        )
        event_append(
            events_scheme.ESCROW_MATCH_FOUND,
            stream=match_stream(match.id),
            actor=SYSTEM,
            metadata={"people": people, "threshold": threshold},
        )
    return known or bool(new)


def _recount(token: str) -> bool:
    """Recount an existing match's people (one more joined, or one withdrew)."""
    match = Match.objects.get(token=token)
    people = distinct_people(token, match.threshold)
    if people != match.people:
        if people > match.people:
            event_append(
                events_scheme.ESCROW_MATCH_JOINED,
                stream=match_stream(match.id),
                actor=SYSTEM,
                metadata={"people": people},
            )
        Match.objects.filter(pk=match.pk).update(people=people)
    return people >= match.threshold


def own_entry(access: ComplainantAccess, entry_id: object) -> Entry:
    """One of her own entries (NotFound for anyone else's, or a malformed id)."""
    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        raise NotFound("") from None
    entry = Entry.objects.filter(pk=key, author=author_token(access.holder)).first()
    if entry is None:
        raise NotFound("")
    return entry


def escrow_entry_withdraw(*, access: ComplainantAccess, entry_id: object) -> Entry:
    """Withdraw her entry: its marks and her copy of its key are deleted, so it takes no
    part in any future match and nobody can read it again."""
    with transaction.atomic():
        entry = own_entry(access, entry_id)
        if entry.withdrawn_at is not None:
            raise InvalidInput("This entry has already been withdrawn.")
        tokens = list(entry.marks.values_list("token", flat=True))
        entry.marks.all().delete()
        entry.sealed_for_author = b""
        entry.withdrawn_at = timezone.now()
        entry.save(update_fields=["sealed_for_author", "withdrawn_at"])
        event_append(
            events_scheme.ESCROW_ENTRY_WITHDRAWN,
            stream=entry_stream(entry.id),
            actor=author_actor(access),
        )
        for token in Match.objects.filter(token__in=tokens).values_list("token", flat=True):
            _recount(token)
    return entry


def entry_record_key(access: ComplainantAccess, entry: Entry) -> bytes:
    """Her own copy of the entry's record key (DecryptionFailed if it is not hers)."""
    return vault.open_sealed_for_person(
        bytes(entry.sealed_for_author), private_key=access.private_key
    )


DECISIONS = ("go_on", "not_now")


def escrow_decide(*, access: ComplainantAccess, entry_id: object, decision: str) -> Entry:
    """After the counsellor's contact, she decides whether to go on to a full complaint;
    going on adds her entry's words to her report."""
    if decision not in DECISIONS:
        raise InvalidInput("Choose whether to go on to a full complaint.")
    with transaction.atomic():
        entry = own_entry(access, entry_id)
        contact = Contact.objects.filter(entry=entry, decided_at=None).first()
        if contact is None or entry.withdrawn_at is not None:
            raise InvalidInput("There is nothing to decide on this entry now.")
        contact.decision = decision
        contact.decided_at = timezone.now()
        contact.save(update_fields=["decision", "decided_at"])
        event_append(
            events_scheme.ESCROW_PERSON_DECIDED,
            stream=entry_stream(entry.id),
            actor=author_actor(access),
            metadata={"decision": decision},
        )
        if decision == "go_on":
            account = entry_account(entry.id, entry_record_key(access, entry))["account"]
            report_add_information(
                access=access, text=f"From my matching escrow entry:\n\n{account}"
            )
    return entry
