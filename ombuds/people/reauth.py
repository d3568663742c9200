"""Asking an administrator for her password again before she changes anything.

An administrator's session can create staff, who are then given reports. So the pages
that change what the scheme is (staff, organisations, sanctions) need a password typed
in the last few minutes (`OMBUDS_REAUTH_SECONDS`), not only a live session: a session
left open on a shared desk, or taken some other way, cannot be used for them. Signing in
counts as a check; so does the confirmation page here. (Once staff have a second factor,
this page asks for it too.)
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.lib.errors import NotPermitted
from ombuds.people.forms import PlainForm
from ombuds.record.roles import Role

View = Callable[..., HttpResponse]
CHECKED_AT = "ombuds.password_checked_at"  # a UNIX time in the session, nothing else
REFUSED = "The password is not right"


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
    """Send the person to confirm her password first (GET and POST alike) when her last
    check is too old; she comes back to the same page afterwards."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_checked_recently(request.session):
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


class ConfirmPasswordForm(PlainForm):
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


def _safe_next(request: HttpRequest, value: str) -> str:
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("people:home")


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Type the password again; then back to the page that asked for it."""
    if getattr(request.user, "role", None) != Role.ADMINISTRATOR:
        raise NotPermitted("Your role does not give you access to this page.")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = request.user.get_username()
        checked = authenticate(request, username=username, password=form.cleaned_data["password"])
        if checked is not None and checked.pk == request.user.pk:
            note_password_checked(request.session)
            return redirect(next_url)
        form.refuse(REFUSED, "password")
    context = {"form": form, "next": next_url}
    status = 400 if form.errors else 200
    return render(request, "people/confirm_password.html", context, status=status)
