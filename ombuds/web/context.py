"""Template context: who is signed in, in the roles the templates need."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ombuds.people.models import HANDLER_ROLES

HANDLER_ROLE_NAMES = frozenset(r.value for r in HANDLER_ROLES)


def principal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "signed_in_person": user if signed_in else None,
        "signed_in_role": getattr(user, "role", "") if signed_in else "",
        "handler_roles": HANDLER_ROLE_NAMES,
        "complainant_signed_in": bool(request.session.get("ombuds.complainant"))
        if hasattr(request, "session")
        else False,
    }
