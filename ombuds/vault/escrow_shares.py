"""Threshold sealing for the matching escrow, after Callisto (Rajan et al., 2018).

An entry's words are encrypted under a random record key. For each identifier of the
named person, the escrow's PRF output (see `oprf.py`) fixes a secret polynomial of
degree threshold - 1 over the ristretto255 scalar field: its constant term gives the
*match key* that encrypts the record key, and each complainant holds one point of it,
at an x fixed by her pseudonymous token, sealed to the matching counsellors' public
keys. Entries about the same person from `threshold` distinct complainants give enough
points to interpolate the constant term; fewer give nothing, even with every
counsellor's private key and the whole database. All field arithmetic is libsodium's
(crypto_core_ristretto255_scalar_*, `_ristretto.py`); hashes are BLAKE2b (crypto_generichash).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import nacl.bindings as sodium

from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.vault import _ristretto as ristretto
from ombuds.vault._common import require_bytes
from ombuds.vault.case_content import decrypt_case_content, encrypt_case_content
from ombuds.vault.sealed import open_sealed_for_person, seal_to_person

SCALAR_BYTES = ristretto.SCALAR_BYTES
SHARE_BYTES = 2 * SCALAR_BYTES  # x || y
ESCROW_KEY_BYTES = 32
MAX_THRESHOLD = 16
_ZERO = bytes(SCALAR_BYTES)


def _blake2b(data: bytes, *, key: bytes, person: bytes, size: int) -> bytes:
    # crypto_generichash_blake2b_salt_personal: person is padded to 16 bytes.
    return bytes(
        sodium.crypto_generichash_blake2b_salt_personal(
            data, digest_size=size, key=key, person=person.ljust(16, b"\x00")
        )
    )


def _scalar(data: bytes, *, key: bytes, person: bytes) -> bytes:
    """A uniform scalar: 64 hash bytes reduced modulo the group order."""
    wide = _blake2b(data, key=key, person=person, size=64)
    return ristretto.scalar_reduce(wide)


def _require_threshold(threshold: object) -> int:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 2 <= threshold <= MAX_THRESHOLD
    ):
        raise InvalidInput(f"The threshold must be a whole number from 2 to {MAX_THRESHOLD}.")
    return threshold


def _prf_output(value: object) -> bytes:
    return require_bytes("PRF output", value, length=64)


def match_token(prf_output: bytes) -> str:
    """The stored, indexed token of one identifier: equal for equal PRF outputs, and
    telling nothing about the identifier or the polynomial."""
    return _blake2b(
        b"token", key=_prf_output(prf_output), person=b"ombuds-esc-token", size=32
    ).hex()


def named_person_token(prf_output: bytes) -> str:
    """The token of a person named in a case (repeat complaints, vetting checks): from the
    same PRF output as an escrow mark, but in its own domain, so a stolen database cannot
    tell which sealed escrow entry names the respondent of which case."""
    return _blake2b(
        b"named", key=_prf_output(prf_output), person=b"ombuds-case-name", size=32
    ).hex()


def complainant_token(escrow_key: bytes, holder: str) -> str:
    """A complainant's pseudonymous token in the escrow, keyed by a subkey of the
    escrow's OPRF key, so nobody with only the database can link it to her case."""
    require_bytes("escrow key", escrow_key, length=ESCROW_KEY_BYTES)
    if not holder:
        raise InvalidInput("An escrow entry needs its author.")
    subkey = _blake2b(b"author", key=escrow_key, person=b"ombuds-esc-sub", size=32)
    return _blake2b(holder.encode(), key=subkey, person=b"ombuds-esc-who", size=32).hex()


def _share_x(author: str) -> bytes:
    x = _scalar(author.encode(), key=b"", person=b"ombuds-esc-x")
    if x == _ZERO:  # probability 2^-252; the point at 0 would be the secret itself
        raise InvalidInput("This author token cannot hold a share.")
    return x


