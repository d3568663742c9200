"""The complainant's own choices: informal resolution, referral, a different advocate.

Each is a page that explains plainly what the choice means and records it on a POST.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ombuds.cases.guards import complainant_page
from ombuds.cases.independence import advocate_change_request
from ombuds.cases.participants import complainant_participant
from ombuds.cases.routing import (
    complainant_agree_informal,
    complainant_consent_referral,
    complainant_withdraw_referral_consent,
)
from ombuds.lib.errors import InvalidInput, TransitionRefused
from ombuds.people.session import ComplainantAccess

CHOICES = {
    "informal": (
        _("Agree to informal resolution"),
        (
            _(
                "Informal resolution means the scheme tries to resolve what happened without a "
                "formal investigation: for example a facilitated conversation, an apology, or an "
                "agreement about behaviour."
            ),
            _(
                "It only starts with your agreement. If it does not work, your case can still "
                "go to a formal investigation."
            ),
        ),
        _("I agree to informal resolution"),
        complainant_agree_informal,
    ),
    "referral": (
        _("Consent to referral to the police"),
        (
            _(
                "If what happened may be a crime, your case manager may ask to refer it to the "
                "police. Without your consent this can only happen if a risk to others has been "
                "recorded and two different people agree it is necessary to keep people safe."
            ),
            _("Giving consent is your choice. Your advocate can talk it through with you first."),
        ),
        _("I consent to referral to the police"),
        complainant_consent_referral,
    ),
    "no_referral": (
        _("Withdraw your consent to referral to the police"),
        (
            _(
                "You gave your consent for your case to be referred to the police. Until it "
                "is referred, you can take that consent back."
            ),
            _(
                "Without your consent, your case can be referred only if a risk to others has "
                "been recorded and two different people agree it is necessary to keep people "
                "safe."
            ),
        ),
        _("I withdraw my consent"),
        complainant_withdraw_referral_consent,
    ),
}


@require_http_methods(["GET", "POST"])
@complainant_page
def choice(request: HttpRequest, access: ComplainantAccess, kind: str) -> HttpResponse:
    if kind not in CHOICES:
        raise Http404
    title, lead, button, record = CHOICES[kind]
    error = ""
    if request.method == "POST":
        try:
            record(complainant=complainant_participant(access))
        except (InvalidInput, TransitionRefused) as exc:
            error = gettext(exc.message)
        else:
            return redirect("intake:my_report")
    context = {"title": title, "lead": lead, "button": button, "error": error}
    return render(request, "intake/choice.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@complainant_page
def change_advocate(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            advocate_change_request(complainant=complainant_participant(access))
        except (InvalidInput, TransitionRefused) as exc:
            error = gettext(exc.message)
        else:
            return redirect("intake:my_report")
    context = {
        "title": _("Ask for a different advocate"),
        "lead": (
            _(
                "You can ask for a different advocate once, without giving a reason. Someone "
                "else from the independent pool is chosen at random, and your current advocate "
                "no longer has access to your case."
            ),
        ),
        "button": _("Ask for a different advocate"),
        "error": error,
    }
    return render(request, "intake/choice.html", context, status=400 if error else 200)
