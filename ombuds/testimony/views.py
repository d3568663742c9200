"""Pages of collated testimony: the complainant's (agree, approve the text, withdraw),
her advocate's (prepare the anonymised text with her), and the public page of an
organisation's accounts. Her words are case content: never in a URL or a log, and kept
in the form when it comes back with an error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.guards import complainant_page
from ombuds.cases.participants import Participant, complainant_participant
from ombuds.cases.reads import read_record
from ombuds.lib.errors import NotFound, TransitionRefused
from ombuds.people.models import Organisation
from ombuds.people.session import ComplainantAccess
from ombuds.record.roles import Role
from ombuds.testimony import rules
from ombuds.testimony.forms import ApproveForm, ConsentForm, DraftForm
from ombuds.testimony.selectors import (
    approved_count,
    organisations_showing_testimony,
    shown_accounts,
)
from ombuds.testimony.services import (
    testimony_approve,
    testimony_consent,
    testimony_draft,
    testimony_withdraw,
)
from ombuds.testimony.standing import testimony_of

HANDLERS = (Role.ADVOCATE, Role.CASE_MANAGER, Role.INVESTIGATOR, Role.PANEL_MEMBER)


@sensitive_post_parameters("account")
@require_http_methods(["GET", "POST"])
@complainant_page
def mine(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Agree (with her own words), or approve her advocate's latest text."""
    participant = complainant_participant(access)
    view = testimony_of(participant)
    posted = request.POST if request.method == "POST" else None
    approving = posted is not None and "draft" in posted
    consent = ConsentForm(None if approving else posted)
    approve = ApproveForm(posted if approving else None, initial={"draft": view.state.drafts})
    if approving and approve.is_valid():
        try:
            testimony_approve(participant=participant, draft=approve.cleaned_data["draft"])
        except TransitionRefused as exc:
            approve.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Thank you. You approved your account."))
            return redirect("testimony:mine")
    elif posted is not None and not approving and consent.is_valid():
        try:
            testimony_consent(participant=participant, account=consent.cleaned_data["account"])
        except TransitionRefused as exc:
            consent.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Thank you. Your advocate will contact you."))
            return redirect("testimony:mine")
    context = {"view": view, "form": consent, "approve": approve, "minimum": rules.MINIMUM_ACCOUNTS,
               "shown": rules.shown(approved_count(participant.case.organisation))}  # fmt: skip
    failed = bool(consent.errors or approve.errors)
    return render(request, "testimony/mine.html", context, status=400 if failed else 200)


@require_POST
@complainant_page
def withdraw(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """She withdraws her consent: her account is no longer published."""
    try:
        testimony_withdraw(participant=complainant_participant(access))
    except TransitionRefused:
        pass  # nothing to withdraw (a second click): the page says where it stands
    else:
        messages.success(
            request, gettext("You withdrew your consent. Your account is not published.")
        )
    return redirect("testimony:mine")


def _prepare_context(participant: Participant) -> dict[str, Any]:
    view = testimony_of(participant)
    if view.state.consented:
        read_record(participant, what="testimony")  # opening her words is recorded
    return {"view": view}


@action_page(
    roles=frozenset({Role.ADVOCATE}),
    form=DraftForm,
    template="testimony/prepare.html",
    action="prepare her account",
    context=_prepare_context,
    sensitive=True,
)
def prepare(act: Action) -> str:
    """Her advocate prepares the anonymised text with her (a recorded read of her words)."""
    testimony_draft(
        participant=act.participant, text=act.data["text"], expected_version=act.version
    )
    return "The text is ready for the complainant to approve on her page."


@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    """Public: the organisations with at least the minimum of approved accounts."""
    context = {
        "organisations": organisations_showing_testimony(),
        "minimum": rules.MINIMUM_ACCOUNTS,
    }
    return render(request, "testimony/published_list.html", context)


@require_GET
def published(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=slug).first()
    accounts = shown_accounts(organisation) if organisation else None
    if organisation is None or accounts is None:
        raise NotFound("No published accounts for this organisation.")
    context = {"organisation": organisation, "accounts": accounts}
    return render(request, "testimony/published.html", context)
