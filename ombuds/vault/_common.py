"""Argument checks and the Argon2id call shared by the vault modules (private)."""

import unicodedata

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id

from ombuds.lib.errors import InvalidInput
from ombuds.lib.kdf import KdfCost, kdf_run

# Sanity ceiling on Argon2id cost. Blobs and hashes read back from storage carry
# their own cost; a tampered header must not make us spend 100 GiB or an hour.
MAX_OPSLIMIT = 32
MAX_MEMLIMIT = 1 << 30  # 1 GiB

# Base of every error PyNaCl raises (its TypeError/ValueError subclasses included).
NACL_ERRORS: tuple[type[Exception], ...] = (nacl.exceptions.CryptoError,)


def require_bytes(name: str, value: object, *, length: int | None = None) -> bytes:
    """Return value if it is bytes (of the given length); otherwise raise InvalidInput."""
    if not isinstance(value, bytes):
        raise InvalidInput(f"{name} must be bytes")
    if length is not None and len(value) != length:
        raise InvalidInput(f"{name} must be {length} bytes")
    return value


def cost_in_range(opslimit: int, memlimit: int) -> bool:
    """True if the cost is one libsodium accepts and we are willing to spend.

    Memory must be whole KiB: libsodium rounds it down to KiB, so otherwise two header
    values would derive the same key and a stored cost would not be canonical.
    """
    return (
        argon2id.OPSLIMIT_MIN <= opslimit <= MAX_OPSLIMIT
        and argon2id.MEMLIMIT_MIN <= memlimit <= MAX_MEMLIMIT
        and memlimit % 1024 == 0
    )


def require_cost(cost: object) -> KdfCost:
    """Return cost if it is a usable KdfCost; otherwise raise InvalidInput."""
    if not isinstance(cost, KdfCost):
        raise InvalidInput("cost must be a KdfCost")
    if not cost_in_range(cost.opslimit, cost.memlimit):
        raise InvalidInput("cost is outside the supported Argon2id range")
    return cost


def password_bytes(password: object) -> bytes:
    """A non-empty password as NFKC-normalised UTF-8 (NIST SP 800-63B), else InvalidInput."""
    if not isinstance(password, str) or password == "":
        raise InvalidInput("password must be a non-empty string")
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def argon2id_derive(size: int, secret: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """Argon2id (libsodium crypto_pwhash) of secret under salt: size bytes."""
    return kdf_run(
        lambda: bytes(argon2id.kdf(size, secret, salt, opslimit=opslimit, memlimit=memlimit))
    )
