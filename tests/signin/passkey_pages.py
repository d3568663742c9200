"""Reading the passkey options a page gives its script (data-passkey-options), for the
tests that answer them with a software authenticator through Django's test client."""

from __future__ import annotations

import html
import re

from django.conf import settings

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
