"""The case manager's action pages: acknowledge, assess, close, allocate; and
`action_page`, the one way to write a handler's page that runs one command.

Views parse input, call one service or selector and render. Access is decided where the
case is loaded (`case_for_handler`: not assigned is 404) and by the services (wrong role
is NotPermitted, 403); the middleware maps both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ombuds.cases.forms import AcknowledgeForm, AllocateForm, AssessForm, CaseActionForm, CloseForm
from ombuds.cases.lifecycle import transition_named
from ombuds.cases.models import Case
from ombuds.cases.selectors import case_for_handler
from ombuds.cases.services import (
    ALLOCATABLE,
    case_acknowledge,
    case_allocate,
    case_assess,
    case_close,
)
from ombuds.lib.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    NotPermitted,
    TransitionRefused,
)
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role

CONCURRENT = (
    "Someone else changed this case just now, so nothing was saved. Check the case, then try again."
)

Run = Callable[[User, Case, dict[str, Any], bytes | None], str]


def action_page(
    request: HttpRequest,
    reference: str,
    *,
    action: str,
    roles: frozenset[Role],
    form_class: type[CaseActionForm],
    template: str,
    run: Run,
    needs_key: bool,
    context: dict[str, Any] | None = None,
    done_url: str | None = None,
) -> HttpResponse:
    """Show an action's form; on POST run it once against the version the form was shown.

    Afterwards go back to the case, or to `done_url` (e.g. when the person has left it).

    Refusals re-render the form with the reason and everything typed, nothing changed.
    """
    person = person_of(request)
    case = case_for_handler(person, reference)  # not assigned: 404 before anything else
    if Role(person.role) not in roles:
        raise NotPermitted(f"Your role on this case does not allow you to {action}.")
    private_key = session_private_key(request)
    if needs_key and private_key is None:
        return end_lost_session(request)
    form = form_class(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                notice = run(person, case, form.cleaned_data, private_key)
            except ConcurrentChange:
                form = _with_fresh_version(form_class, request, reference, person)
                form.refuse(CONCURRENT)
                status = 409
            except (TransitionRefused, InvalidInput) as exc:
                form.refuse(exc.message)
            else:
                messages.success(request, notice)
                if done_url:
                    return redirect(done_url)
                return redirect("cases:case_detail", reference=case.reference)
    full_context = {"case": case, "form": form, **(context or {})}
    return render(request, template, full_context, status=status)


def _with_fresh_version(
    form_class: type[CaseActionForm], request: HttpRequest, reference: str, person: User
) -> CaseActionForm:
    """The same form and answers, now carrying the case's current version."""
    data = request.POST.copy()
    data["version"] = str(case_for_handler(person, reference).version)
    form = form_class(data)
    form.is_valid()
    return form


def _transition_page(
    request: HttpRequest,
    reference: str,
    name: str,
    form_class: type[CaseActionForm],
    run: Run,
    *,
    needs_key: bool,
) -> HttpResponse:
    transition = transition_named(name)
    return action_page(
        request,
        reference,
        action=transition.label.lower(),
        roles=transition.roles,
        form_class=form_class,
        template=f"cases/{name}.html",
        run=run,
        needs_key=needs_key,
        context={"transition": transition},
    )


@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        case_acknowledge(actor=person, case=case, expected_version=data["version"])
        return "The report has been acknowledged."

    return _transition_page(
        request, reference, "acknowledge", AcknowledgeForm, run, needs_key=False
    )


@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        case_assess(
            actor=person,
            case=case,
            private_key=key,
            scope=data["scope"],
            risk=data["risk"],
            notes=data["notes"],
            expected_version=data["version"],
        )
        return "The assessment has been recorded."

    return _transition_page(request, reference, "assess", AssessForm, run, needs_key=True)


@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        case_close(
            actor=person,
            case=case,
            private_key=key,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "The case has been closed. The complainant will see the reason."

    return _transition_page(request, reference, "close", CloseForm, run, needs_key=True)


@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, reference: str, role: str) -> HttpResponse:
    if role not in {r.value for r in ALLOCATABLE}:
        raise NotFound("No such page.")
    wanted = Role(role)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        chosen = case_allocate(
            actor=person,
            case=case,
            private_key=key,
            role=wanted,
            expected_version=data["version"],
        )
        name = chosen.display_name or chosen.username
        return f"{name} has been allocated as the {wanted.value}, chosen at random by the pool."

    return action_page(
        request,
        reference,
        action=f"allocate an {wanted.value}",
        roles=frozenset({Role.CASE_MANAGER}),
        form_class=AllocateForm,
        template="cases/allocate.html",
        run=run,
        needs_key=True,
        context={"role": wanted.value},
    )
