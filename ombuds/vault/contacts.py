"""A person's contact address, which only this instance can read back.

Sealed with XChaCha20-Poly1305 under an instance key held in a file outside the database
(`keys.CONTACT_KEY`), bound to the person it belongs to, and padded to one length: a copy
of the database names nobody's address, says nothing of its length, and a sealed address
moved onto another person's row does not open.
"""

from __future__ import annotations

from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.vault.case_content import decrypt_case_content, encrypt_case_content

PADDED_BYTES = 320  # an e-mail address is at most 254 characters
_PAD = b"\x00"  # never in an address


def _binding(person: str) -> str:
    return f"contact-address/{person}"


def seal_contact_address(key: bytes, address: str, *, person: str) -> bytes:
    """Seal `address` for `person` (a stable identifier of her row) under `key`."""
    raw = address.encode("utf-8")
    if not raw or _PAD in raw or len(raw) > PADDED_BYTES:
        raise InvalidInput("not a contact address")
    return encrypt_case_content(key, raw.ljust(PADDED_BYTES, _PAD), bound_to=_binding(person))


def open_contact_address(key: bytes, sealed: bytes, *, person: str) -> str:
    """The address back; DecryptionFailed if the key, the person or the bytes are wrong."""
    raw = decrypt_case_content(key, sealed, bound_to=_binding(person)).rstrip(_PAD)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionFailed("contact address is damaged") from exc
