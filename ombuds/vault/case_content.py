"""Case content: encrypted under the case's own key, bound to the record that holds it."""

import secrets

import nacl.bindings as sodium

from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.vault._common import NACL_ERRORS, require_bytes

CASE_KEY_BYTES = 32

# Format: version (1) || nonce (24) || XChaCha20-Poly1305 ciphertext and tag (len + 16).
_VERSION = b"\x01"
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_TAG_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
_HEADER_BYTES = len(_VERSION) + _NONCE_BYTES


def new_case_key() -> bytes:
    """A fresh random case key; whoever holds it can decrypt that case's content."""
    return secrets.token_bytes(CASE_KEY_BYTES)


def _associated_data(bound_to: object) -> bytes:
    if not isinstance(bound_to, str) or bound_to == "":
        raise InvalidInput("bound_to must be a non-empty string")
    # The version byte is authenticated too, so a ciphertext cannot be relabelled.
    return _VERSION + bound_to.encode("utf-8")


def encrypt_case_content(case_key: bytes, plaintext: bytes, *, bound_to: str) -> bytes:
    """Encrypt so that only holders of case_key can decrypt, and only as record bound_to."""
    require_bytes("case_key", case_key, length=CASE_KEY_BYTES)
    require_bytes("plaintext", plaintext)
    aad = _associated_data(bound_to)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, case_key)
    return _VERSION + nonce + bytes(sealed)


def decrypt_case_content(case_key: bytes, ciphertext: bytes, *, bound_to: str) -> bytes:
    """Decrypt with case_key (holders of the case key only); DecryptionFailed if it won't open."""
    require_bytes("case_key", case_key, length=CASE_KEY_BYTES)
    require_bytes("ciphertext", ciphertext)
    aad = _associated_data(bound_to)
    if len(ciphertext) < _HEADER_BYTES + _TAG_BYTES or ciphertext[:1] != _VERSION:
        raise DecryptionFailed("case content is truncated or of an unknown format")
    nonce = ciphertext[1:_HEADER_BYTES]
    try:
        plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext[_HEADER_BYTES:], aad, nonce, case_key
        )
    except NACL_ERRORS as exc:
        raise DecryptionFailed("case content did not open") from exc
    return bytes(plaintext)