def _coefficients(prf_output: bytes, threshold: int) -> list[bytes]:
    """[secret, a1, ..., a_{t-1}], all derived from the PRF output."""
    return [
        _scalar(f"{threshold}/{i}".encode(), key=prf_output, person=b"ombuds-esc-poly")
        for i in range(threshold)
    ]


def _match_key(secret: bytes) -> bytes:
    return _blake2b(secret, key=b"", person=b"ombuds-esc-key", size=ESCROW_KEY_BYTES)


def _evaluate(coefficients: Sequence[bytes], x: bytes) -> bytes:
    y = _ZERO
    for coefficient in reversed(coefficients):  # Horner
        y = ristretto.scalar_add(ristretto.scalar_mul(y, x), coefficient)
    return bytes(y)


@dataclass(frozen=True)
class SealedMark:
    """What the database keeps for one identifier of one entry."""

    token: str
    sealed_shares: dict[str, bytes]  # counsellor name -> her share, sealed to her key
    wrapped_record_key: bytes  # the record key under the match key


def seal_mark(
    prf_output: bytes,
    *,
    threshold: int,
    author: str,
    record_key: bytes,
    bound_to: str,
    counsellor_public_keys: Mapping[str, bytes],
) -> SealedMark:
    """Seal one identifier of an entry: only the matching counsellors holding
    `threshold` distinct authors' shares for the same token can open the record key."""
    prf_output = _prf_output(prf_output)
    coefficients = _coefficients(prf_output, _require_threshold(threshold))
    if not counsellor_public_keys:
        raise InvalidInput("The escrow has no matching counsellor to seal the entry to.")
    x = _share_x(author)
    share = x + _evaluate(coefficients, x)
    return SealedMark(
        token=match_token(prf_output),
        sealed_shares={
            name: seal_to_person(share, to_public_key=key)
            for name, key in counsellor_public_keys.items()
        },
        wrapped_record_key=encrypt_case_content(
            _match_key(coefficients[0]), record_key, bound_to=bound_to
        ),
    )


def open_share_for_counsellor(sealed_share: bytes, *, private_key: bytes) -> bytes:
    """A counsellor opens her copy of one share (DecryptionFailed for anyone else)."""
    share = open_sealed_for_person(sealed_share, private_key=private_key)
    if len(share) != SHARE_BYTES:
        raise DecryptionFailed("This share is malformed.")
    return share


def reconstruct_match_key(shares: Sequence[bytes], *, threshold: int) -> bytes:
    """Lagrange interpolation at 0 over `threshold` shares with distinct x: the match key.

    Fewer distinct authors than the threshold is refused (DecryptionFailed): the points
    say nothing about the secret then."""
    _require_threshold(threshold)
    points: dict[bytes, bytes] = {}
    for share in shares:
        require_bytes("share", share, length=SHARE_BYTES)
        points.setdefault(share[:SCALAR_BYTES], share[SCALAR_BYTES:])
    if len(points) < threshold:
        raise DecryptionFailed("Not enough distinct people have named this person yet.")
    xs = sorted(points)[:threshold]
    secret = _ZERO
    for xi in xs:
        numerator, denominator = _ONE, _ONE
        for xj in xs:
            if xj != xi:
                numerator = ristretto.scalar_mul(numerator, xj)
                difference = ristretto.scalar_sub(xj, xi)
                denominator = ristretto.scalar_mul(denominator, difference)
        basis = ristretto.scalar_mul(numerator, ristretto.scalar_invert(denominator))
        term = ristretto.scalar_mul(points[xi], basis)
        secret = ristretto.scalar_add(secret, term)
    return _match_key(bytes(secret))


def open_record_key(match_key: bytes, wrapped_record_key: bytes, *, bound_to: str) -> bytes:
    """The record key of one entry, for whoever reconstructed its match key."""
    return decrypt_case_content(match_key, wrapped_record_key, bound_to=bound_to)


_ONE = (1).to_bytes(SCALAR_BYTES, "little")
