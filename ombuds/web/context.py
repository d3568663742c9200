"""Template context: who is signed in, in the roles the templates need."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from ombuds.people.models import HANDLER_ROLES, STAFF_ROLES

HANDLER_ROLE_NAMES = frozenset(r.value for r in HANDLER_ROLES)
STAFF_ROLE_NAMES = frozenset(r.value for r in STAFF_ROLES)


def principal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    role = getattr(user, "role", "") if signed_in else ""
    return {
        # Anyone not signed in as staff or a respondent may be a complainant at risk.
        "show_exit": role in {"", "complainant"},
        "signed_in_person": user if signed_in else None,
        "signed_in_role": getattr(user, "role", "") if signed_in else "",
        "handler_roles": HANDLER_ROLE_NAMES,
        "staff_roles": STAFF_ROLE_NAMES,
        "complainant_signed_in": bool(request.session.get("ombuds.complainant"))
        if hasattr(request, "session")
        else False,
    }


def _without_language(path: str) -> str:
    prefix = f"/{translation.get_language()}/"
    if translation.get_language() != settings.LANGUAGE_CODE and path.startswith(prefix):
        return "/" + path[len(prefix) :]
    return path


def language(request: HttpRequest) -> dict[str, Any]:
    """The same page in the other language, for the switch in every page's header. The
    language lives in the address (/cy/...), so switching needs no cookie or script."""
    path = _without_language(request.path)
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    switch = [
        {
            "code": code,
            "name": name,
            "url": (path if code == settings.LANGUAGE_CODE else f"/{code}{path}") + query,
            # Error pages link to the home page instead: they never echo the address.
            "home": "/" if code == settings.LANGUAGE_CODE else f"/{code}/",
        }
        for code, name in settings.LANGUAGES
        if code != translation.get_language()
    ]
    return {
        "language_switch": switch,
        "html_lang": "cy" if translation.get_language() == "cy" else "en-GB",
    }
