"""Asking an administrator for her password again before she changes anything (and any
staff member before she changes her passkeys).

An administrator's session can create staff, who are then given reports. So the pages
that change what the scheme is (staff, organisations, sanctions) need a password typed
in the last few minutes (`OMBUDS_REAUTH_SECONDS`), not only a live session: a session
left open on a shared desk, or taken some other way, cannot be used for them. Signing in
counts as a check; so does the confirmation page (reauth_views.py), which asks for the
password and, as signing in does, the second factor: a code, a recovery code or a passkey.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

View = Callable[..., HttpResponse]
CHECKED_AT = "ombuds.password_checked_at"  # a UNIX time in the session, nothing else


def note_password_checked(session: Any) -> None:
    """Record in the session that its person has just typed her password."""
    session[CHECKED_AT] = time.time()


def password_checked_recently(session: Any) -> bool:
    """True when the session's person typed her password within the allowed window."""
    checked = session.get(CHECKED_AT)
    if not isinstance(checked, int | float):
        return False
    age = time.time() - checked
    return 0 <= age <= settings.OMBUDS_REAUTH_SECONDS


def recent_password_required(view: View) -> View:
    """Ask the person to confirm her password first when her last check is too old. A
    page she opens sends her to the confirmation page and back; a form she sends is
    answered with the confirmation page itself, carrying what she typed, so that nothing
    is lost when filling it took longer than the window (reauth_views.py)."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_checked_recently(request.session):
            if request.method == "POST":
                # Imported here: the confirmation page notes its checks with this module.
                from ombuds.people.reauth_views import confirm_before_sending

                return confirm_before_sending(request, back=_back_to(request))
            target = reverse("people:confirm_password")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': _back_to(request)})}")
        return view(request, *args, **kwargs)

    guarded.recent_password_required = True  # type: ignore[attr-defined]
    return guarded


def _back_to(request: HttpRequest) -> str:
    """Where to return after the check: this page, or for a form posted to an action
    that has no page of its own, the page the form was on (same site only)."""
    if request.method == "GET":
        return request.path
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return referer.path
    return request.path
