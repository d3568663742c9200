"""Pages of the matching escrow: the person's own entries, and the counsellor's matches."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.guards import complainant_page
from ombuds.escrow.counselling import match_open, person_contact
from ombuds.escrow.forms import DecisionForm, EntryForm, MessageForm
from ombuds.escrow.identifiers import IdentifierRefused
from ombuds.escrow.selectors import match_list, own_entries
from ombuds.escrow.services import escrow_decide, escrow_entry_add, escrow_entry_withdraw, own_entry
from ombuds.lib.errors import InvalidInput
from ombuds.people.session import ComplainantAccess, session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_page
@sensitive_variables()
def mine(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    form = EntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                escrow_entry_add(
                    access=access,
                    identifiers=form.identifiers(),
                    account=form.cleaned_data["account"],
                )
            except InvalidInput as exc:
                form.add_error(_field_for(exc), exc.message)
            else:
                messages.success(
                    request,
                    gettext(
                        "Your entry is held, sealed. Nobody can read it unless someone else "
                        "names the same person."
                    ),
                )
                return redirect("escrow:mine")
        status = 400
    context = _mine_context(access, form=form)
    return render(request, "escrow/mine.html", context, status=status)


def _mine_context(
    access: ComplainantAccess,
    *,
    form: EntryForm,
    failed: tuple[uuid.UUID, DecisionForm] | None = None,
) -> dict[str, Any]:
    """Her entries, each awaiting a decision with a form of its own (the one she just sent
    without a choice keeps its error), and the form for a new entry."""
    rows = []
    for own in own_entries(access):
        if failed is not None and own.entry.id == failed[0]:
            rows.append((own, failed[1]))
        else:
            rows.append((own, DecisionForm(auto_id=_decision_ids(own.entry.id))))
    return {
        "form": form,
        "summary_form": failed[1] if failed is not None else form,
        "entries": rows,
        "threshold": settings.OMBUDS_ESCROW_THRESHOLD,
    }


def _decision_ids(entry_id: uuid.UUID) -> str:
    # One form for each entry awaiting a decision: ids must not repeat on the page.
    return f"id_{entry_id.hex[:12]}_%s"


def _field_for(error: InvalidInput) -> str | None:
    """The form field an error belongs to: the refused identifier's, or the account's."""
    if isinstance(error, IdentifierRefused):
        return error.kind or "name"
    return None if "counsellor" in error.message or "at least one" in error.message else "account"


@require_POST
@complainant_page
def withdraw(request: HttpRequest, access: ComplainantAccess, entry_id: uuid.UUID) -> HttpResponse:
    escrow_entry_withdraw(access=access, entry_id=entry_id)
    messages.success(request, gettext("Your entry is withdrawn. It will never be part of a match."))
    return redirect("escrow:mine")


@require_POST
@complainant_page
def decide(request: HttpRequest, access: ComplainantAccess, entry_id: uuid.UUID) -> HttpResponse:
    own_entry(access, entry_id)  # someone else's entry: 404 before anything else
    form = DecisionForm(request.POST, auto_id=_decision_ids(entry_id))
    if not form.is_valid():
        context = _mine_context(access, form=EntryForm(), failed=(entry_id, form))
        return render(request, "escrow/mine.html", context, status=400)
    escrow_decide(access=access, entry_id=entry_id, decision=form.cleaned_data["decision"])
    if form.cleaned_data["decision"] == "go_on":
        return redirect("intake:my_report")  # where her entry's words now are
    messages.success(request, gettext("Your entry stays as it is."))
    return redirect("escrow:mine")


@role_required(Role.MATCHING_COUNSELLOR)
@require_GET
def matches(request: HttpRequest) -> HttpResponse:
    return render(request, "escrow/matches.html", {"rows": match_list()})


@role_required(Role.MATCHING_COUNSELLOR)
@require_GET
def match(request: HttpRequest, match_id: uuid.UUID) -> HttpResponse:
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    try:
        opened = match_open(
            counsellor=person_of(request), private_key=private_key, match_id=match_id
        )
    except InvalidInput as exc:
        return render(
            request, "escrow/match.html", {"match_id": match_id, "refused": exc.message}, status=409
        )
    context = {"match_id": match_id, "entries": opened, "form": MessageForm()}
    return render(request, "escrow/match.html", context)


@sensitive_post_parameters()
@role_required(Role.MATCHING_COUNSELLOR)
@require_POST
def contact(request: HttpRequest, match_id: uuid.UUID, entry_id: uuid.UUID) -> HttpResponse:
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    counsellor = person_of(request)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            person_contact(
                counsellor=counsellor,
                private_key=private_key,
                match_id=match_id,
                entry_id=entry_id,
                message=form.cleaned_data["message"],
            )
        except InvalidInput as exc:
            form.add_error("message", exc.message)
        else:
            messages.success(
                request, gettext("Your message was sent. The person decides whether to go on.")
            )
            return redirect("escrow:match", match_id=match_id)
    opened = match_open(counsellor=counsellor, private_key=private_key, match_id=match_id)
    context = {"match_id": match_id, "entries": opened, "form": form, "failed_entry": entry_id}
    return render(request, "escrow/match.html", context, status=400)
