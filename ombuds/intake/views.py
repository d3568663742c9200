"""The complainant's pages: report, check answers, confirmation, return, her own case.

Views parse input, call one service and render. Case content never goes into URLs, logs
or query strings; every view that receives it hides its POST data and local variables
from error reports.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds import vault
from ombuds.cases.guards import SESSION_ENDED, complainant_page
from ombuds.cases.selectors import ReadsSummary, case_reads_summary
from ombuds.intake.forms import (
    AddInformationForm,
    PasswordForm,
    ReportForm,
    ReturnForm,
    WithdrawForm,
)
from ombuds.intake.services import (
    AlreadySent,
    Submission,
    new_send_token,
    receipt_sign_in,
    report_add_information,
    report_submit,
    report_withdraw,
)
from ombuds.intake.status import complainant_case_view, proof_of_receipt
from ombuds.lib.errors import DecryptionFailed, InvalidInput, TransitionRefused
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.limits.services import ServerBusy
from ombuds.people.session import (
    ComplainantAccess,
    complainant_access,
    sign_in_complainant,
)
from ombuds.record.roles import Role
from ombuds.record.stages import Stage, stage_label

RECEIPT_COOKIE = "ombuds_receipt"
_SHOW_ONCE = "ombuds.show_once"  # the wrapped confirmation secrets, until shown

NOT_FOUND = _("We could not find a report with those words. Check them and try again.")
BUSY = _("Too many attempts right now. Try again in a minute.")

# The roles whose reading of a case is recorded, as the complainant reads them.
READER_ROLES = {
    Role.CASE_MANAGER.value: _("Case manager"),
    Role.ADVOCATE.value: _("Advocate"),
    Role.INVESTIGATOR.value: _("Investigator"),
    Role.PANEL_MEMBER.value: _("Panel member"),
}


def _reads(summary: ReadsSummary) -> dict[str, Any]:
    return {
        "people": summary.people,
        "sentence": ngettext(
            "%(count)d person has opened your case.",
            "%(count)d people have opened your case.",
            summary.people,
        )
        % {"count": summary.people},
        # In READER_ROLES' order: the roles she deals with first.
        "by_role": [
            (label, summary.by_role[role])
            for role, label in READER_ROLES.items()
            if role in summary.by_role
        ],
        "last_opened": summary.last_opened,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/home.html")


# --- Reporting: form → check your answers → send → shown once ---------------------------


def _report_form_page(request: HttpRequest, form: ReportForm) -> HttpResponse:
    return render(request, "intake/report_form.html", {"form": form})


def _check_answers_page(
    request: HttpRequest, form: ReportForm, password_form: PasswordForm | None
) -> HttpResponse:
    context = {
        "form": form,
        "rows": form.answer_rows(),
        "password_form": password_form,
        "send_token": request.POST.get("send_token") or new_send_token(),
    }
    return render(request, "intake/report_check.html", context)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def report(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: check the answers, or (a "Change" button on the check page)
    show them in the form again to change."""
    if request.method == "GET":
        return _report_form_page(request, ReportForm())
    if "change" in request.POST:
        answers = {name: request.POST.get(name, "") for name in ReportForm.base_fields}
        return _report_form_page(request, ReportForm(initial=answers))
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_form_page(request, form)
    return _check_answers_page(request, form, None if form.is_anonymous else PasswordForm())


@sensitive_post_parameters()
@require_POST
@sensitive_variables()
def report_send(request: HttpRequest) -> HttpResponse:
    """Send the checked answers (carried in hidden fields; the password is typed here)."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_form_page(request, form)
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
        form.add_error(None, exc.message)
        return _report_form_page(request, form)
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


@sensitive_variables()
def _hold_for_one_showing(
    request: HttpRequest, response: HttpResponse, submission: Submission
) -> None:
    """Keep what the confirmation page shows once (the receipt above all) in the session,
    encrypted under a fresh key that lives only in a short-lived cookie: the session table
    is in the database, and must never hold a receipt in the clear."""
    once = {
        "receipt": submission.receipt,
        "sign_in_name": submission.sign_in_name,
        "checkpoint_size": submission.checkpoint.size,
        "checkpoint_root": submission.checkpoint.root[:16],
    }
    session_key = vault.new_session_key()
    wrapped = vault.wrap_for_session(session_key, json.dumps(once).encode())
    request.session[_SHOW_ONCE] = base64.b64encode(wrapped).decode()
    response.set_cookie(
        RECEIPT_COOKIE,
        base64.urlsafe_b64encode(session_key).decode(),
        path=reverse("intake:report_sent"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


@sensitive_variables()
def _take_for_one_showing(request: HttpRequest) -> dict[str, Any] | None:
    """What was held for the confirmation page, removed from the session: it can only
    ever be taken once (the page also deletes the cookie)."""
    wrapped = request.session.pop(_SHOW_ONCE, None)
    cookie = request.COOKIES.get(RECEIPT_COOKIE)
    if not wrapped or not cookie:
        return None
    try:
        session_key = base64.urlsafe_b64decode(cookie.encode())
        opened = vault.unwrap_for_session(session_key, base64.b64decode(wrapped))
    except (ValueError, DecryptionFailed, InvalidInput):
        return None
    once: dict[str, Any] = json.loads(opened)
    return once


@require_GET
@complainant_page
@sensitive_variables()
def report_sent(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Report received: the receipt (or sign-in name) the first time only, proof of
    receipt, and what happens next."""
    once = _take_for_one_showing(request)
    view = complainant_case_view(access)
    response = render(request, "intake/report_sent.html", {"view": view, "once": once})
    response.delete_cookie(RECEIPT_COOKIE, path=reverse("intake:report_sent"), samesite="Strict")
    return response


