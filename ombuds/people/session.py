"""Signing people in and out, and finding their keys on each request.

The private key is never stored in the clear: the session holds it wrapped, the cookie
holds the wrapping key (see people/keyring).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ombuds import vault
from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.people.keyring import KEY_COOKIE, keyring_open, keyring_private_key
from ombuds.people.models import User
from ombuds.people.reauth import note_password_checked
from ombuds.record.roles import Role

_COMPLAINANT = "ombuds.complainant"
_PENDING = "ombuds.pending"  # password checked, second factor still to come
_SIGNED_IN_AT = "ombuds.signed_in_at"
_SEEN_AT = "ombuds.seen_at"
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class ComplainantAccess:
    """A complainant signed in to her own case: by receipt, or by her account."""

    case_id: uuid.UUID
    holder: str  # whose sealed copy of the case key she opens
    pseudonym: str  # how the case's events name her
    private_key: bytes


def _set_key_cookie(response: HttpResponse, value: str) -> None:
    response.set_cookie(
        KEY_COOKIE,
        value,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def sign_in_account(
    request: HttpRequest, response: HttpResponse, person: User, private_key: bytes
) -> None:
    """Start a session for an account holder, holding her unlocked key for it."""
    login(request, person)
    note_password_checked(request.session)  # she has just typed it
    _set_key_cookie(response, keyring_open(request.session, private_key))
    _started(request)


def _started(request: HttpRequest) -> None:
    now = time.time()
    request.session[_SIGNED_IN_AT] = now
    request.session[_SEEN_AT] = now


def sign_in_pending(
    request: HttpRequest, response: HttpResponse, person: User, private_key: bytes, next_url: str
) -> None:
    """The password was right; hold the unlocked key (wrapped, as for a session) until the
    second factor is given. Nobody is signed in yet."""
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[_PENDING] = {"person": person.pk, "at": time.time(), "next": next_url}
    _set_key_cookie(response, keyring_open(request.session, private_key))


def pending_sign_in(request: HttpRequest) -> tuple[User, str] | None:
    """Who is half-way through signing in (and where she goes next), if anyone."""
    held = request.session.get(_PENDING)
    if not held or time.time() - float(held["at"]) > PENDING_SECONDS:
        return None
    person = User.objects.filter(pk=held["person"], is_active=True).first()
    return (person, str(held["next"])) if person is not None else None


def sign_in_complete(request: HttpRequest) -> User | None:
    """The second factor was right: sign the pending person in with the key she unlocked."""
    pending = pending_sign_in(request)
    if pending is None:
        return None
    person, _ = pending
    del request.session[_PENDING]
    login(request, person)  # keeps the session data, wrapped key included; new session id
    note_password_checked(request.session)  # password and second factor, just now
    _started(request)
    return person


def sign_in_complainant(
    request: HttpRequest, response: HttpResponse, access: ComplainantAccess
) -> None:
    """Start a session for a complainant (by receipt or account) on her own case."""
    user = request.user
    if not (user.is_authenticated and getattr(user, "role", "") == Role.COMPLAINANT):
        # Never mix a complainant's case into someone else's session: start afresh.
        if user.is_authenticated:
            logout(request)
        if request.session.session_key is not None:
            request.session.cycle_key()  # a new session gets a fresh id when it is saved
    request.session[_COMPLAINANT] = {
        "case": str(access.case_id),
        "holder": access.holder,
        "pseudonym": access.pseudonym,
    }
    _set_key_cookie(response, keyring_open(request.session, access.private_key))
    _started(request)


def complainant_case_hold(request: HttpRequest, access: ComplainantAccess) -> None:
    """Hold a case in a session whose key already opens it: an account holder's own case
    (found by `intake.services.account_complainant_access` on her first page), or another
    of her cases (a linked case, checked by `intake.status.linked_case_access`)."""
    request.session[_COMPLAINANT] = {
        "case": str(access.case_id),
        "holder": access.holder,
        "pseudonym": access.pseudonym,
    }


def session_private_key(request: HttpRequest) -> bytes | None:
    """The signed-in person's private key, or None if the session cannot open it."""
    return keyring_private_key(request.session, request.COOKIES.get(KEY_COOKIE))


