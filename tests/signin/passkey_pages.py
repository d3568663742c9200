"""Passkeys for tests that go through the pages: the options a page gives its script
(data-passkey-options), a software authenticator for this site, and a passkey added as
her browser would add one."""

from __future__ import annotations

import html
import re

from django.conf import settings

from ombuds.people.models import User
from ombuds.people.passkeys import ADD, challenge_take, passkey_register, registration_options
from tests.signin.authenticator import SoftAuthenticator

_OPTIONS = re.compile(r'data-passkey-options="([^"]*)"')


def page_options(content: bytes) -> str:
    found = _OPTIONS.search(content.decode())
    assert found, "the page offers no passkey"
    return html.unescape(found[1])


def offers_passkey(content: bytes) -> bool:
    return _OPTIONS.search(content.decode()) is not None


def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(
        rp_id=settings.OMBUDS_PASSKEY_RP_ID, origin=settings.OMBUDS_SITE_ORIGIN
    )


def a_passkey(person: User, device: SoftAuthenticator | None = None) -> int:
    """A passkey of hers (from `device`, or a new one), added as her browser would."""
    session: dict[str, object] = {}
    answer = (device or authenticator()).create(registration_options(session, person))
    challenge = challenge_take(session, person=person, purpose=ADD)
    return passkey_register(person=person, name="Laptop", response=answer, challenge=challenge).pk
