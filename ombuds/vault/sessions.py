"""Session wrapping: unlocked private keys kept for one session under a key in a cookie."""

import secrets

import nacl.secret

from ombuds.lib.errors import DecryptionFailed
from ombuds.vault._common import NACL_ERRORS, require_bytes

SESSION_KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE

# Format: version (1) || SecretBox (nonce 24 || XSalsa20-Poly1305 ciphertext and tag).
_VERSION = b"\x01"


def new_session_key() -> bytes:
    """A fresh random session key, to live only in the person's browser cookie."""
    return secrets.token_bytes(SESSION_KEY_BYTES)


def wrap_for_session(session_key: bytes, secret: bytes) -> bytes:
    """Encrypt secret so that only the holder of session_key (that browser) can unwrap it."""
    require_bytes("session_key", session_key, length=SESSION_KEY_BYTES)
    require_bytes("secret", secret)
    return _VERSION + bytes(nacl.secret.SecretBox(session_key).encrypt(secret))


def unwrap_for_session(session_key: bytes, wrapped: bytes) -> bytes:
    """Decrypt with the session's cookie key; DecryptionFailed if it does not open."""
    require_bytes("session_key", session_key, length=SESSION_KEY_BYTES)
    require_bytes("wrapped", wrapped)
    if wrapped[:1] != _VERSION:
        raise DecryptionFailed("wrapped secret is of an unknown format")
    try:
        return bytes(nacl.secret.SecretBox(session_key).decrypt(wrapped[1:]))
    except NACL_ERRORS as exc:
        raise DecryptionFailed("wrapped secret did not open") from exc
