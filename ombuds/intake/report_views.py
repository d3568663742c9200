"""Reporting: the question pages → check your answers → send → the receipt, shown once.

Every page is a POST form that carries her earlier answers in hidden fields, so nothing
she writes is kept on the server before she sends it, and everything works without
JavaScript. "Back" and "Change" are buttons of small forms carrying the same answers: a
plain link could only carry them in the URL, where case content never goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.guards import complainant_page
from ombuds.intake.forms import PasswordForm, ReportForm
from ombuds.intake.services import (
    AlreadySent,
    Submission,
    new_send_token,
    report_submit,
)
from ombuds.intake.status import complainant_case_view
from ombuds.intake.steps import (
    FIRST,
    LAST,
    STEPS,
    Step,
    carried,
    step_after,
    step_before,
    step_named,
)
from ombuds.lib.errors import InvalidInput
from ombuds.people.session import (
    ComplainantAccess,
    SealedForPage,
    complainant_access,
    page_secret_forget,
    page_secret_hold,
    page_secret_open,
    sign_in_complainant,
)

RECEIPT_COOKIE = "ombuds_receipt"
# The confirmation page's secrets (the receipt), wrapped in the session until shown once.
SHOWN_ONCE = SealedForPage(
    name="ombuds.show_once", cookie=RECEIPT_COOKIE, path=lambda: reverse("intake:report_sent")
)
CHECK = "check"  # the "step" of the check-answers page, for its Back button


# --- The pages --------------------------------------------------------------------------


def _answers(data: Mapping[str, Any]) -> dict[str, str]:
    """Every answer the posted page carried (blank where not yet given)."""
    return {name: str(data.get(name, "")) for name in ReportForm.base_fields}


def _step_page(
    request: HttpRequest, step: Step, answers: dict[str, str], form: ReportForm, *, checking: bool
) -> HttpResponse:
    # A page of one question has it as its heading, as GOV.UK's question pages do.
    single = len(form.fields) == 1 and step != FIRST
    context = {
        "step": step,
        "form": form,
        "single": single,
        "heading": next(iter(form.fields.values())).label if single else step.title,
        "number": STEPS.index(step) + 1,
        "count": len(STEPS),
        "first": step == FIRST,
        "checking": checking,
        "carried": carried(answers, leave_out=tuple(form.fields)),
        "all_answers": carried(answers),
        "started": any(answers.values()),
    }
    return render(request, "intake/report_step.html", context)


def _ask(
    request: HttpRequest, step: Step, answers: dict[str, str], *, checking: bool
) -> HttpResponse:
    """A page with her answers so far filled in, no errors shown."""
    form = ReportForm(initial=answers, step=step)
    return _step_page(request, step, answers, form, checking=checking)


def _check_answers_page(
    request: HttpRequest,
    form: ReportForm,
    password_form: PasswordForm | None,
    problem: str = "",
) -> HttpResponse:
    errors = password_form if password_form is not None else form
    if problem:
        errors.add_error(None, problem)
    context = {
        "form": form,
        "rows": form.answer_rows(),
        "password_form": password_form,
        "errors": errors,
        "answers": carried(_answers(form.cleaned_data)),
        "last": LAST,
        "send_token": request.POST.get("send_token") or new_send_token(),
    }
    return render(request, "intake/report_check.html", context)


def _check_or_ask(
    request: HttpRequest, answers: dict[str, str], *, show_errors: bool = False
) -> HttpResponse:
    """Check answers if every page is answered; otherwise the first page that is not
    (with its errors only if she has sent it before: a page she has not seen yet is
    asked, not scolded)."""
    whole = ReportForm(answers)
    if whole.is_valid():
        return _check_answers_page(request, whole, None if whole.is_anonymous else PasswordForm())
    step = next((s for s in STEPS if set(s.fields) & set(whole.errors)), FIRST)
    if not show_errors:
        return _ask(request, step, answers, checking=True)
    form = ReportForm(answers, step=step)
    form.is_valid()
    return _step_page(request, step, answers, form, checking=True)


def _back(request: HttpRequest, answers: dict[str, str], *, checking: bool) -> HttpResponse:
    """To the page before, with her answers in it; from a change, back to checking."""
    came_from = request.POST.get("step")
    if came_from == CHECK:
        return _ask(request, LAST, answers, checking=False)
    if checking:
        return _check_or_ask(request, answers)
    before = step_before(step_named(came_from))
    return _ask(request, before or FIRST, answers, checking=False)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def report(request: HttpRequest) -> HttpResponse:
    """GET: the first page. POST: the page she answered (hidden "step") is checked and
    the next one shown, or check answers; "back" and "change" move between pages."""
    if request.method == "GET":
        return _ask(request, FIRST, _answers({}), checking=False)
    answers = _answers(request.POST)
    checking = request.POST.get("checking") == "1"
    if "change" in request.POST:
        return _ask(request, step_named(request.POST["change"]), answers, checking=True)
    if "back" in request.POST:
        return _back(request, answers, checking=checking)
    step = step_named(request.POST.get("step"))
    form = ReportForm(request.POST, step=step)
    if not form.is_valid():
        return _step_page(request, step, answers, form, checking=checking)
    answers.update(form.cleaned_data)
    following = step_after(step)
    if checking or following is None:
        return _check_or_ask(request, answers)
    return _ask(request, following, answers, checking=False)


@sensitive_post_parameters()
@require_POST
@sensitive_variables()
def report_send(request: HttpRequest) -> HttpResponse:
    """Send the checked answers (carried in hidden fields; the password is typed here)."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _check_or_ask(request, _answers(request.POST), show_errors=True)
    password_form = None if form.is_anonymous else PasswordForm(request.POST)
    if password_form is not None and not password_form.is_valid():
        return _check_answers_page(request, form, password_form)
    try:
        submission = report_submit(
            organisation_slug=form.cleaned_data["organisation"],
            account=form.account(),
            anonymous=form.is_anonymous,
            password=password_form.cleaned_data["password"] if password_form else None,
            send_token=request.POST.get("send_token", ""),
        )
    except InvalidInput as exc:
        return _check_answers_page(request, form, password_form, gettext(exc.message))
    except AlreadySent:
        # A second post of the same form (a double click, a resend after a timeout): the
        # receipt was shown once already; say so, create nothing.
        if complainant_access(request) is not None:
            return redirect("intake:report_sent")
        return render(request, "intake/report_already_sent.html")
    response = redirect("intake:report_sent")
    sign_in_complainant(request, response, submission.access)
    _hold_for_one_showing(request, response, submission)
    return response


# --- The receipt, shown once --------------------------------------------------------------


@sensitive_variables()
def _hold_for_one_showing(
    request: HttpRequest, response: HttpResponse, submission: Submission
) -> None:
    """Keep what the confirmation page shows once (the receipt above all), sealed."""
    once = {
        "receipt": submission.receipt,
        "sign_in_name": submission.sign_in_name,
        "checkpoint_size": submission.checkpoint.size,
        "checkpoint_root": submission.checkpoint.root[:16],
    }
    page_secret_hold(request, response, SHOWN_ONCE, once)


@require_GET
@complainant_page
@sensitive_variables()
def report_sent(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Report received: the receipt (or sign-in name) the first time only, proof of
    receipt, and what happens next."""
    once = page_secret_open(request, SHOWN_ONCE, take=True)
    view = complainant_case_view(access)
    response = render(request, "intake/report_sent.html", {"view": view, "once": once})
    page_secret_forget(request, response, SHOWN_ONCE)
    return response
