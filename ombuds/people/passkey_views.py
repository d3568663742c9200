"""A staff member's passkeys, on her account pages: the ones she has (named, with when
each was added and last used), adding one (with JavaScript: the browser makes it), and
removing one. Each asks for her password and second factor again when she last gave them
more than a few minutes ago (ASVS 7.5.1), as administrator actions do: a session left
open cannot add someone else's passkey. Signing in with one is the second step's
(sign_in_views.sign_in_code)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.forms import PasskeyForm
from ombuds.people.models import STAFF_ROLES, User
from ombuds.people.passkeys import (
    ADD,
    challenge_take,
    passkey_register,
    passkey_remove,
    passkeys_of,
    registration_options,
)
from ombuds.people.reauth import recent_password_required


def _staff(request: HttpRequest) -> User:
    person = request.user
    if not isinstance(person, User) or person.role not in STAFF_ROLES:
        raise NotPermitted("Your role does not give you access to this page.")
    return person


def _staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 for anyone but staff, before the re-check could send her to confirm anything."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _staff(request)
        return view(request, *args, **kwargs)

    return guarded


@login_required
@_staff_only
@recent_password_required
@require_http_methods(["GET", "POST"])
def passkeys(request: HttpRequest) -> HttpResponse:
    """Her passkeys, and the form that adds one."""
    person = _staff(request)
    form = PasskeyForm(request.POST or None)
    if request.method == "POST":
        # Taken on every POST, so a challenge is never checked twice.
        challenge = challenge_take(request.session, person=person, purpose=ADD)
        if form.is_valid():
            try:
                added = passkey_register(
                    person=person,
                    name=form.cleaned_data["name"],
                    response=form.cleaned_data["credential"],
                    challenge=challenge,
                )
            except InvalidInput as exc:
                form.refuse(exc.message)
            else:
                messages.success(
                    request, gettext("Your passkey %(name)s was added.") % {"name": added.name}
                )
                return redirect("people:passkeys")
    context = {
        "form": form,
        "passkeys": passkeys_of(person),
        "options": registration_options(request.session, person),
    }
    return render(request, "people/passkeys.html", context, status=400 if form.errors else 200)


@login_required
@_staff_only
@recent_password_required
@require_POST
def passkey_remove_view(request: HttpRequest, passkey: int) -> HttpResponse:
    """Remove one of her passkeys (404 for anyone else's)."""
    person = _staff(request)
    passkey_remove(person=person, passkey_id=passkey)
    messages.success(request, gettext("The passkey was removed."))
    return redirect("people:passkeys")
