"""Staff pages of vetting checks and repeat complaints: the liaison's check, the oversight
officer's vetting list and access requests, the case manager's linked cases, and the
administrator's vetting permissions. Each parses input, calls one service or selector
and renders; the name asked about is never in a URL or a log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.models import Case
from ombuds.cases.selectors import case_for_handler
from ombuds.escrow.identifiers import IdentifierRefused
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.models import HANDLER_ROLES, Organisation, User
from ombuds.people.reauth import recent_password_required
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role
from ombuds.vetting import rules
from ombuds.vetting.forms import CheckForm, PolicyForm
from ombuds.vetting.repeats import link_access_decide, link_access_request
from ombuds.vetting.selectors import (
    CheckRow,
    liaisons_for_vetting,
    linked_cases_for,
    may_vet,
    open_link_requests,
    policy_for,
    vetting_list,
)
from ombuds.vetting.services import (
    CheckAnswer,
    OtherOrganisation,
    TooManyChecks,
    vetting_check,
    vetting_permission_grant,
    vetting_permission_withdraw,
    vetting_policy_set,
    vetting_purposes_share,
)

# What each kind of record is called wherever an answer is shown.
KIND_WORDS = {
    rules.UPHELD_FINDING: _("An upheld finding"),
    rules.ACTIVE_SANCTION: _("An active sanction"),
    rules.OPEN_INVESTIGATION: _("An open investigation"),
}


def _refuse(form: CheckForm, error: InvalidInput) -> None:
    """Put a refusal by the field it is about, so the error summary links to it."""
    if isinstance(error, IdentifierRefused):
        form.add_error("email" if error.kind == "email" else "name", error.message)
    elif isinstance(error, OtherOrganisation):
        form.add_error("organisation", error.message)
    elif isinstance(error, TooManyChecks):
        form.add_error(None, error.message)
    else:
        form.add_error("purpose", error.message)


@sensitive_post_parameters()
@role_required(Role.LIAISON)
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def check(request: HttpRequest) -> HttpResponse:
    """The liaison asks about a named person, for a stated purpose."""
    liaison = person_of(request)
    if not may_vet(liaison):
        raise NotPermitted("You do not have permission to make vetting checks.")
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    form = CheckForm(request.POST or None, home=liaison.organisation)
    answer: CheckAnswer | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = vetting_check(
                liaison=liaison, private_key=private_key, name=data["name"],
                email=data["email"], organisation=data["organisation"], purpose=data["purpose"],
            )  # fmt: skip
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            form = CheckForm(home=liaison.organisation)
    context = {
        "form": form,
        "answer": answer,
        "answer_words": [KIND_WORDS[k] for k in answer.kinds] if answer else [],
        "rows": _with_words(vetting_list(liaison, private_key)),
    }
    return render(request, "vetting/check.html", context, status=400 if form.errors else 200)


def _with_words(rows: list[CheckRow]) -> list[tuple[CheckRow, list[str]]]:
    return [(row, [str(KIND_WORDS[k]) for k in row.kinds]) for row in rows]


@role_required(Role.OVERSIGHT_OFFICER)
@require_GET
def checks(request: HttpRequest) -> HttpResponse:
    """The oversight officer's vetting list: purpose, answer, date and who asked."""
    reader, private_key = person_of(request), session_private_key(request)
    if private_key is not None:  # purposes she can read, for those appointed since
        vetting_purposes_share(reader=reader, private_key=private_key)
    rows = vetting_list(reader, private_key)
    return render(request, "vetting/checks.html", {"rows": _with_words(rows), "names": True})


@role_required(Role.OVERSIGHT_OFFICER)
@require_GET
def access_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "vetting/access_requests.html", {"requests": open_link_requests()})


@role_required(Role.OVERSIGHT_OFFICER)
@require_POST
def access_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        messages.error(request, gettext("Choose whether to approve or refuse the request."))
        return redirect("vetting:access_requests")
    approve = decision == "approve"
    try:
        link_access_decide(officer=person_of(request), request_id=request_id, approve=approve)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, gettext("Access approved.") if approve else gettext("Access refused.")
        )
    return redirect("vetting:access_requests")


def _case_managers_case(request: HttpRequest, reference: str) -> tuple[User, Case]:
    """The case, for its case manager: not on it, 404; on it in another role, 403."""
    person = person_of(request)
    case = case_for_handler(person, reference)
    if person.role != Role.CASE_MANAGER:
        raise NotPermitted("Only the case manager sees the cases naming the same person.")
    return person, case


@role_required(*HANDLER_ROLES)
@require_GET
def same_person(request: HttpRequest, reference: str) -> HttpResponse:
    """The case manager: other cases naming the same person (reference and stage only)."""
    person, case = _case_managers_case(request, reference)
    context = {"case": case, "linked": linked_cases_for(case, person)}
    return render(request, "vetting/same_person.html", context)


@role_required(*HANDLER_ROLES)
@require_POST
def ask_access(request: HttpRequest, reference: str, other: str) -> HttpResponse:
    person, case = _case_managers_case(request, reference)
    try:
        link_access_request(person=person, case=case, other_reference=other)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("You asked the oversight officer for access."))
    return redirect("vetting:same_person", reference=case.reference)


@role_required(Role.ADMINISTRATOR)
@require_GET
def permissions(request: HttpRequest) -> HttpResponse:
    """The administrator: which liaisons may make vetting checks."""
    return render(request, "vetting/permissions.html", {"liaisons": liaisons_for_vetting()})


def _who(liaison: User) -> dict[str, str]:
    return {"name": str(liaison)}


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def permission_set(request: HttpRequest, pseudonym: str) -> HttpResponse:
    liaison = get_object_or_404(User, pseudonym=pseudonym, role=Role.LIAISON)
    actor = person_of(request)
    allow = request.POST.get("allow")
    if allow not in ("yes", "no"):
        messages.error(request, gettext("Choose whether to allow vetting checks or not."))
    elif allow == "yes":
        vetting_permission_grant(actor=actor, person=liaison)
        messages.success(request, gettext("%(name)s may now make vetting checks.") % _who(liaison))
    else:
        vetting_permission_withdraw(actor=actor, person=liaison)
        done = gettext("%(name)s may no longer make vetting checks.")
        messages.success(request, done % _who(liaison))
    return redirect("vetting:permissions")


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    """The administrator: an organisation's vetting policy."""
    organisation = get_object_or_404(Organisation, slug=slug)
    current = policy_for(organisation)
    initial = {"finding_years": current.finding_years, "tell_person": current.tell_person}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vetting_policy_set(
                actor=person_of(request), organisation=organisation,
                finding_years=form.cleaned_data["finding_years"],
                tell_person=form.cleaned_data["tell_person"],
            )  # fmt: skip
        except InvalidInput as exc:
            form.add_error("finding_years", exc.message)
        else:
            messages.success(request, gettext("The vetting policy is saved."))
            return redirect("vetting:policy", slug=organisation.slug)
    context = {"form": form, "organisation": organisation}
    return render(request, "vetting/policy.html", context, status=400 if form.errors else 200)
