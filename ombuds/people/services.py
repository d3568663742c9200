"""Creating organisations and people, and changing passwords."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from ombuds import vault
from ombuds.ledger.actor import SYSTEM, Actor
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib import keyfiles
from ombuds.lib.canonical import canonical_json
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.people.models import HANDLER_ROLES, STAFF_ROLES, Declaration, Organisation, User
from ombuds.people.signals import interests_declared
from ombuds.people.signed_record import signed_people
from ombuds.record import grants
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append

_SIGN_IN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,59}")


def actor_of(person: User | None) -> Actor:
    """How the ledger names a person; None is the operator at the command line."""
    if person is None:
        return SYSTEM
    return Actor(pseudonym=person.pseudonym, role=person.role)


def _require_administrator(actor: User | None) -> None:
    # The role as the signed record has it, not only as her row says.
    if actor is not None and (actor.role != Role.ADMINISTRATOR or not signed_people([actor])):
        raise NotPermitted("Only a scheme administrator can do this.")


def check_password(password: str, person: User | None = None) -> None:
    """InvalidInput unless the password is long enough, not common or breached, and not
    close to the person's own names (settings.AUTH_PASSWORD_VALIDATORS)."""
    try:
        validate_password(password, person)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc


def organisation_create(*, actor: User | None, name: str, slug: str = "") -> Organisation:
    """Add an organisation the scheme serves. Administrators (or the command line) only."""
    _require_administrator(actor)
    name = name.strip()
    slug = slugify(slug or name)
    if not name or not slug:
        raise InvalidInput("Enter the organisation's name.")
    with transaction.atomic():
        if Organisation.objects.filter(slug=slug).exists():
            raise InvalidInput("An organisation with that name already exists.")
        organisation = Organisation.objects.create(name=name, slug=slug)
        event_append(
            events_scheme.ORGANISATION_CREATED,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={"organisation": slug},
        )
    security_event(
        SecurityEvent.ORGANISATION_CREATED, by=actor_of(actor).pseudonym, organisation=slug
    )
    return organisation


def party_sign_in_name(prefix: str) -> str:
    """A generated sign-in name for a complainant ("c") or respondent ("r") account, so the
    database holds no name of theirs."""
    while True:
        name = f"{prefix}-" + "".join(
            secrets.choice("23456789abcdefghjkmnpqrstuvwxyz") for _ in range(8)
        )
        if not User.objects.filter(username=name).exists():
            return name


def new_pseudonym() -> str:
    """A random id that names a person in events without naming them."""
    return secrets.token_hex(8)


def person_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    organisation: Organisation | None = None,
) -> User:
    """Create a staff member with a key pair locked under her password.

    Administrators (or the command line) only. Handlers come from the independent pool,
    so only an organisation liaison may belong to an organisation.
    """
    _require_administrator(actor)
    if role not in STAFF_ROLES:
        raise InvalidInput("Choose a staff role.")
    if role == Role.LIAISON and organisation is None:
        raise InvalidInput("An organisation liaison must belong to an organisation.")
    if role != Role.LIAISON and organisation is not None:
        raise InvalidInput("Only an organisation liaison belongs to an organisation.")
    name = username.strip()
    # ASCII only: look-alike letters from other scripts must not pass for a colleague.
    if not _SIGN_IN_NAME.fullmatch(name):
        raise InvalidInput(
            "Enter a sign-in name of up to 60 letters (a to z), numbers, dots and hyphens."
        )
    person = account_create(
        actor=actor_of(actor),
        username=name,
        password=password,
        role=role,
        display_name=display_name,
        organisation=organisation,
    )
    security_event(
        SecurityEvent.STAFF_CREATED,
        by=actor_of(actor).pseudonym,
        person=person.pseudonym,
        role=role.value,
    )
    return person


def account_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    organisation: Organisation | None = None,
) -> User:
    """Make and store an account (see account_prepare) and record it in the ledger."""
    person = account_prepare(
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        organisation=organisation,
    )
    account_save(person, actor=actor)
    return person


def account_prepare(
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    organisation: Organisation | None = None,
) -> User:
    """An unsaved account with a fresh key pair locked under its password.

    The slow Argon2id work happens here, before any transaction takes the write lock.
    For other services only: it checks the password, not who may create the account.
    """
    check_password(password, User(username=username, display_name=display_name))
    keys = vault.new_keypair()
    locked = vault.lock_private_key(keys.private_key, password=password, cost=settings.OMBUDS_KDF)
    person = User(
        username=username,
        display_name=display_name.strip(),
        role=role.value,
        organisation=organisation,
        pseudonym=new_pseudonym(),
        public_key=keys.public_key,
        locked_private_key=locked,
    )
    person.set_password(password)
    return person


