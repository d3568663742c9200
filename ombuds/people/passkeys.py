"""Passkeys (WebAuthn, through py_webauthn): a staff member may register some from her
account pages and use one instead of her authenticator app's code, at the second step of
signing in and at the administrator's re-check.

The server makes every challenge and keeps it in the person's session, bound to her and
to what it is for (adding a passkey, or proving she holds one); it is taken the first
time a response is checked, so a replayed response finds none. The relying party is
settings.OMBUDS_SITE_ORIGIN and its host (OMBUDS_PASSKEY_RP_ID). Each passkey's public key
and signature counter are kept per person (models.Passkey); nothing secret is stored.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ombuds.ledger.actor import Actor
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotFound
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.people.models import Passkey, User
from ombuds.record.events import scheme as events_scheme
from ombuds.record.services import event_append

RP_NAME = "Ombuds"
ADD = "add"  # a challenge for adding a passkey
PROVE = "prove"  # a challenge for signing in (or re-checking) with one
_CHALLENGE = "ombuds.passkey_challenge"  # in the session: {person, purpose, challenge, at}
CHALLENGE_SECONDS = 5 * 60
MAX_PASSKEYS = 10
MAX_RESPONSE = 20_000  # characters of a browser's response: bounds the parsing work
NOT_ADDED = "That passkey could not be added. Try again, or use another passkey."
NOT_ACCEPTED = "That passkey was not accepted. Try again, or enter a code instead."


def _as_json(value: str) -> str:
    if not value or len(value) > MAX_RESPONSE:
        raise ValueError("no response, or too long")
    return value


def passkey_print(credential_id: str) -> str:
    """How events name a passkey: a digest of its credential id (never her name for it)."""
    return hashlib.sha256(credential_id.encode()).hexdigest()[:16]


def passkeys_of(person: User) -> list[Passkey]:
    """Her passkeys, oldest first."""
    return list(Passkey.objects.filter(person=person).order_by("created_at", "pk"))


def has_passkey(person: User) -> bool:
    return Passkey.objects.filter(person=person).exists()


# --- Challenges, kept in the session ----------------------------------------------------


def challenge_issue(session: Any, *, person: User, purpose: str, challenge: bytes) -> None:
    """Keep a challenge just sent to her browser (one at a time: a newer page replaces it)."""
    session[_CHALLENGE] = {
        "person": person.pk,
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
    }


def challenge_take(session: Any, *, person: User, purpose: str) -> bytes | None:
    """The challenge issued to this person for this purpose, if still fresh; it is removed
    either way, so each challenge is checked at most once."""
    held = session.pop(_CHALLENGE, None)
    if not isinstance(held, dict) or held.get("person") != person.pk:
        return None
    if held.get("purpose") != purpose:
        return None
    age = time.time() - float(held.get("at", 0))
    if not 0 <= age <= CHALLENGE_SECONDS:
        return None
    return base64url_to_bytes(str(held["challenge"]))


# --- Adding a passkey -----------------------------------------------------------------------


def registration_options(session: Any, person: User) -> str:
    """What her browser needs to create a passkey (JSON), with a new challenge kept in
    her session. Her existing passkeys are excluded, so one device is not added twice."""
    options = generate_registration_options(
        rp_id=settings.OMBUDS_PASSKEY_RP_ID,
        rp_name=RP_NAME,
        # The user handle is her pseudonym: a random id, never her name or sign-in name.
        user_id=person.pseudonym.encode(),
        user_name=person.username,
        user_display_name=person.display_name or person.username,
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in passkeys_of(person)
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    challenge_issue(session, person=person, purpose=ADD, challenge=options.challenge)
    return options_to_json(options)


def passkey_register(*, person: User, name: str, response: str, challenge: bytes | None) -> Passkey:
    """Add a passkey to a staff member's account from her browser's response to the
    challenge she was given (`challenge_take(..., purpose=ADD)`), and record it.

    Refuses, changing nothing, a missing name, too many passkeys, a spent or missing
    challenge, and any response that does not verify (wrong origin, wrong relying party,
    another challenge, a broken attestation).
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Enter a name for this passkey, such as the device it is on.")
    if len(name) > 60:
        raise InvalidInput("Keep the passkey's name under 60 characters.")
    if Passkey.objects.filter(person=person).count() >= MAX_PASSKEYS:
        raise InvalidInput(f"You have {MAX_PASSKEYS} passkeys. Remove one to add another.")
    if challenge is None:
        raise InvalidInput(NOT_ADDED)
    try:
        verified = verify_registration_response(
            credential=_as_json(response),
            expected_challenge=challenge,
            expected_rp_id=settings.OMBUDS_PASSKEY_RP_ID,
            expected_origin=settings.OMBUDS_SITE_ORIGIN,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(NOT_ADDED) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                person=person,
                name=name,
                credential_id=credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                created_at=timezone.now(),
            )
            event_append(
                events_scheme.PASSKEY_REGISTERED,
                stream=SCHEME_STREAM,
                actor=Actor(pseudonym=person.pseudonym, role=person.role),
                metadata={"person": person.pseudonym, "passkey": passkey_print(credential_id)},
            )
    except IntegrityError as exc:  # the same credential, already added
        raise InvalidInput("That passkey has been added already.") from exc
    security_event(SecurityEvent.PASSKEY_ADDED, person=person.pseudonym)
    return passkey


def passkey_remove(*, person: User, passkey_id: int) -> None:
    """Remove one of her own passkeys (NotFound for anyone else's), and record it."""
    with transaction.atomic():
        passkey = Passkey.objects.select_for_update().filter(pk=passkey_id, person=person).first()
        if passkey is None:
            raise NotFound("There is no such passkey.")
        passkey.delete()
        event_append(
            events_scheme.PASSKEY_REMOVED,
            stream=SCHEME_STREAM,
            actor=Actor(pseudonym=person.pseudonym, role=person.role),
            metadata={"person": person.pseudonym, "passkey": passkey_print(passkey.credential_id)},
        )
    security_event(SecurityEvent.PASSKEY_REMOVED, person=person.pseudonym)


# --- Proving she holds one ------------------------------------------------------------------


def authentication_options(session: Any, person: User) -> str | None:
    """What her browser needs to use one of her passkeys (JSON), with a new challenge kept
    in her session; None when she has none."""
    held = passkeys_of(person)
    if not held:
        return None
    options = generate_authentication_options(
        rp_id=settings.OMBUDS_PASSKEY_RP_ID,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in held
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    challenge_issue(session, person=person, purpose=PROVE, challenge=options.challenge)
    return options_to_json(options)


def passkey_check(*, person: User, response: str, challenge: bytes | None) -> bool:
    """True when `response` is one of her passkeys signing the challenge she was given
    (`challenge_take(..., purpose=PROVE)`) for this site, with a signature counter ahead
    of the last one seen (then the counter and time of use are kept)."""
    if challenge is None:
        return False
    try:
        credential = parse_authentication_credential_json(_as_json(response))
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    credential_id = bytes_to_base64url(credential.raw_id)
    with transaction.atomic():
        passkey = (
            Passkey.objects.select_for_update()
            .filter(person=person, credential_id=credential_id)
            .first()
        )
        if passkey is None:
            return False
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=settings.OMBUDS_PASSKEY_RP_ID,
                expected_origin=settings.OMBUDS_SITE_ORIGIN,
                credential_public_key=bytes(passkey.public_key),
                # py_webauthn refuses a counter that did not move forward (unless both
                # are 0: authenticators that keep no counter), a sign of a cloned key.
                credential_current_sign_count=passkey.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError):
            return False
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return True
