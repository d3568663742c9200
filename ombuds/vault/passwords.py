"""Passwords: private keys locked under a password, and login password hashes (Argon2id)."""

import re
import secrets
import struct

import nacl.pwhash.argon2id as argon2id
import nacl.secret

from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.lib.kdf import KdfCost, kdf_run
from ombuds.vault._common import (
    NACL_ERRORS,
    argon2id_derive,
    cost_in_range,
    password_bytes,
    require_bytes,
    require_cost,
)

# Locked private key format (big-endian):
#   version (1) || opslimit (u32) || memlimit in bytes (u64) || salt (16) || SecretBox
# SecretBox = nonce (24) || XSalsa20-Poly1305 ciphertext and tag. The header is not
# authenticated directly, but it is canonical (memlimit in whole KiB, checked), so any
# change to it either is refused or changes the derived key, and then the box fails.
_VERSION = 1
_HEADER = struct.Struct(">BIQ")
_SALT_BYTES = argon2id.SALTBYTES
_BOX_MIN = nacl.secret.SecretBox.NONCE_SIZE + nacl.secret.SecretBox.MACBYTES
_VERIFY_ERRORS: tuple[type[Exception], ...] = (
    *NACL_ERRORS,
    InvalidInput,
    UnicodeError,
    ValueError,
    TypeError,
)


def lock_private_key(private_key: bytes, *, password: str, cost: KdfCost) -> bytes:
    """Encrypt a private key so that only someone who knows password can unlock it."""
    require_bytes("private_key", private_key)
    secret = password_bytes(password)
    require_cost(cost)
    salt = secrets.token_bytes(_SALT_BYTES)
    key = argon2id_derive(
        nacl.secret.SecretBox.KEY_SIZE, secret, salt, cost.opslimit, cost.memlimit
    )
    box = bytes(nacl.secret.SecretBox(key).encrypt(private_key))
    return _HEADER.pack(_VERSION, cost.opslimit, cost.memlimit) + salt + box


def unlock_private_key(locked: bytes, *, password: str) -> bytes:
    """Unlock with the password it was locked under (its owner only); else DecryptionFailed."""
    require_bytes("locked", locked)
    secret = password_bytes(password)
    start = _HEADER.size + _SALT_BYTES
    if len(locked) < start + _BOX_MIN:
        raise DecryptionFailed("locked key is truncated")
    version, opslimit, memlimit = _HEADER.unpack_from(locked)
    if version != _VERSION or not cost_in_range(opslimit, memlimit):
        raise DecryptionFailed("locked key is of an unknown format")
    salt = locked[_HEADER.size : start]
    key = argon2id_derive(nacl.secret.SecretBox.KEY_SIZE, secret, salt, opslimit, memlimit)
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(locked[start:]))
    except NACL_ERRORS as exc:
        raise DecryptionFailed("wrong password, or the locked key was altered") from exc


def relock_private_key(
    locked: bytes, *, old_password: str, new_password: str, cost: KdfCost
) -> bytes:
    """Re-lock so that only someone who knows new_password can unlock it (needs the old one)."""
    require_cost(cost)
    password_bytes(new_password)
    private_key = unlock_private_key(locked, password=old_password)
    return lock_private_key(private_key, password=new_password, cost=cost)


# "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" as libsodium writes it.
_ENCODED = re.compile(
    r"\$argon2id\$v=19\$m=(?P<m>[0-9]{1,10}),t=(?P<t>[0-9]{1,10}),p=(?P<p>[0-9]{1,3})"
    r"\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
)


def _parse_cost(encoded: object) -> tuple[int, int] | None:
    """(opslimit, memlimit in bytes) of an Argon2id hash string, or None if malformed."""
    if not isinstance(encoded, str):
        return None
    match = _ENCODED.fullmatch(encoded)
    if match is None:
        return None
    return int(match["t"]), int(match["m"]) * 1024


def hash_password(password: str, *, cost: KdfCost) -> str:
    """A login password hash (Argon2id string); nobody can decrypt it, only verify against it."""
    secret = password_bytes(password)
    require_cost(cost)
    encoded = kdf_run(lambda: argon2id.str(secret, opslimit=cost.opslimit, memlimit=cost.memlimit))
    return bytes(encoded).decode("ascii")


def verify_password(encoded: str, password: str) -> bool:
    """True if password matches the hash; False (never raises) on mismatch or malformed input."""
    parsed = _parse_cost(encoded)
    if parsed is None or not cost_in_range(*parsed):
        return False
    try:
        secret = password_bytes(password)
        return kdf_run(lambda: bool(argon2id.verify(encoded.encode("ascii"), secret)))
    except _VERIFY_ERRORS:
        return False


def password_hash_needs_upgrade(encoded: str, *, cost: KdfCost) -> bool:
    """True if the hash is malformed or weaker (fewer passes or less memory) than cost."""
    parsed = _parse_cost(encoded)
    if parsed is None:
        return True
    opslimit, memlimit = parsed
    return opslimit < cost.opslimit or memlimit < cost.memlimit
