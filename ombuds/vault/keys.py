"""X25519 key pairs of people, and case keys sealed to them (libsodium sealed boxes)."""

from dataclasses import dataclass, field

import nacl.public

from ombuds.lib.errors import DecryptionFailed
from ombuds.vault._common import NACL_ERRORS, require_bytes
from ombuds.vault.case_content import CASE_KEY_BYTES

KEY_BYTES = 32

# Format: version (1) || libsodium sealed box (ephemeral public key 32, ciphertext, tag 16).
_VERSION = b"\x01"


@dataclass(frozen=True)
class KeyPair:
    """An X25519 key pair; only the private key's holder can open what is sealed to it."""

    public_key: bytes
    private_key: bytes = field(repr=False)


def new_keypair() -> KeyPair:
    """A fresh random X25519 key pair (the private half decrypts; keep it locked)."""
    private = nacl.public.PrivateKey.generate()
    return KeyPair(public_key=bytes(private.public_key), private_key=bytes(private))


def public_key_of(private_key: bytes) -> bytes:
    """The X25519 public key belonging to private_key (anyone may hold it)."""
    require_bytes("private_key", private_key, length=KEY_BYTES)
    return bytes(nacl.public.PrivateKey(private_key).public_key)


def seal_case_key(case_key: bytes, *, to_public_key: bytes) -> bytes:
    """Seal a case key so that only the holder of to_public_key's private key can open it."""
    require_bytes("case_key", case_key, length=CASE_KEY_BYTES)
    require_bytes("to_public_key", to_public_key, length=KEY_BYTES)
    box = nacl.public.SealedBox(nacl.public.PublicKey(to_public_key))
    return _VERSION + bytes(box.encrypt(case_key))


def open_case_key(sealed: bytes, *, private_key: bytes) -> bytes:
    """Open a sealed case key with the recipient's private key; DecryptionFailed otherwise."""
    require_bytes("sealed", sealed)
    require_bytes("private_key", private_key, length=KEY_BYTES)
    if sealed[:1] != _VERSION:
        raise DecryptionFailed("sealed case key is of an unknown format")
    box = nacl.public.SealedBox(nacl.public.PrivateKey(private_key))
    try:
        case_key = bytes(box.decrypt(sealed[1:]))
    except NACL_ERRORS as exc:
        raise DecryptionFailed("sealed case key did not open") from exc
    if len(case_key) != CASE_KEY_BYTES:
        raise DecryptionFailed("sealed value is not a case key")
    return case_key
