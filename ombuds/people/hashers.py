"""Django password hasher backed by the vault's Argon2id (libsodium)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher

from ombuds import vault

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

_PREFIX = "vault_argon2id"


class VaultArgon2idHasher(BasePasswordHasher):
    """Argon2id through libsodium, at the cost in settings.OMBUDS_KDF."""

    algorithm = _PREFIX

    def salt(self) -> str:
        return ""  # libsodium makes its own salt inside the encoded hash

    def encode(self, password: str, salt: str | None) -> str:
        return f"{_PREFIX}{vault.hash_password(password, cost=settings.OMBUDS_KDF)}"

    def verify(self, password: str, encoded: str) -> bool:
        return vault.verify_password(encoded.removeprefix(_PREFIX), password)

    def safe_summary(self, encoded: str) -> dict[str | _StrPromise, Any]:
        return {"algorithm": self.algorithm}

    def must_update(self, encoded: str) -> bool:
        return vault.password_hash_needs_upgrade(
            encoded.removeprefix(_PREFIX), cost=settings.OMBUDS_KDF
        )

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None
