"""An oblivious pseudorandom function over ristretto255 (RFC 9497, OPRF mode).

The escrow turns an identifier of a named person into a PRF output keyed by a secret
held apart from the database, so the database holds no readable identifier and nobody
without the key can test a guess. The exchange has RFC 9497's three steps: whoever knows
the identifier blinds it (`oprf_blind`), the key holder evaluates the blinded element
without learning the identifier (`oprf_evaluate`), and the first party unblinds and
hashes (`oprf_finalize`). Every group and scalar operation is libsodium's
(`_ristretto.py`); SHA-512 and
the RFC 9380 expand_message_xmd construction around it give the hash to the group, so
the outputs equal RFC 9497's ristretto255-SHA512 test vectors.
"""

from __future__ import annotations

import nacl.bindings as sodium

from ombuds.lib.errors import InvalidInput
from ombuds.vault import _ristretto as ristretto
from ombuds.vault._common import require_bytes

OPRF_KEY_BYTES = ristretto.SCALAR_BYTES
ELEMENT_BYTES = ristretto.ELEMENT_BYTES
OUTPUT_BYTES = 64

# RFC 9497 section 3.1 and 4.1: mode 0x00 (OPRF), suite ristretto255-SHA512.
_CONTEXT = b"OPRFV1-\x00-ristretto255-SHA512"
_HASH_TO_GROUP_DST = b"HashToGroup-" + _CONTEXT
_SHA512_BLOCK = 128
_ZERO_SCALAR = bytes(OPRF_KEY_BYTES)


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def _expand_message_xmd(message: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512 (libsodium's crypto_hash_sha512)."""
    sha512 = sodium.crypto_hash_sha512
    blocks = -(-length // 64)
    if blocks > 255 or len(dst) > 255:
        raise InvalidInput("expand_message_xmd: output or tag too long")
    dst_prime = dst + _i2osp(len(dst), 1)
    b0 = sha512(bytes(_SHA512_BLOCK) + message + _i2osp(length, 2) + b"\x00" + dst_prime)
    out = previous = sha512(b0 + b"\x01" + dst_prime)
    for i in range(2, blocks + 1):
        previous = sha512(
            bytes(x ^ y for x, y in zip(b0, previous, strict=True)) + _i2osp(i, 1) + dst_prime
        )
        out += previous
    return out[:length]


def _hash_to_group(message: bytes) -> bytes:
    uniform = _expand_message_xmd(message, _HASH_TO_GROUP_DST, 64)
    return ristretto.from_hash(uniform)


def _require_element(name: str, value: object) -> bytes:
    element = require_bytes(name, value, length=ELEMENT_BYTES)
    if not ristretto.is_valid_point(element):
        raise InvalidInput(f"{name} is not a ristretto255 element")
    return element


def _require_scalar(name: str, value: object) -> bytes:
    scalar = require_bytes(name, value, length=OPRF_KEY_BYTES)
    # Canonical and non-zero: reducing a canonical scalar leaves it unchanged.
    if scalar == _ZERO_SCALAR or ristretto.scalar_reduce(scalar + bytes(32)) != scalar:
        raise InvalidInput(f"{name} is not a usable scalar")
    return scalar


def _multiply(scalar: bytes, element: bytes) -> bytes:
    try:
        return ristretto.scalarmult(scalar, element)
    except ristretto.SODIUM_ERRORS as exc:  # libsodium refuses a product that is the identity
        raise InvalidInput("the product is the identity element") from exc


def new_oprf_key() -> bytes:
    """A fresh OPRF key (a random non-zero scalar). Whoever holds it can evaluate the PRF."""
    return ristretto.scalar_random()


def _blind_with(message: bytes, blind: bytes) -> bytes:
    return _multiply(_require_scalar("blind", blind), _hash_to_group(message))


def oprf_blind(message: bytes) -> tuple[bytes, bytes]:
    """Blind `message`: returns (blind, blinded element). Only the blinded element is sent
    to the key holder, who learns nothing of the message from it."""
    require_bytes("message", message)
    blind = ristretto.scalar_random()
    return blind, _blind_with(message, blind)


def oprf_evaluate(key: bytes, blinded_element: bytes) -> bytes:
    """The key holder's step: multiply the blinded element by the OPRF key."""
    return _multiply(
        _require_scalar("key", key), _require_element("blinded element", blinded_element)
    )


def oprf_finalize(message: bytes, blind: bytes, evaluated_element: bytes) -> bytes:
    """Unblind the key holder's answer and hash it: the 64-byte PRF output of `message`."""
    require_bytes("message", message)
    inverse = ristretto.scalar_invert(_require_scalar("blind", blind))
    unblinded = _multiply(inverse, _require_element("evaluated element", evaluated_element))
    transcript = (
        _i2osp(len(message), 2) + message + _i2osp(len(unblinded), 2) + unblinded + b"Finalize"
    )
    return bytes(sodium.crypto_hash_sha512(transcript))


def oprf_output(key: bytes, message: bytes) -> bytes:
    """All three steps in one process (the escrow's key holder is local today): the PRF
    output of `message` under `key`, equal to what the oblivious exchange gives."""
    blind, blinded = oprf_blind(message)
    return oprf_finalize(message, blind, oprf_evaluate(key, blinded))