# --- Coming back with a receipt ---------------------------------------------------------


def _return_page(
    request: HttpRequest, form: ReturnForm, *, ended: bool = False, status: int = 200
) -> HttpResponse:
    return render(request, "intake/return.html", {"form": form, "ended": ended}, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def return_to_report(request: HttpRequest) -> HttpResponse:
    """Sign in with the seven words. Every failure gets the same words. A wrong receipt
    costs the server an index lookup; the slow check is rationed across everyone
    (limits.services), so guessing neither exhausts the server nor locks anyone out."""
    ended = bool(request.session.pop(SESSION_ENDED, False))
    if request.method == "GET":
        return _return_page(request, ReturnForm(), ended=ended)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _return_page(request, form)
    try:
        access = receipt_sign_in(form.cleaned_data["receipt"])
    except ServerBusy:
        security_event(SecurityEvent.RECEIPT_LOCKED_OUT, everyone=True)
        form.add_error(None, BUSY)
        return _return_page(request, form, status=429)
    if access is None:
        security_event(SecurityEvent.RECEIPT_REFUSED)
        form.add_error("receipt", NOT_FOUND)
        return _return_page(request, form)
    security_event(SecurityEvent.RECEIPT_ACCEPTED)
    response = redirect("intake:my_report")
    sign_in_complainant(request, response, access)
    return response


# --- Her own case -----------------------------------------------------------------------


def _account_rows(account: dict[str, Any], *, anonymous: bool) -> list[dict[str, str]]:
    rows = []
    for name, field in ReportForm.base_fields.items():
        if name in {"organisation", "anonymous"} or name not in account:
            continue
        if name == "your_name" and anonymous:
            continue
        rows.append({"label": str(field.label), "value": str(account[name])})
    return rows


@require_GET
@complainant_page
def my_report(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Her case: where it is, her advocate, the timeline (oldest first), her account, and
    how many people in which roles have opened it (never who)."""
    view = complainant_case_view(access)
    context = {
        "view": view,
        "reads": _reads(case_reads_summary(view.case)),
        "stage": gettext(stage_label(Stage(view.case.stage))),
        "account_rows": _account_rows(view.account, anonymous=view.case.anonymous),
    }
    return render(request, "intake/my_report.html", context)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_page
@sensitive_variables()
def add_information(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    if request.method == "GET":
        form = AddInformationForm()
    else:
        form = AddInformationForm(request.POST)
        if form.is_valid():
            try:
                report_add_information(access=access, text=form.cleaned_data["text"])
            except InvalidInput as exc:
                form.add_error("text", exc.message)
            else:
                return redirect("intake:my_report")
    return render(request, "intake/add_information.html", {"form": form})


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_page
@sensitive_variables()
def withdraw(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Explain what withdrawing means; POST withdraws (refusals go to the error page)."""
    if request.method == "GET":
        form = WithdrawForm()
    else:
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                report_withdraw(access=access, reason=form.cleaned_data["reason"])
            except (InvalidInput, TransitionRefused) as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("intake:my_report")
    return render(
        request, "intake/withdraw.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
@complainant_page
def proof(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """The signed checkpoint and inclusion proof of her submission, to keep."""
    receipt = proof_of_receipt(access)
    response = HttpResponse(
        json.dumps(receipt, indent=2, sort_keys=True) + "\n",
        content_type="application/json",
    )
    filename = f"ombuds-proof-of-receipt-{receipt['case_reference']}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
