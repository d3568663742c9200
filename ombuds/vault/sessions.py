"""Session wrapping: unlocked private keys kept for one session under a key in a cookie."""

import secrets

import nacl.hash
import nacl.secret
from nacl.encoding import RawEncoder

from ombuds.lib.errors import DecryptionFailed, InvalidInput
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


# The session table's row key: a keyed BLAKE2b of the cookie's session id, 20 bytes (40
# hex characters, the width of Django's session_key column).
_ROW_KEY_BYTES = 20
_ROW_KEY_PERSON = b"ombuds.sessrow"  # domain separation: this key hashes nothing else


def session_row_key(instance_secret: bytes, session_id: str) -> str:
    """The database row key for a session id: only someone holding `instance_secret` can
    compute it from the id, and nobody can compute the id from it."""
    require_bytes("instance_secret", instance_secret)
    if not instance_secret:
        raise InvalidInput("instance_secret must not be empty")
    key = nacl.hash.blake2b(
        instance_secret, digest_size=32, person=_ROW_KEY_PERSON, encoder=RawEncoder
    )
    row = nacl.hash.blake2b(
        session_id.encode(), digest_size=_ROW_KEY_BYTES, key=key, encoder=RawEncoder
    )
    return row.hex()
