"""The ristretto255 group and its scalar field, from libsodium (private to the vault).

PyNaCl does not bind libsodium's ristretto255 functions, so these come from pysodium,
a thin ctypes wrapper around the system's libsodium (Debian's libsodium23, >= 1.0.18).
Nothing here is arithmetic of our own: each name is one libsodium call.
"""

from __future__ import annotations

import pysodium

ELEMENT_BYTES: int = pysodium.crypto_core_ristretto255_BYTES
SCALAR_BYTES: int = pysodium.crypto_core_ristretto255_SCALARBYTES
HASH_BYTES: int = pysodium.crypto_core_ristretto255_HASHBYTES
WIDE_SCALAR_BYTES: int = pysodium.crypto_core_ristretto255_NONREDUCEDSCALARBYTES

# libsodium reports a refused operation (e.g. a product that is the identity) this way.
SODIUM_ERRORS: tuple[type[Exception], ...] = (ValueError,)


def from_hash(uniform: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_from_hash(uniform))


def is_valid_point(element: bytes) -> bool:
    return bool(pysodium.crypto_core_ristretto255_is_valid_point(element))


def scalarmult(scalar: bytes, element: bytes) -> bytes:
    return bytes(pysodium.crypto_scalarmult_ristretto255(scalar, element))


def scalar_random() -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_random())


def scalar_reduce(wide: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_reduce(wide))


def scalar_invert(scalar: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_invert(scalar))


def scalar_add(a: bytes, b: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_add(a, b))


def scalar_sub(a: bytes, b: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_sub(a, b))


def scalar_mul(a: bytes, b: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_scalar_mul(a, b))
