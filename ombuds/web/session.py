"""Signing people in and out, and finding their keys on each request.

The private key is never stored in the clear: the session holds it wrapped, the cookie
holds the wrapping key (see people/keyring).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse

from ombuds.intake.services import ComplainantAccess
from ombuds.people.keyring import KEY_COOKIE, keyring_open, keyring_private_key
from ombuds.people.models import User
from ombuds.people.reauth import note_password_checked
from ombuds.record.roles import Role

_COMPLAINANT = "ombuds.complainant"


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


def complainant_case_switch(request: HttpRequest, access: ComplainantAccess) -> None:
    """Move a signed-in complainant to another of her cases (a linked case, already checked
    by `intake.services.linked_case_access`): same holder, same key, another case."""
    held = dict(request.session[_COMPLAINANT])
    held["case"] = str(access.case_id)
    request.session[_COMPLAINANT] = held


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
