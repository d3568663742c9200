"""The handler's page to explain a missed deadline, and the oversight officer's pages:
missed deadlines across the scheme, one case's delays, extensions and re-allocation.

The oversight officer sees references, stages, dates, reason codes and who is
responsible; never content, never a party's name.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.participants import handler_participant
from ombuds.cases.selectors import case_for_handler
from ombuds.deadlines.delays import delay_explain, extension_decide, handler_reallocate, open_watch
from ombuds.deadlines.forms import DecideExtensionForm, ExplainDelayForm, ReallocateForm
from ombuds.deadlines.selectors import (
    PER_PAGE,
    case_for_officer,
    deadline_words,
    delay_register,
    delay_rows,
    escalated,
)
from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.lib.paging import page_number
from ombuds.people.models import HANDLER_ROLES, Organisation
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role
from ombuds.timetable.models import Watch


@sensitive_post_parameters("note")
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def explain(request: HttpRequest, reference: str) -> HttpResponse:
    person = person_of(request)
    case = case_for_handler(person, reference)  # not on the case: 404
    watch = open_watch(case, person.pseudonym)
    form = ExplainDelayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        private_key = session_private_key(request)
        if private_key is None:
            return end_lost_session(request)
        if watch is None:
            form = ExplainDelayForm(request.POST)
            form.full_clean()
            form.refuse("You have no missed deadline to explain on this case.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = delay_explain(
                    participant=handler_participant(person, case, private_key),
                    reason=data["reason"],
                    new_date=data["new_date"],
                    note=data["note"],
                )
            except (InvalidInput, TransitionRefused) as exc:
                form.refuse(exc.message, "new_date" if "date" in exc.message else None)
            else:
                messages.success(
                    request,
                    "The reason and new date are recorded; the oversight officer must approve "
                    "the new date, which is further than the service level."
                    if saved.awaiting_approval
                    else "The reason and new date are recorded.",
                )
                return redirect("cases:case_detail", reference=case.reference)
    context = {
        "case": case,
        "form": form,
        "watch": watch,
        "deadline": deadline_words(watch.deadline_name) if watch else "",
    }
    return render(request, "deadlines/explain.html", context, status=status)


@role_required(Role.OVERSIGHT_OFFICER)
@require_GET
def oversight(request: HttpRequest) -> HttpResponse:
    organisation = request.GET.get("organisation", "")
    reference = request.GET.get("reference", "")[:20]
    waiting = request.GET.get("waiting") == "1"
    page = page_number(request)
    rows = escalated(organisation=organisation, reference=reference, waiting=waiting)
    start = (page - 1) * PER_PAGE
    window = list(rows[start : start + PER_PAGE + 1])  # one more says whether there is a next
    context = {
        "rows": delay_rows(window[:PER_PAGE], timezone.now()),
        "page": page,
        "has_next": len(window) > PER_PAGE,
        "organisations": Organisation.objects.order_by("name"),
        "organisation": organisation,
        "reference": reference,
        "waiting": waiting,
    }
    return render(request, "deadlines/oversight.html", context)


def _case_page(
    request: HttpRequest,
    reference: str,
    *,
    decide: DecideExtensionForm | None = None,
    reallocate: ReallocateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = case_for_officer(reference)
    watches = list(Watch.objects.filter(case=case).select_related("case", "case__organisation"))
    context = {
        "case": case,
        "rows": delay_rows(watches, timezone.now()),
        "register": delay_register(case),
        "awaiting": any(w.awaiting_approval for w in watches),
        "requested": next((w.requested_due_at for w in watches if w.awaiting_approval), None),
        "decide": decide or DecideExtensionForm(),
        "reallocate": reallocate or ReallocateForm(),
    }
    return render(request, "deadlines/oversight_case.html", context, status=status)


@role_required(Role.OVERSIGHT_OFFICER)
@require_GET
def oversight_case(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, reference)


@role_required(Role.OVERSIGHT_OFFICER)
@require_POST
def oversight_extension(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_officer(reference)
    form = DecideExtensionForm(request.POST)
    if form.is_valid():
        try:
            extension_decide(
                actor=person_of(request),
                case=case,
                approve=form.cleaned_data["decision"] == "approve",
            )
        except TransitionRefused as exc:
            form.refuse(exc.message)
        else:
            messages.success(request, "Your decision on the extension is recorded.")
            return redirect("deadlines:oversight_case", reference=reference)
    return _case_page(request, reference, decide=form, status=400)


@role_required(Role.OVERSIGHT_OFFICER)
@require_POST
def oversight_reallocate(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_officer(reference)
    form = ReallocateForm(request.POST)
    if form.is_valid():
        try:
            handler_reallocate(
                actor=person_of(request),
                case=case,
                role=Role(form.cleaned_data["role"]),
                why=form.cleaned_data["why"],
            )
        except (InvalidInput, TransitionRefused) as exc:
            form.refuse(exc.message)
        else:
            messages.success(request, "The case has been re-allocated from the eligible pool.")
            return redirect("deadlines:oversight_case", reference=reference)
    return _case_page(request, reference, reallocate=form, status=400)
