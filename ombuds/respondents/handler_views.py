"""Handlers' pages about the respondent: invite her, disclose the allegations, read her
side of the case and her evidence."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.guards import handler_on_case
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.services import case_read
from ombuds.cases.views import ACCOUNT_QUESTIONS
from ombuds.lib.errors import (
    NotPermitted,
)
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.views import end_lost_session, role_required
from ombuds.record import events
from ombuds.respondents.evidence import (
    READERS,
    respondent_file_read,
)
from ombuds.respondents.forms import (
    REDACTION_HINT,
    AllegationsForm,
    InviteForm,
    allegations_initial,
)
from ombuds.respondents.services import (
    DISCLOSERS,
    INVITERS,
    allegations_disclose,
    disclosed_allegations,
    disclosure_refusal,
    respondent_invite,
    respondent_invited,
)
from ombuds.respondents.views import evidence_download


def _join_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("respondents:join"))


def _invite_context(participant: Participant) -> dict[str, Any]:
    return {"invited": respondent_invited(participant.case)}


@action_page(
    roles=INVITERS,
    refusal="Only the case manager or the investigator can invite the respondent.",
    form=InviteForm,
    template="respondents/invite.html",
    action="invite the respondent",
    context=_invite_context,
)
@sensitive_variables()
def invite(act: Action) -> HttpResponse:
    """Explain; POST invites the respondent and shows the invitation code, once, in the
    response itself (it is stored nowhere, not even wrapped in the session)."""
    invitation = respondent_invite(participant=act.participant, expected_version=act.version)
    # Waits for the case page: this one shows the code, and nothing else is kept of it.
    messages.success(
        act.request,
        "The respondent has been invited. Their invitation code cannot be shown again.",
    )
    context = {
        "case": act.participant.case,
        "code": invitation.code,
        "join_url": _join_url(act.request),
    }
    page = render(act.request, "respondents/invited.html", context)
    page["Cache-Control"] = "no-store"
    return page


def _account(person: User, case: Case, key: bytes) -> dict[str, Any]:
    """The complainant's account and later additions, for the investigator's reference
    (reading them is recorded, as on the case page)."""
    entries = case_read(actor=person, case=case, private_key=key)
    account = entries[0].content if entries and entries[0].type == events.SUBMITTED.type else {}
    return {
        "account": [(label, account.get(name, "")) for name, label in ACCOUNT_QUESTIONS],
        "added": [
            (e.recorded_at, e.content.get("text", ""))
            for e in entries
            if e.type == events.INFORMATION_ADDED.type
        ],
    }


def _allegations_page(
    request: HttpRequest,
    person: User,
    case: Case,
    key: bytes,
    form: AllegationsForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "hint": REDACTION_HINT,
        "refusal": disclosure_refusal(case),
        **_account(person, case, key),
    }
    return render(request, "respondents/disclose.html", context, status=status)


def _latest(person: User, case: Case, key: bytes) -> list[str]:
    try:
        return disclosed_allegations(handler_participant(person, case, key))
    except NotPermitted:
        return []


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def disclose(request: HttpRequest, reference: str) -> HttpResponse:
    """Write the allegations (GET starts from the latest disclosure, to amend it); POST
    "add" gives one more field, "change" shows the typed text again, anything else checks
    it and shows exactly what the respondent will read. Nothing is stored here."""
    refusal = "Only the investigator can disclose the allegations."
    participant = handler_on_case(request, reference, DISCLOSERS, refusal)
    if participant is None or participant.person is None or participant.private_key is None:
        return end_lost_session(request)
    person, case, key = participant.person, participant.case, participant.private_key
    if request.method == "GET":
        initial = allegations_initial(_latest(person, case, key), case.version)
        return _allegations_page(request, person, case, key, AllegationsForm(initial=initial))
    form = AllegationsForm(request.POST)
    if "add" in request.POST or "change" in request.POST:
        extra = 1 if "add" in request.POST else 0
        initial = allegations_initial(form.typed(), request.POST.get("version", ""))
        fresh = AllegationsForm(initial=initial, count=form.count + extra)
        return _allegations_page(request, person, case, key, fresh)
    if not form.is_valid():
        return _allegations_page(request, person, case, key, form, status=400)
    return render(request, "respondents/disclose_check.html", {"case": case, "form": form})


@action_page(
    roles=DISCLOSERS,
    refusal="Only the investigator can disclose the allegations.",
    form=AllegationsForm,
    template="respondents/disclose_check.html",
    action="disclose the allegations",
    post_only=True,
    sensitive=True,
)
@sensitive_variables()
def disclose_send(act: Action) -> str:
    """Disclose the checked allegations (carried in hidden fields). A refusal shows the
    check page again with the reason, everything typed kept."""
    allegations_disclose(
        participant=act.participant,
        allegations=act.data["allegations"],
        expected_version=act.version,
    )
    return "The allegations have been disclosed to the respondent in writing."


def _reader(request: HttpRequest, reference: str) -> Participant | None:
    """A handler who may read the respondent's side of this case, with her key."""
    refusal = "Only the case manager, the investigator or the panel can read this."
    return handler_on_case(request, reference, READERS, refusal)


@role_required(*HANDLER_ROLES)
@require_GET
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    """The allegations as disclosed, her responses and witnesses, and her evidence."""
    participant = _reader(request, reference)
    if participant is None:
        return end_lost_session(request)
    context = {"case": participant.case, "file": respondent_file_read(participant=participant)}
    return render(request, "respondents/overview.html", context)


@role_required(*HANDLER_ROLES)
@require_GET
def case_evidence(
    request: HttpRequest, reference: str, attachment_id: uuid.UUID, original: bool = False
) -> HttpResponse:
    participant = _reader(request, reference)
    if participant is None:
        return end_lost_session(request)
    return evidence_download(participant, attachment_id, original)
