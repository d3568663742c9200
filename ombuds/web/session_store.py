"""The session engine: Django's database sessions, with only a keyed hash of each
session id in the table.

The browser's cookie carries the session id; the `django_session` row is found by
`vault.session_row_key(secret, id)`. A copy of the database (or a database administrator
reading the table) therefore yields row keys that no cookie can present: replayed as a
cookie, a row key is hashed again and matches nothing, so it signs in as no one.

The hashing key is derived from `SECRET_KEY`, which lives in the process's environment
(`OMBUDS_SECRET_KEY`) and is never written to the database, its backups or the data
directory. A thief needs both the database and the server's environment to turn a row
back into something useful, and even then only by guessing the 190-bit ids. Changing the
secret signs everybody out, as it already does for Django's signed session data.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import timezone
from django.utils.crypto import get_random_string

from ombuds import vault


def row_key(session_id: str) -> str:
    """The `django_session.session_key` stored for a cookie's session id."""
    return vault.session_row_key(settings.SECRET_KEY.encode(), session_id)


class SessionStore(db.SessionStore):
    """Database sessions addressed by a keyed hash of the id (the id stays in memory)."""

    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        found = self.model.objects.filter(
            session_key=row_key(self.session_key), expire_date__gt=timezone.now()
        ).first()
        if found is None:
            self._session_key = None
        return found

    def _get_new_session_key(self) -> str:
        # No read first: a new id is 190 random bits, and the row is written with
        # must_create, so Django's create() draws another on the (never seen) clash.
        return get_random_string(32, VALID_KEY_CHARS)

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=row_key(session_key)).exists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session = super().create_model_instance(data)  # makes the id if it is new
        session.session_key = row_key(session.session_key)
        return session

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=row_key(session_key)).delete()

    # Ombuds is served over WSGI only; the inherited async paths would use the clear id,
    # so each is refused rather than left to work wrongly.
    async def aload(self) -> NoReturn:
        raise RuntimeError("sessions are synchronous in Ombuds: this async path is refused")

    async def aexists(self, session_key: str) -> NoReturn:
        raise RuntimeError("sessions are synchronous in Ombuds: this async path is refused")

    async def asave(self, must_create: bool = False) -> NoReturn:
        raise RuntimeError("sessions are synchronous in Ombuds: this async path is refused")

    async def adelete(self, session_key: str | None = None) -> NoReturn:
        raise RuntimeError("sessions are synchronous in Ombuds: this async path is refused")
