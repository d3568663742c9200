"""The confirmation page before administrator actions and changes to a staff member's
passkeys (people/reauth.py says when): her
password and, as at sign-in, her second factor: a code from her authenticator app, one
of her recovery codes, or one of her passkeys. Wrong tries count against the same
counter as wrong codes at sign-in, with its growing delay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.lib.errors import NotPermitted
from ombuds.limits.services import account_failed, account_wait
from ombuds.people.forms import CodeForm
from ombuds.people.models import STAFF_ROLES, User
from ombuds.people.passkeys import (
    NOT_ACCEPTED,
    PROVE,
    authentication_options,
    challenge_take,
    passkey_check,
)
from ombuds.people.reauth import note_password_checked
from ombuds.people.second_factor import (
    WRONG_CODE,
    code_key,
    second_factor_check,
    second_factor_enrolled,
)
from ombuds.people.sign_in_views import too_many
from ombuds.record.roles import Role

REFUSED = _("The password is not right")


class ConfirmPasswordForm(CodeForm):
    """Her password; and her code, unless she has no second factor or used a passkey."""

    field_order = ["password", "code"]
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )

    def __init__(self, *args: Any, asks_code: bool, passkey_used: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_code:
            del self.fields["code"]
        elif passkey_used:
            self.fields["code"].required = False


def _safe_next(request: HttpRequest, value: str) -> str:
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("people:home")


@sensitive_post_parameters("password", "code", "credential")
@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Type the password (and the second factor) again; then back to the page that asked."""
    person = request.user
    # Administrators before changing the scheme; any staff member before changing how
    # she signs in (her passkeys).
    if not isinstance(person, User) or person.role not in STAFF_ROLES:
        raise NotPermitted("Your role does not give you access to this page.")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    carried = Carried.from_confirmation(request)
    asks_code = second_factor_enrolled(person)
    credential = request.POST.get("credential", "") if asks_code else ""
    form = ConfirmPasswordForm(
        request.POST or None, asks_code=asks_code, passkey_used=bool(credential)
    )
    status = 200
    if request.method == "POST":
        # Taken on every POST, so a challenge is never checked twice.
        challenge = challenge_take(request.session, person=person, purpose=PROVE)
        if form.is_valid():
            key = code_key(person)
            wait = account_wait(key)
            if wait:
                form.refuse(too_many(wait))
                status = 429
            elif _password_right(request, person, form.cleaned_data["password"]):
                if not asks_code:
                    return _checked(request, next_url, carried)
                if credential:
                    if passkey_check(person=person, response=credential, challenge=challenge):
                        return _checked(request, next_url, carried)
                    form.refuse(NOT_ACCEPTED)
                elif second_factor_check(person=person, code=form.cleaned_data["code"]):
                    return _checked(request, next_url, carried)
                else:
                    form.refuse(WRONG_CODE, "code")
                account_failed(key)
            else:
                form.refuse(str(REFUSED), "password")
                account_failed(key)
    if form.errors and status == 200:
        status = 400
    return _confirmation_page(request, person, form, next_url, carried, status)


def confirm_before_sending(request: HttpRequest, *, back: str) -> HttpResponse:
    """The confirmation page, in answer to a form sent after the window closed: nothing
    is done yet, and what she typed is carried through the confirmation (never a
    password: those she types again)."""
    person = request.user
    if not isinstance(person, User) or person.role not in STAFF_ROLES:
        raise NotPermitted("Your role does not give you access to this page.")
    form = ConfirmPasswordForm(None, asks_code=second_factor_enrolled(person), passkey_used=False)
    carried = Carried.from_sent_form(request)
    return _confirmation_page(request, person, form, _safe_next(request, back), carried, 200)


def _confirmation_page(
    request: HttpRequest,
    person: User,
    form: ConfirmPasswordForm,
    next_url: str,
    carried: Carried | None,
    status: int,
) -> HttpResponse:
    asks_code = "code" in form.fields
    context = {
        "form": form,
        "next": next_url,
        "carried": carried,
        "asks_code": asks_code,
        "administrator": person.role == Role.ADMINISTRATOR,
        "passkey_options": authentication_options(request.session, person) if asks_code else None,
    }
    return render(request, "people/confirm_password.html", context, status=status)


_CARRY = "carry-"  # the confirmation form's own fields never clash with the carried ones
_CARRY_TO = "carry_to"
_NOT_CARRIED = "carry_dropped"


@dataclass(frozen=True)
class Carried:
    """A form she sent after her check had run out: where it was going, its fields (as
    sent, in order), and whether fields were left out because they are secrets."""

    to: str
    fields: list[tuple[str, str]]
    dropped: bool

    @classmethod
    def from_sent_form(cls, request: HttpRequest) -> Carried:
        hidden = getattr(request, "sensitive_post_parameters", ())
        fields, dropped = [], False
        for name, values in request.POST.lists():
            if name == "csrfmiddlewaretoken":
                continue
            if hidden == "__ALL__" or name in hidden:
                dropped = True
                continue
            fields += [(name, value) for value in values]
        return cls(to=_safe_next(request, request.path), fields=fields, dropped=dropped)

    @classmethod
    def from_confirmation(cls, request: HttpRequest) -> Carried | None:
        if request.method != "POST" or _CARRY_TO not in request.POST:
            return None
        fields = [
            (name.removeprefix(_CARRY), value)
            for name, values in request.POST.lists()
            if name.startswith(_CARRY)
            for value in values
        ]
        to = _safe_next(request, request.POST[_CARRY_TO])
        return cls(to=to, fields=fields, dropped=_NOT_CARRIED in request.POST)


def _password_right(request: HttpRequest, person: User, password: str) -> bool:
    checked = authenticate(request, username=person.get_username(), password=password)
    return checked is not None and checked.pk == person.pk


def _checked(request: HttpRequest, next_url: str, carried: Carried | None) -> HttpResponse:
    note_password_checked(request.session)
    if carried is None:
        return redirect(next_url)
    # A POST cannot be redirected: she sends what she typed with one more button.
    context = {"carried": carried, "next": next_url}
    return render(request, "people/confirm_send.html", context)
