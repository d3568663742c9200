"""The instance keys testimony uses: one seals approved accounts for the public page, one
turns a case id into the digest an approved account is found by on withdrawal. Both are
derived from the receipt-tag key file (outside the database) for their own purpose."""

from __future__ import annotations

import hashlib
import uuid

from ombuds import vault
from ombuds.keys import RECEIPT_TAG_KEY


def _key(purpose: bytes) -> bytes:
    return vault.server_subkey(RECEIPT_TAG_KEY.read(), purpose)


def account_seal(text: str) -> bytes:
    return vault.encrypt_for_server(_key(b"ombuds:testimony"), text.encode("utf-8"))


def account_open(sealed: bytes) -> str:
    return vault.decrypt_for_server(_key(b"ombuds:testimony"), sealed).decode("utf-8")


def holder_of(case_id: uuid.UUID) -> str:
    """The keyed digest naming a case's approved account: the public text cannot be tied
    to a case reference from the database alone."""
    return hashlib.blake2b(case_id.bytes, key=_key(b"ombuds:tholder"), digest_size=32).hexdigest()
