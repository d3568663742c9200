"""The parties' own pages: the delay register of their case, in plain words, and the
complainant's "Ask for an update"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from ombuds.cases.guards import complainant_page, respondent_page
from ombuds.cases.participants import Participant, complainant_participant
from ombuds.deadlines.selectors import delay_register
from ombuds.deadlines.updates import may_ask, pending_request, update_request
from ombuds.lib.errors import TransitionRefused
from ombuds.people.session import ComplainantAccess
from ombuds.timetable.schedule import working_days_for


def _page(
    request: HttpRequest, participant: Participant, *, mine: bool, error: str = ""
) -> HttpResponse:
    case = participant.case
    now = timezone.now()
    context = {
        "register": delay_register(case),
        "complainant": mine,
        "can_ask": mine and may_ask(case, now),
        "pending": pending_request(case) if mine else None,
        "update_days": working_days_for(case.organisation, "party_update"),
        "error": error,
    }
    return render(request, "deadlines/party_delays.html", context, status=400 if error else 200)


@complainant_page
@require_GET
def complainant_delays(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    return _page(request, complainant_participant(access), mine=True)


@complainant_page
@require_POST
def ask_for_update(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    participant = complainant_participant(access)
    try:
        update_request(participant=participant)
    except TransitionRefused as exc:
        return _page(request, participant, mine=True, error=exc.message)
    messages.success(request, gettext("You have asked for an update. Your advocate has been told."))
    return redirect("deadlines:complainant_delays")


@respondent_page
@require_GET
def respondent_delays(request: HttpRequest, participant: Participant) -> HttpResponse:
    return _page(request, participant, mine=False)