def complainant_access(request: HttpRequest) -> ComplainantAccess | None:
    """The complainant's access to her own case, if this session has it."""
    held = request.session.get(_COMPLAINANT)
    private_key = session_private_key(request)
    if not held or private_key is None:
        return None
    return ComplainantAccess(
        case_id=uuid.UUID(held["case"]),
        holder=held["holder"],
        pseudonym=held["pseudonym"],
        private_key=private_key,
    )


def sign_out(request: HttpRequest, response: HttpResponse) -> None:
    """End the session everywhere it lives: server session, key cookie."""
    logout(request)  # flushes the session, wrapped key included
    response.delete_cookie(KEY_COOKIE, samesite="Strict")


class SessionTimeoutMiddleware:
    """Ends a staff session after OMBUDS_STAFF_IDLE_SECONDS without a request, and any
    session OMBUDS_SESSION_ABSOLUTE_SECONDS after sign-in (ASVS 5.0 V7.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session: Any = request.session
        signed_in_at = session.get(_SIGNED_IN_AT)
        if signed_in_at is not None:
            now = time.time()
            staff = bool(getattr(request.user, "is_staff_member", False))
            idle = now - float(session.get(_SEEN_AT, signed_in_at))
            if now - float(signed_in_at) > settings.OMBUDS_SESSION_ABSOLUTE_SECONDS or (
                staff and idle > settings.OMBUDS_STAFF_IDLE_SECONDS
            ):
                response = HttpResponseRedirect(f"{reverse('people:sign_in')}?ended=1")
                sign_out(request, response)
                return response
            if idle > 60:  # one write a minute at most, not one per request
                session[_SEEN_AT] = now
        return self.get_response(request)


@dataclass(frozen=True)
class SealedForPage:
    """A secret a page shows (a receipt, recovery codes), kept in the session between the
    POST that made it and the page: `name` in the session, its key in `cookie`, a cookie
    sent to `path` only."""

    name: str
    cookie: str
    path: Callable[[], str]


def page_secret_hold(
    request: HttpRequest, response: HttpResponse, sealed: SealedForPage, value: Any
) -> None:
    """Keep `value` for the page, encrypted under a fresh key that lives only in a
    short-lived cookie: the session table is in the database, and must never hold such a
    secret in the clear (a stolen copy of the database opens nothing)."""
    session_key = vault.new_session_key()
    wrapped = vault.wrap_for_session(session_key, json.dumps(value).encode())
    request.session[sealed.name] = base64.b64encode(wrapped).decode()
    response.set_cookie(
        sealed.cookie,
        base64.urlsafe_b64encode(session_key).decode(),
        path=sealed.path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def page_secret_open(request: HttpRequest, sealed: SealedForPage, *, take: bool) -> Any | None:
    """What was held for the page (None when nothing was, or the cookie is gone); `take`
    removes it from the session, so it can be shown no more."""
    wrapped = request.session.pop(sealed.name, None) if take else request.session.get(sealed.name)
    cookie = request.COOKIES.get(sealed.cookie)
    if not wrapped or not cookie:
        return None
    try:
        session_key = base64.urlsafe_b64decode(cookie.encode())
        opened = vault.unwrap_for_session(session_key, base64.b64decode(wrapped))
    except (ValueError, DecryptionFailed, InvalidInput):
        return None
    return json.loads(opened)


def page_secret_forget(request: HttpRequest, response: HttpResponse, sealed: SealedForPage) -> None:
    """Drop the held secret and its cookie."""
    request.session.pop(sealed.name, None)
    response.delete_cookie(sealed.cookie, path=sealed.path(), samesite="Strict")
