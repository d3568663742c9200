"""The complainant's pages: home, return with a receipt, her own case (reporting is in
report_views.py).

Views parse input, call one service and render. Case content never goes into URLs, logs
or query strings; every view that receives it hides its POST data and local variables
from error reports.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.guards import SESSION_ENDED, complainant_page
from ombuds.cases.selectors import ReadsSummary, case_reads_summary
from ombuds.intake.forms import (
    AddInformationForm,
    ReportForm,
    ReturnForm,
    WithdrawForm,
)
from ombuds.intake.services import (
    receipt_sign_in,
    report_add_information,
    report_withdraw,
)
from ombuds.intake.status import complainant_case_view, proof_of_receipt
from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.limits.services import ServerBusy
from ombuds.people.session import (
    ComplainantAccess,
    sign_in_complainant,
)
from ombuds.record.roles import Role
from ombuds.record.stages import Stage, stage_label

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
    return render(
        request, "intake/add_information.html", {"form": form}, status=400 if form.errors else 200
    )


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
                form.add_error(None, gettext(exc.message))
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
