"""Every key this instance keeps in a file outside the database, in one list.

`keys_create` (run by `ombuds migrate` and `ombuds keys`) makes the missing ones, once
and atomically (`lib/keyfiles.py`); `keys_check` (run when any other command or the WSGI
application starts) stops the process with one plain line when one is missing or
malformed. Nothing makes a key on a request. A new instance key is one more row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ombuds import vault
from ombuds.lib import keyfiles


@dataclass(frozen=True)
class InstanceKey:
    name: str  # what the operator reads
    setting: str  # the setting (and environment variable) holding its path
    make: Callable[[], bytes]
    length: int

    @property
    def path(self) -> Path:
        return Path(getattr(settings, self.setting))

    def read(self) -> bytes:
        return keyfiles.read(self.path, self.length)


SIGNING_KEY = InstanceKey(
    "checkpoint signing key",
    "OMBUDS_SIGNING_KEY_FILE",
    vault.new_signing_seed,
    vault.SIGNING_SEED_BYTES,
)
CONFLICT_KEY = InstanceKey(
    "conflict-token key",
    "OMBUDS_CONFLICT_KEY_FILE",
    vault.new_conflict_key,
    vault.CONFLICT_KEY_BYTES,
)
ESCROW_KEY = InstanceKey(
    "matching escrow OPRF key",
    "OMBUDS_ESCROW_KEY_FILE",
    vault.new_oprf_key,
    vault.OPRF_KEY_BYTES,
)
SECOND_FACTOR_KEY = InstanceKey(
    "second-factor key",
    "OMBUDS_SECOND_FACTOR_KEY_FILE",
    vault.new_server_key,
    vault.SERVER_KEY_BYTES,
)
RECEIPT_TAG_KEY = InstanceKey(
    "receipt-tag key",
    "OMBUDS_RECEIPT_TAG_KEY_FILE",
    vault.new_server_key,
    vault.SERVER_KEY_BYTES,
)
# Seals people's contact addresses (vault/contacts.py): an anonymous complainant who gave
# one would be named by it to anyone holding a copy of the database.
CONTACT_KEY = InstanceKey(
    "contact-address key",
    "OMBUDS_CONTACT_KEY_FILE",
    vault.new_server_key,
    vault.SERVER_KEY_BYTES,
)
INSTANCE_KEYS = (
    SIGNING_KEY,
    CONFLICT_KEY,
    ESCROW_KEY,
    SECOND_FACTOR_KEY,
    RECEIPT_TAG_KEY,
    CONTACT_KEY,
)


def keys_create() -> list[tuple[InstanceKey, bool]]:
    """Make every missing key (each once, atomically); say which were made."""
    return [(key, keyfiles.create(key.path, key.make, key.length)) for key in INSTANCE_KEYS]


def keys_check() -> None:
    """Raise KeyFileError naming the first key that is missing or malformed."""
    for key in INSTANCE_KEYS:
        try:
            key.read()
        except keyfiles.KeyFileError as exc:
            raise keyfiles.KeyFileError(f"{key.name}: {exc}") from None
