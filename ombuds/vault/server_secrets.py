"""Secrets the server itself must read back (TOTP seeds), kept encrypted under an instance
key held in a file outside the database; keyed tags and digests for sign-in secrets.

A stolen database without that file opens no TOTP seed and learns nothing from a tag.
"""

from __future__ import annotations

import hashlib

import nacl.secret
import nacl.utils

from ombuds.lib.errors import DecryptionFailed
from ombuds.vault._common import NACL_ERRORS, require_bytes
from ombuds.vault.receipts import normalise_receipt

SERVER_KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
_VERSION = b"\x01"
_TAG_PERSON = b"ombuds:rtag:v1"
_CODE_PERSON = b"ombuds:rcode:v1"
TAG_BITS = 32


def new_server_key() -> bytes:
    """A random instance key (one per purpose, each in its own file)."""
    return nacl.utils.random(SERVER_KEY_BYTES)


def encrypt_for_server(key: bytes, secret: bytes) -> bytes:
    """Encrypt a secret only this instance (holding `key`) can read back."""
    require_bytes("key", key, length=SERVER_KEY_BYTES)
    require_bytes("secret", secret)
    return _VERSION + bytes(nacl.secret.SecretBox(key).encrypt(secret))


def decrypt_for_server(key: bytes, sealed: bytes) -> bytes:
    """The secret back; DecryptionFailed if the key or the ciphertext is not right."""
    require_bytes("key", key, length=SERVER_KEY_BYTES)
    if sealed[:1] != _VERSION:
        raise DecryptionFailed("server secret is of an unknown format")
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(sealed[1:]))
    except NACL_ERRORS as exc:
        raise DecryptionFailed("server secret did not open") from exc


def receipt_tag(key: bytes, receipt: str) -> int | None:
    """A 32-bit keyed tag of a receipt (or invitation code), None if it is not one.

    Lets a wrong receipt be turned away with one index lookup instead of an Argon2id
    derivation, so guessing cannot exhaust the server. It gives away 32 of a receipt's
    ~90 bits, and only to someone holding both the database and the key file; ~58 bits
    stay behind Argon2id.
    """
    require_bytes("key", key, length=SERVER_KEY_BYTES)
    canonical = normalise_receipt(receipt)
    if canonical is None:
        return None
    digest = hashlib.blake2b(
        canonical.encode("ascii"), key=key, digest_size=TAG_BITS // 8, person=_TAG_PERSON
    ).digest()
    return int.from_bytes(digest, "big")


def recovery_code_digest(code: str) -> str:
    """Digest of a recovery code (120 random bits, so a fast hash is enough)."""
    normal = "".join(code.lower().split()).replace("-", "")
    return hashlib.blake2b(normal.encode(), digest_size=32, person=_CODE_PERSON).hexdigest()


def server_subkey(key: bytes, purpose: bytes) -> bytes:
    """A key for one purpose derived from an instance key (BLAKE2b, the purpose as its
    personalisation, at most 16 bytes): one key file serves several uses that cannot be
    confused with one another."""
    require_bytes("key", key, length=SERVER_KEY_BYTES)
    return hashlib.blake2b(b"", key=key, digest_size=SERVER_KEY_BYTES, person=purpose).digest()


def audit_pseudonym(key: bytes, kind: str, value: str) -> str:
    """A short stable name for a case or a person on the auditor's pages (BLAKE2b keyed by
    an instance key, the kind as its personalisation): the same one on every page, and
    nothing that joins it to a reference or a pseudonym without the key."""
    require_bytes("key", key, length=SERVER_KEY_BYTES)
    person = f"ombuds-audit-{kind}"[:16].encode()
    return hashlib.blake2b(value.encode(), key=key, digest_size=5, person=person).hexdigest()
