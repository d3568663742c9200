"""Checkpoint signing with Ed25519: the seed holder signs, anyone with the public key verifies."""

import secrets
from collections.abc import Iterable

import nacl.bindings
import nacl.signing

from ombuds.vault._common import NACL_ERRORS, require_bytes

_VERIFY_ERRORS: tuple[type[Exception], ...] = (*NACL_ERRORS, ValueError, TypeError)

SIGNING_SEED_BYTES = 32


def new_signing_seed() -> bytes:
    """A fresh random Ed25519 seed; only its holder can sign."""
    return secrets.token_bytes(SIGNING_SEED_BYTES)


def signing_public_key(seed: bytes) -> bytes:
    """The Ed25519 public key of seed; anyone holding it can verify signatures."""
    require_bytes("seed", seed, length=SIGNING_SEED_BYTES)
    return bytes(nacl.signing.SigningKey(seed).verify_key)


def sign(seed: bytes, message: bytes) -> bytes:
    """A detached 64-byte signature that anyone with the public key can verify."""
    require_bytes("seed", seed, length=SIGNING_SEED_BYTES)
    require_bytes("message", message)
    return bytes(nacl.signing.SigningKey(seed).sign(message).signature)


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if signature is public_key's over message; False (never raises) otherwise."""
    if not all(isinstance(value, bytes) for value in (public_key, message, signature)):
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except _VERIFY_ERRORS:
        return False
    return True


def verify_signatures(items: Iterable[tuple[bytes, bytes, bytes]]) -> list[bool]:
    """`verify_signature` over many (public key, message, signature), each one checked:
    the same libsodium check, without a key object per signature (a full `ombuds verify`
    checks one per stored checkpoint)."""
    results = []
    open_signed = nacl.bindings.crypto_sign_open
    for public_key, message, signature in items:
        if not (
            isinstance(public_key, bytes)
            and isinstance(message, bytes)
            and isinstance(signature, bytes)
            and len(public_key) == nacl.bindings.crypto_sign_PUBLICKEYBYTES
            and len(signature) == nacl.bindings.crypto_sign_BYTES
        ):
            results.append(False)
            continue
        try:
            open_signed(signature + message, public_key)
        except _VERIFY_ERRORS:
            results.append(False)
        else:
            results.append(True)
    return results
