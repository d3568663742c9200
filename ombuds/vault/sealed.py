"""Messages sealed to one person's public key: only her private key opens them."""

from __future__ import annotations

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from ombuds.lib.errors import DecryptionFailed, InvalidInput

_VERSION = b"\x01"


def seal_to_person(plaintext: bytes, *, to_public_key: bytes) -> bytes:
    """Only the holder of the matching private key can open the result."""
    if len(to_public_key) != 32:
        raise InvalidInput("A public key is 32 bytes.")
    return _VERSION + SealedBox(PublicKey(to_public_key)).encrypt(plaintext)


def open_sealed_for_person(sealed: bytes, *, private_key: bytes) -> bytes:
    """Open what seal_to_person sealed; DecryptionFailed for anyone else or on tampering."""
    if len(private_key) != 32 or not sealed.startswith(_VERSION):
        raise DecryptionFailed("This cannot be opened with that key.")
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(sealed[1:]))
    except CryptoError as exc:
        raise DecryptionFailed("This cannot be opened with that key.") from exc