def account_save(person: User, *, actor: Actor) -> None:
    """Store a prepared account and its `person.created` event."""
    try:
        with transaction.atomic():
            person.save()
            event_append(
                events_scheme.PERSON_CREATED,
                stream=SCHEME_STREAM,
                actor=actor,
                metadata={
                    "person": person.pseudonym,
                    "role": person.role,
                    "organisation": person.organisation.slug if person.organisation else None,
                    grants.KEYPRINT: grants.keyprint(bytes(person.public_key)),
                },
            )
    except IntegrityError as exc:
        raise InvalidInput("That sign-in name is taken. Choose another.") from exc


def person_unlock_key(*, person: User, password: str) -> bytes:
    """The person's private key, opened with her password (at sign-in only)."""
    return vault.unlock_private_key(bytes(person.locked_private_key), password=password)


def password_change(*, person: User, old_password: str, new_password: str) -> None:
    """Change a password and re-lock the private key under it, in one transaction."""
    if not person.check_password(old_password):
        raise InvalidInput("Your current password is not right.")
    check_password(new_password, person)
    relocked = vault.relock_private_key(
        bytes(person.locked_private_key),
        old_password=old_password,
        new_password=new_password,
        cost=settings.OMBUDS_KDF,
    )
    with transaction.atomic():
        person.locked_private_key = relocked
        person.set_password(new_password)
        person.save(update_fields=["locked_private_key", "password"])
        event_append(
            events_scheme.PASSWORD_CHANGED,
            stream=SCHEME_STREAM,
            actor=actor_of(person),
            metadata={"person": person.pseudonym},
        )
    security_event(SecurityEvent.PASSWORD_CHANGED, person=person.pseudonym)


def conflict_key() -> bytes:
    """This instance's key for conflict tokens (a file outside the database)."""
    return keyfiles.read(Path(settings.OMBUDS_CONFLICT_KEY_FILE), vault.CONFLICT_KEY_BYTES)


def interest_tokens(interests: Sequence[tuple[str, str]]) -> list[str]:
    """Conflict tokens for (kind, value) pairs, sorted and without repeats."""
    key = conflict_key()
    return sorted({vault.conflict_token(key, kind=k, value=v) for k, v in interests if v.strip()})


MAX_INTERESTS = 100


def interests_declare(*, actor: User, interests: Sequence[tuple[str, str]]) -> Declaration:
    """A handler declares her interests (units, groups, employers, people she is close to).

    Each declaration is a new dated version in the ledger; allocation excludes her from
    any case whose parties share one of them, and she is taken off any open case of hers
    whose parties do (`cases.independence.on_interests_declared`).
    """
    if actor.role not in HANDLER_ROLES:
        raise NotPermitted("Only handlers in the independent pool declare interests.")
    cleaned = [(k, " ".join(v.split())) for k, v in interests if v.strip()]
    if len(cleaned) > MAX_INTERESTS:
        raise InvalidInput(f"Declare at most {MAX_INTERESTS} interests.")
    for kind, value in cleaned:
        if kind not in vault.INTEREST_KINDS:
            raise InvalidInput("Choose what kind of interest each one is.")
        if len(value) > 200:
            raise InvalidInput("Keep each interest under 200 characters.")
    tokens = interest_tokens(cleaned)
    sealed = vault.seal_to_person(
        canonical_json([[k, v] for k, v in cleaned]).encode(),
        to_public_key=bytes(actor.public_key),
    )
    with transaction.atomic():
        previous = Declaration.objects.select_for_update().filter(person=actor).first()
        version = previous.version + 1 if previous else 1
        event = event_append(
            events_scheme.INTERESTS_DECLARED,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={"person": actor.pseudonym, "version": version, "tokens": tokens},
        )
        declaration, _ = Declaration.objects.update_or_create(
            person=actor,
            defaults={
                "version": version,
                "declared_at": parse_time(event.recorded_at),
                "tokens": tokens,
                "sealed_interests": sealed,
            },
        )
        interests_declared.send(sender=User, person=actor, tokens=tokens)
    return declaration


def interests_of(*, person: User, private_key: bytes) -> list[tuple[str, str]]:
    """The interests a handler declared, opened with her own key (nobody else can)."""
    declaration = Declaration.objects.filter(person=person).first()
    if declaration is None:
        return []
    opened = vault.open_sealed_for_person(
        bytes(declaration.sealed_interests), private_key=private_key
    )
    return [(str(k), str(v)) for k, v in json.loads(opened)]
