"""The second factor of staff sign-in: TOTP (RFC 6238, pyotp) and recovery codes.

The TOTP seed is stored encrypted under an instance key kept in a file outside the
database; each code is accepted once (the last time step used is kept); recovery codes
(120 random bits each) are shown once and stored only as digests.
"""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ombuds import vault
from ombuds.keys import SECOND_FACTOR_KEY
from ombuds.ledger.actor import Actor
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput
from ombuds.limits.services import account_key
from ombuds.people.models import STAFF_ROLES, Passkey, RecoveryCode, SecondFactor, User
from ombuds.record.events import scheme as events_scheme
from ombuds.record.services import event_append

ISSUER = "Ombuds"
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 letters: 5 bits each, no 0/o 1/l
_CODE_LENGTH = 24  # 120 bits
WRONG_CODE = "That code is not right, or has already been used. Enter the newest code."


def _key() -> bytes:
    return SECOND_FACTOR_KEY.read()


def second_factor_required(person: User) -> bool:
    """Every staff account signs in with a second factor."""
    return person.role in STAFF_ROLES


def code_key(person: User) -> str:
    """Wrong codes have their own counter: only someone who knew the password makes them,
    so a stranger's wrong passwords never hold up her second step."""
    return account_key(f"{person.username}\ncode")


def second_factor_enrolled(person: User) -> bool:
    return SecondFactor.objects.filter(person=person, confirmed=True).exists()


def totp_secret(person: User) -> str:
    """The person's TOTP seed (base32), made on first asking and kept until confirmed."""
    device = SecondFactor.objects.filter(person=person).first()
    if device is None:
        secret = pyotp.random_base32(length=32)
        device, _ = SecondFactor.objects.get_or_create(
            person=person,
            defaults={"sealed_secret": vault.encrypt_for_server(_key(), secret.encode())},
        )
    return vault.decrypt_for_server(_key(), bytes(device.sealed_secret)).decode()


def totp_uri(person: User) -> str:
    return pyotp.TOTP(totp_secret(person)).provisioning_uri(
        name=person.username, issuer_name=ISSUER
    )


def totp_qr_svg(person: User) -> str:
    """The enrolment QR code as inline SVG markup (no script, no style attribute)."""
    qr = segno.make(totp_uri(person), error="m")
    return str(qr.svg_inline(scale=5, border=2, title="QR code for your authenticator app"))


def _matching_step(secret: str, code: str, after: int) -> int | None:
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):  # one step either side for clock drift
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_codes() -> list[str]:
    return [
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]


def show_code(code: str) -> str:
    """A recovery code in groups of four, as shown and as typed back."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def totp_confirm(*, person: User, code: str) -> list[str]:
    """Confirm enrolment with a first code; returns the recovery codes, to show once."""
    with transaction.atomic():
        device = SecondFactor.objects.select_for_update().filter(person=person).first()
        if device is None or device.confirmed:
            raise InvalidInput("Start again from the sign-in page.")
        secret = vault.decrypt_for_server(_key(), bytes(device.sealed_secret)).decode()
        step = _matching_step(secret, code, device.last_step)
        if step is None:
            raise InvalidInput(WRONG_CODE)
        device.confirmed = True
        device.last_step = step
        device.save(update_fields=["confirmed", "last_step"])
        codes = _new_codes()
        RecoveryCode.objects.filter(person=person).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(person=person, digest=vault.recovery_code_digest(c)) for c in codes
        )
        event_append(
            events_scheme.SECOND_FACTOR_ENROLLED,
            stream=SCHEME_STREAM,
            actor=Actor(pseudonym=person.pseudonym, role=person.role),
            metadata={"person": person.pseudonym},
        )
    return [show_code(c) for c in codes]


def second_factor_check(*, person: User, code: str) -> bool:
    """A code from her app, or one of her unused recovery codes (which is then spent)."""
    with transaction.atomic():
        device = SecondFactor.objects.select_for_update().filter(person=person, confirmed=True)
        found = device.first()
        if found is None:
            return False
        secret = vault.decrypt_for_server(_key(), bytes(found.sealed_secret)).decode()
        step = _matching_step(secret, code, found.last_step)
        if step is not None:
            SecondFactor.objects.filter(pk=found.pk).update(last_step=step)
            return True
        digest = vault.recovery_code_digest(code)
        return bool(
            RecoveryCode.objects.filter(person=person, digest=digest, used_at=None).update(
                used_at=timezone.now()
            )
        )


def second_factor_reset(*, person: User, actor: Actor) -> None:
    """Forget a person's second factor, recovery codes and passkeys, and end her sessions:
    she enrols again at her next sign-in. For the administrator's reset of a lost phone
    (services check who asks); a lost phone may hold her passkeys too, so none is left to
    whoever has it."""
    with transaction.atomic():
        SecondFactor.objects.filter(person=person).delete()
        RecoveryCode.objects.filter(person=person).delete()
        Passkey.objects.filter(person=person).delete()
        # Every session she has ends (ASVS 7.4.3): whoever has the phone may have one.
        User.objects.filter(pk=person.pk).update(sessions_epoch=F("sessions_epoch") + 1)
        person.refresh_from_db(fields=["sessions_epoch"])  # a later save keeps it
        event_append(
            events_scheme.SECOND_FACTOR_RESET,
            stream=SCHEME_STREAM,
            actor=actor,
            metadata={"person": person.pseudonym},
        )
