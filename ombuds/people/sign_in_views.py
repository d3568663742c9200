"""Signing in: password, then (staff) a second factor, set up at the first sign-in.

Every attempt first asks the account's failure counter (a growing delay after a run of
failures, checked before any slow work) and the global budget of Argon2id derivations;
neither knows who is asking. Failures are told to the account holder at her next sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.lib.errors import InvalidInput
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.limits.services import (
    account_failed,
    account_key,
    account_succeeded,
    account_wait,
    derivation_take,
)
from ombuds.people.forms import CodeForm, SignInForm
from ombuds.people.models import User
from ombuds.people.passkeys import (
    NOT_ACCEPTED,
    PROVE,
    authentication_options,
    challenge_take,
    passkey_check,
)
from ombuds.people.second_factor import (
    WRONG_CODE,
    code_key,
    second_factor_check,
    second_factor_enrolled,
    second_factor_required,
    totp_confirm,
    totp_qr_svg,
    totp_secret,
)
from ombuds.people.services import person_unlock_key
from ombuds.people.session import (
    SealedForPage,
    page_secret_forget,
    page_secret_hold,
    page_secret_open,
    pending_sign_in,
    session_private_key,
    sign_in_account,
    sign_in_complete,
    sign_in_pending,
)
from ombuds.people.signed_record import person_proven
from ombuds.record.roles import Role

SIGN_IN_REFUSED = _("The sign-in name or password is not right")
BUSY = _("Many people are signing in right now. Wait a few seconds and try again.")
SESSION_ENDED = "ended"  # ?ended=1 on the sign-in page: "your session ended"
# The recovery codes, wrapped in the session (their key in a cookie for their page only)
# until she continues: the session table is in the database.
RECOVERY_CODES = SealedForPage(
    name="ombuds.people.recovery_codes",
    cookie="ombuds_recovery_codes",
    path=lambda: reverse("people:recovery_codes"),
)
_ATTEMPTS = "ombuds.people.failed_attempts"
# A browser that has signed in to an account before skips that account's delay (OWASP's
# "device cookie"), so someone guessing at a colleague's name cannot keep her out.
DEVICE_COOKIE = "ombuds_device"
_DEVICE_AGE = 90 * 24 * 60 * 60


def _safe_next(request: HttpRequest, value: str) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def wait_words(seconds: int) -> str:
    """How long to wait, in the reader's language: seconds, or whole minutes from two."""
    if seconds >= 120:
        minutes = -(-seconds // 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def too_many(seconds: int) -> str:
    return gettext("Too many wrong attempts. Wait %(wait)s before you try again.") % {
        "wait": wait_words(seconds)
    }


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    status = 200
    if request.method == "POST" and form.is_valid():
        key = account_key(form.cleaned_data["username"])
        wait = 0 if _known_device(request, key) else account_wait(key)
        status = 429
        if wait:
            form.refuse(too_many(wait))
        elif not derivation_take():
            form.refuse(str(BUSY))
        else:
            password = form.cleaned_data["password"]
            person = authenticate(
                request, username=form.cleaned_data["username"], password=password
            )
            if isinstance(person, User):  # authenticate() refuses inactive accounts too
                private_key = person_unlock_key(person=person, password=password)
                if person_proven(person, private_key):
                    return _password_right(request, person, private_key, next_url or "")
                security_event(SecurityEvent.PERSON_UNPROVEN, person=person.pseudonym)
            else:
                _log_refused_sign_in(form.cleaned_data["username"])
            account_failed(key)
            form.refuse(str(SIGN_IN_REFUSED))
            status = 400
    if form.errors and status == 200:
        status = 400
    context = {"form": form, "next": next_url, "ended": SESSION_ENDED in request.GET}
    return render(request, "people/sign_in.html", context, status=status)


def _password_right(
    request: HttpRequest, person: User, private_key: bytes, next_url: str
) -> HttpResponse:
    if second_factor_required(person):
        target = "people:sign_in_code" if second_factor_enrolled(person) else "people:set_up"
        response: HttpResponse = redirect(target)
        sign_in_pending(request, response, person, private_key, next_url)
        return response
    if person.role == Role.COMPLAINANT:
        # Her report's page opens her case with the key this session now holds.
        response = redirect("intake:my_report")
    else:
        response = HttpResponseRedirect(next_url or reverse("people:home"))
    sign_in_account(request, response, person, private_key)
    _tell_of_failures(request, person)
    _remember_device(response, person)
    return response


def _log_refused_sign_in(username: str) -> None:
    # The typed name is never logged (it can be a password typed in the wrong box): only
    # the pseudonym of the account it names, if any.
    known = User.objects.filter(username=username).values_list("pseudonym", flat=True).first()
    security_event(SecurityEvent.SIGN_IN_REFUSED, person=known or "unknown")


def _known_device(request: HttpRequest, key: str) -> bool:
    try:
        held = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_COOKIE, max_age=_DEVICE_AGE
        )
    except signing.BadSignature:
        return False
    return bool(held == key)


