"""Holding an unlocked private key for one browser session only.

The key is encrypted under a random key that lives only in the person's cookie; the
session table holds the ciphertext. A stolen database (sessions included) therefore
cannot unlock anything, and the server keeps nothing in the clear between requests.
"""

from __future__ import annotations

import base64
from typing import Any

from ombuds import vault
from ombuds.lib.errors import DecryptionFailed

KEY_COOKIE = "ombuds_key"
_WRAPPED = "ombuds.wrapped_key"


def keyring_open(session: Any, private_key: bytes) -> str:
    """Store `private_key` wrapped in the session; return the cookie value that opens it."""
    session_key = vault.new_session_key()
    wrapped = vault.wrap_for_session(session_key, private_key)
    session[_WRAPPED] = base64.b64encode(wrapped).decode()
    return base64.urlsafe_b64encode(session_key).decode()


def keyring_private_key(session: Any, cookie_value: str | None) -> bytes | None:
    """The private key held for this session, or None if it cannot be opened."""
    wrapped = session.get(_WRAPPED)
    if not wrapped or not cookie_value:
        return None
    try:
        session_key = base64.urlsafe_b64decode(cookie_value.encode())
        return vault.unwrap_for_session(session_key, base64.b64decode(wrapped))
    except (ValueError, DecryptionFailed):
        return None
