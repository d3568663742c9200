"""The administrator's page for one staff member: change her role, reset her password or
second factor, deactivate her account. Each form runs one service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.cases.leavers import Released, password_reset, person_deactivate, person_set_role
from ombuds.lib.errors import InvalidInput, NotFound
from ombuds.people.forms import ROLE_NAMES, ResetPasswordForm, RoleForm
from ombuds.people.models import STAFF_ROLES, User
from ombuds.people.reauth import recent_password_required
from ombuds.people.second_factor import second_factor_enrolled, second_factor_reset
from ombuds.people.services import actor_of
from ombuds.people.views import person_of, role_required
from ombuds.record.roles import Role

ACTIONS = ("role", "password", "second_factor", "deactivate")


def _released_words(released: Released) -> str:
    words = f" {released.reallocated} case place(s) were re-allocated at random."
    if released.unfilled:
        words += (
            f" Nobody eligible was free for {', '.join(released.unfilled)}: its case manager "
            "must allocate someone (or a new panel)."
        )
    return words


@sensitive_post_parameters("password", "confirm_password")
@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def staff_member(request: HttpRequest, username: str) -> HttpResponse:
    admin = person_of(request)
    person = User.objects.filter(username=username, role__in=STAFF_ROLES).first()
    if person is None:
        raise NotFound("No such member of staff.")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    role_form = RoleForm(request.POST if action == "role" else None)
    password_form = ResetPasswordForm(request.POST if action == "password" else None)
    error = ""
    try:
        if action == "role" and role_form.is_valid():
            new_role = Role(role_form.cleaned_data["role"])
            released = person_set_role(actor=admin, person=person, role=new_role)
            messages.success(
                request,
                f"{person.username} is now {ROLE_NAMES[new_role].lower()}."
                + _released_words(released),
            )
            return redirect("people:staff_list")
        if action == "password" and password_form.is_valid():
            password_reset(
                actor=admin, person=person, new_password=password_form.cleaned_data["password"]
            )
            messages.success(
                request,
                f"{person.username} has a new password and a new key. Give her the password "
                "privately. Her colleagues' keys will re-share her cases with her.",
            )
            return redirect("people:staff_list")
        if action == "second_factor":
            if person.pk == admin.pk:
                raise InvalidInput("Ask another administrator to reset your own second factor.")
            second_factor_reset(person=person, actor=actor_of(admin))
            messages.success(
                request,
                f"{person.username} will set up her authenticator app again at her next sign-in.",
            )
            return redirect("people:staff_list")
        if action == "deactivate":
            released = person_deactivate(actor=admin, person=person)
            messages.success(
                request,
                f"The account {person.username} is deactivated." + _released_words(released),
            )
            return redirect("people:staff_list")
    except InvalidInput as exc:
        error = exc.message
    context = {
        "person": person,
        "role_name": ROLE_NAMES[Role(person.role)],
        "role_form": role_form,
        "password_form": password_form,
        "enrolled": second_factor_enrolled(person),
        "error": error,
    }
    status = 400 if error or role_form.errors or password_form.errors else 200
    return render(request, "people/staff_member.html", context, status=status)