def _remember_device(response: HttpResponse, person: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(account_key(person.username), salt=DEVICE_COOKIE),
        max_age=_DEVICE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def _tell_of_failures(request: HttpRequest, person: User) -> None:
    security_event(SecurityEvent.SIGN_IN_SUCCEEDED, person=person.pseudonym, role=person.role)
    failures = account_succeeded(account_key(person.username))
    failures += account_succeeded(code_key(person))
    if failures:
        request.session[_ATTEMPTS] = failures


def _after_sign_in(request: HttpRequest, person: User, next_url: str) -> HttpResponse:
    response: HttpResponse
    if request.session.get(_ATTEMPTS):
        response = redirect("people:attempts")
    else:
        response = HttpResponseRedirect(next_url or reverse("people:home"))
    _remember_device(response, person)
    return response


def _start_again() -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('people:sign_in')}?{SESSION_ENDED}=1")


@sensitive_post_parameters("code", "credential")
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from her authenticator app, a recovery code, or (with
    JavaScript) one of her passkeys."""
    pending = pending_sign_in(request)
    if pending is None or session_private_key(request) is None:
        return _start_again()
    person, next_url = pending
    if not second_factor_enrolled(person):
        return redirect("people:set_up")
    credential = request.POST.get("credential", "")
    form = CodeForm(request.POST or None)
    form.fields["code"].required = not credential
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
            elif (
                passkey_check(person=person, response=credential, challenge=challenge)
                if credential
                else second_factor_check(person=person, code=form.cleaned_data["code"])
            ):
                sign_in_complete(request)
                _tell_of_failures(request, person)
                return _after_sign_in(request, person, next_url)
            else:
                security_event(SecurityEvent.SIGN_IN_REFUSED, person=person.pseudonym)
                account_failed(key)
                if credential:
                    form.refuse(NOT_ACCEPTED)
                else:
                    form.refuse(WRONG_CODE, "code")
                status = 400
    if form.errors and status == 200:
        status = 400
    context = {"form": form, "passkey_options": authentication_options(request.session, person)}
    return render(request, "people/sign_in_code.html", context, status=status)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in of a staff member: set up her authenticator app with a QR code drawn
    on the server (no JavaScript), confirm with a first code, then see recovery codes."""
    pending = pending_sign_in(request)
    if pending is None or session_private_key(request) is None:
        return _start_again()
    person, _ = pending
    if second_factor_enrolled(person):
        return redirect("people:sign_in_code")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        key = code_key(person)
        wait = account_wait(key)
        if wait:
            form.refuse(too_many(wait))
            status = 429
        else:
            try:
                codes = totp_confirm(person=person, code=form.cleaned_data["code"])
            except InvalidInput as exc:
                account_failed(key)
                form.refuse(exc.message, "code")
                status = 400
            else:
                response = redirect("people:recovery_codes")
                page_secret_hold(request, response, RECOVERY_CODES, codes)
                return response
    secret = totp_secret(person)
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(person),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "people/set_up.html", context, status=status)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown this once; continuing signs her in."""
    pending = pending_sign_in(request)
    codes = page_secret_open(request, RECOVERY_CODES, take=False)
    if pending is None or not codes:
        return _start_again()
    person, next_url = pending
    if request.method == "POST":
        sign_in_complete(request)
        _tell_of_failures(request, person)
        response = _after_sign_in(request, person, next_url)
        page_secret_forget(request, response, RECOVERY_CODES)
        return response
    return render(request, "people/recovery_codes.html", {"codes": codes})


@require_GET
def attempts(request: HttpRequest) -> HttpResponse:
    """Told once, at sign-in: how many failed attempts there were on her account."""
    if not request.user.is_authenticated:
        return redirect("people:sign_in")
    failures = request.session.pop(_ATTEMPTS, 0)
    if not failures:
        return redirect("people:home")
    return render(request, "people/attempts.html", {"failures": failures})
