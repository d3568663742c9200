"""Who a person is, by the signed record: never by the people table alone.

The events that say who someone is (her creation, a change of her role, a reset of her
key pair) are grants, signed by the instance's key, which is not in the database. Keys
are sealed, and staff act, only as the latest of them says: her role, her public key
and, for a liaison, her organisation. Grants written before this instance began signing
(older ledgers) count only if they come before its first signed grant: a grant without a
signature after that is a forgery, and `ombuds verify` names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import Q

from ombuds import vault
from ombuds.ledger.models import Event
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.people.models import Organisation, User
from ombuds.record import events, grants
from ombuds.record.events import scheme as events_scheme
from ombuds.record.services import grant_is_signed

GRANT_TYPES = tuple(spec.type for spec in events.all_specs() if spec.grants_access)
# The signed record of who a person is: her role and the public key keys are sealed to.
_PERSON_GRANTS = (
    events_scheme.PERSON_CREATED.type,
    events_scheme.PERSON_ROLE_CHANGED.type,
    events_scheme.PASSWORD_RESET.type,
)


def signing_began() -> int | None:
    """The position of the first signed grant in the log; None while there is none."""
    return (
        Event.objects.filter(type__in=GRANT_TYPES, metadata__contains=f'"{grants.SIGNATURE}":')
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )


class SigningBegan:
    """`signing_began()`, asked only when an unsigned grant turns up: a signing instance
    writes none, so its commands never pay for the query."""

    def __init__(self) -> None:
        self._known = False
        self._seq: int | None = None

    def __call__(self) -> int | None:
        if not self._known:
            self._seq, self._known = signing_began(), True
        return self._seq


def trusted(event: Event, metadata: dict[str, object], began: SigningBegan) -> bool:
    """Whether a grant counts: signed by this instance, or written before it began signing."""
    if grants.SIGNATURE in metadata:
        return grant_is_signed(event.stream, event.type, metadata)
    first = began()
    return first is None or event.seq < first  # written before signing began


def signed_people(
    people: Iterable[User], *, organisation: Organisation | None = None
) -> list[User]:
    """Those of `people` whose present role and public key are the ones the signed record
    names: her creation, then any signed change of role or reset of her key pair. With
    `organisation`, only those the record also places in it (an organisation's liaisons:
    a row moved by hand into another organisation is sealed nothing)."""
    people = list(people)
    if not people:
        return []
    proven = _proven_people(frozenset(person.pseudonym for person in people))
    return [
        person
        for person in people
        if person.pseudonym in proven
        and proven[person.pseudonym].role == person.role
        and proven[person.pseudonym].keyprint in (None, grants.keyprint(bytes(person.public_key)))
        and (organisation is None or proven[person.pseudonym].organisation == organisation.slug)
    ]


class ProvenPerson(NamedTuple):
    """What the signed record says of a person now."""

    role: str
    keyprint: str | None  # None: created before key prints were signed
    organisation: str | None  # the organisation's slug, for a liaison


_SCHEME_TIP = (
    "SELECT stream_version, hash FROM ledger_event WHERE stream = %s"
    " ORDER BY stream_version DESC LIMIT 1"
)
Proven = dict[str, ProvenPerson]  # by pseudonym
# What the signed grants proved about a set of people, by the scheme stream's tip: every
# allocation asks about the same pool, and the answer can change only when that stream
# grows. The tip's hash is part of the key, so an append that was rolled back is never
# taken for the one that replaced it; anything kept here was verified when it was read.
_proven_by_tip: dict[tuple[int, str, frozenset[str]], Proven] = {}
_PROVEN_KEPT = 64


def _proven_people(pseudonyms: frozenset[str]) -> Proven:
    with connection.cursor() as cursor:
        cursor.execute(_SCHEME_TIP, [SCHEME_STREAM])
        row = cursor.fetchone()
    key = (int(row[0]), str(row[1]), pseudonyms) if row else (0, "", pseudonyms)
    proven = _proven_by_tip.get(key)
    if proven is None:
        proven = _read_proven(pseudonyms)
        if len(_proven_by_tip) >= _PROVEN_KEPT:
            _proven_by_tip.clear()
        _proven_by_tip[key] = proven
    return proven


def _read_proven(pseudonyms: frozenset[str]) -> Proven:
    began = SigningBegan()
    wanted = Q()
    for pseudonym in pseudonyms:
        wanted |= Q(metadata__contains=f'"person":"{pseudonym}"')
    proven: Proven = {}
    for event in Event.objects.filter(
        wanted, stream=SCHEME_STREAM, type__in=_PERSON_GRANTS
    ).order_by("seq"):
        metadata = json.loads(event.metadata)
        if not trusted(event, metadata, began):
            continue
        who = str(metadata["person"])
        if event.type == events_scheme.PERSON_CREATED.type:
            print_, slug = metadata.get(grants.KEYPRINT), metadata.get("organisation")
            proven[who] = ProvenPerson(
                str(metadata["role"]), print_ and str(print_), slug and str(slug)
            )
        elif who in proven and event.type == events_scheme.PERSON_ROLE_CHANGED.type:
            # A new role is a scheme role: the organisation goes (cases/leavers).
            proven[who] = ProvenPerson(str(metadata["new"]), proven[who].keyprint, None)
        elif who in proven and event.type == events_scheme.PASSWORD_RESET.type:
            proven[who] = proven[who]._replace(keyprint=str(metadata[grants.KEYPRINT]))
    return proven


def person_proven(person: User, private_key: bytes) -> bool:
    """Whether the signed record proves `person` as the people table has her, and the
    private key she just unlocked is the one her public key belongs to. A row written into
    the table by hand, or a key pair swapped under a real person's name, fails: such an
    account must not sign in (a database administrator gains no working session)."""
    if vault.public_key_of(private_key) != bytes(person.public_key):
        return False
    return bool(signed_people([person]))
