"""Signing in and out, the start page of each role, passwords, and the administrator's
pages (people and organisations only: administrators never see case content)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.people.forms import (
    INTEREST_FIELDS,
    ROLE_NAMES,
    STAFF_ROLE_CHOICES,
    InterestsForm,
    OrganisationForm,
    PasswordChangeForm,
    StaffForm,
)
from ombuds.people.models import HANDLER_ROLES, STAFF_ROLES, Declaration, Organisation, User
from ombuds.people.reauth import recent_password_required
from ombuds.people.services import (
    interests_declare,
    interests_of,
    organisation_create,
    password_change,
    person_create,
)
from ombuds.people.session import complainant_access, session_private_key, sign_out
from ombuds.people.sign_in_views import SESSION_ENDED
from ombuds.people.signed_record import signed_people
from ombuds.record.roles import Role

View = Callable[..., HttpResponse]


def person_of(request: HttpRequest) -> User:
    """The signed-in account behind a request (views are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("Sign in to do this.")
    return user


def role_required(*roles: Role) -> Callable[[View], View]:
    """Anonymous people go to the sign-in page; a signed-in person in any other role gets
    403 (the middleware turns NotPermitted into it)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            person = person_of(request)
            if person.role not in roles:
                raise NotPermitted("Your role does not give you access to this page.")
            if not signed_people([person]):
                # Her row says this role; the signed record does not (changed by hand).
                security_event(SecurityEvent.PERSON_UNPROVEN, person=person.pseudonym)
                raise NotPermitted("Your role does not give you access to this page.")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    signed_in = getattr(request.user, "pseudonym", None)
    if signed_in:
        security_event(SecurityEvent.SIGNED_OUT, person=signed_in)
    # A complainant is offered her way back (seven words), not staff's "Sign in again".
    was_complainant = complainant_access(request) is not None
    response = HttpResponse()
    sign_out(request, response)
    context = {"was_complainant": was_complainant}
    response.content = render_to_string("people/signed_out.html", context, request=request).encode()
    return response


def end_lost_session(request: HttpRequest) -> HttpResponse:
    """The session can no longer open the private key (its cookie is gone): sign out and
    ask the person to sign in again."""
    response = HttpResponseRedirect(f"{reverse('people:sign_in')}?{SESSION_ENDED}=1")
    sign_out(request, response)
    return response


_HOME_BY_ROLE = {
    **{role: "cases:my_cases" for role in HANDLER_ROLES},
    Role.ADMINISTRATOR: "people:admin_home",
    Role.AUDITOR: "oversight:overview",
    Role.OVERSIGHT_OFFICER: "deadlines:oversight",
    Role.COMPLAINANT: "intake:my_report",
    Role.LIAISON: "liaison:notices",
    Role.MATCHING_COUNSELLOR: "escrow:matches",
    Role.RESPONDENT: "respondents:case",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    target = _HOME_BY_ROLE.get(Role(person_of(request).role))
    if target is not None:
        return redirect(target)
    return render(request, "people/nothing_to_do.html")


@sensitive_post_parameters("old_password", "new_password", "confirm_password")
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                person=person,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except InvalidInput as exc:
            form.refuse(exc.message)
        else:
            update_session_auth_hash(request, person)  # stay signed in; key unchanged
            return redirect("people:password_changed")
    return render(
        request, "people/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def password_changed(request: HttpRequest) -> HttpResponse:
    return render(request, "people/password_changed.html")


# Administrator pages -------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
@require_GET
def admin_home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        User.objects.filter(role__in=STAFF_ROLES)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    context = {
        "role_counts": [(name, counts.get(role, 0)) for role, name in STAFF_ROLE_CHOICES],
        "organisations": Organisation.objects.order_by("name"),
    }
    return render(request, "people/admin_home.html", context)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(
                actor=person_of(request), name=form.cleaned_data["name"]
            )
        except InvalidInput as exc:
            form.refuse(exc.message, "name")
        else:
            messages.success(request, f"{organisation.name} has been added.")
            return redirect("people:admin_home")
    return render(
        request, "people/organisation_new.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(Role.ADMINISTRATOR)
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    staff = User.objects.filter(role__in=STAFF_ROLES).select_related("organisation")
    context = {
        "staff": [
            (person, ROLE_NAMES[Role(person.role)]) for person in staff.order_by("role", "username")
        ],
    }
    return render(request, "people/staff_list.html", context)


@sensitive_post_parameters("password", "confirm_password")
@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = person_create(
                actor=person_of(request),
                username=data["username"],
                password=data["password"],
                role=Role(data["role"]),
                display_name=data["display_name"],
                organisation=data["organisation"],
            )
        except InvalidInput as exc:
            form.refuse(exc.message, "username" if "sign-in name" in exc.message else None)
        else:
            messages.success(
                request,
                (
                    f"The account {created.username} has been created. Give the initial password "
                    "to the person privately, and ask them to change it when they first sign in."
                ),
            )
            return redirect("people:staff_list")
    return render(
        request, "people/staff_new.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(*HANDLER_ROLES)
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest) -> HttpResponse:
    """A handler declares her interests; each save is a new dated version in the ledger."""
    person = person_of(request)
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    declared = interests_of(person=person, private_key=private_key)
    initial = {
        kind: "\n".join(value for k, value in declared if k == kind) for kind, _ in INTEREST_FIELDS
    }
    form = InterestsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                interests_declare(actor=person, interests=form.interests())
            except InvalidInput as exc:
                form.refuse(exc.message)
            else:
                request.session[_INTERESTS_SAVED] = True
                return redirect("people:interests")
    declaration = Declaration.objects.filter(person=person).first()
    context = {
        "form": form,
        "declaration": declaration,
        "saved": request.session.pop(_INTERESTS_SAVED, False),
    }
    return render(request, "people/interests.html", context, status=status)


_INTERESTS_SAVED = "ombuds.people.interests_saved"
