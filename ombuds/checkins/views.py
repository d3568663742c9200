"""The check-in pages: the advocate records a check-in on a closed case; the complainant
answers it, says she wants no more, or moves to a linked case. Each parses input, calls
one service and renders; the complainant's answer is case content (never in a URL or a
log), and nothing she typed is lost when the form comes back with an error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.guards import complainant_page
from ombuds.cases.participants import Participant, complainant_participant
from ombuds.cases.read_models import case_state
from ombuds.checkins.forms import (
    SOMETHING,
    AnswerCheckInForm,
    DeclineCheckInsForm,
    LinkedCaseForm,
    RecordCheckInForm,
)
from ombuds.checkins.services import checkin_answer, checkin_record, checkins_decline
from ombuds.intake.status import linked_case_access
from ombuds.lib.errors import InvalidInput, NotFound, TransitionRefused
from ombuds.people.session import ComplainantAccess, complainant_case_hold
from ombuds.record import checkins as rules
from ombuds.record.roles import Role

ADVOCATE_ONLY = frozenset({Role.ADVOCATE})


def _record_context(participant: Participant) -> dict[str, Any]:
    state = case_state(participant.case.id, participant.case.organisation)
    return {
        "owed": rules.next_owed(state),
        "recordable": rules.recordable(state, timezone.now()),
        "early_days": rules.EARLY_DAYS,
    }


@action_page(
    roles=ADVOCATE_ONLY,
    form=RecordCheckInForm,
    template="checkins/record.html",
    action="record a check-in",
    context=_record_context,
    sensitive=True,
)
def record(act: Action) -> str:
    """The advocate checks in with the complainant (the earliest check-in owed)."""
    checkin_record(
        participant=act.participant, message=act.data["message"], expected_version=act.version
    )
    return "The check-in is recorded. The complainant is asked whether anything has happened."


@sensitive_post_parameters("account")
@require_http_methods(["GET", "POST"])
@complainant_page
@sensitive_variables()
def answer(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Her answer to a check-in: nothing has happened, or something has (a new case)."""
    participant = complainant_participant(access)
    waiting = rules.to_answer(case_state(participant.case.id, participant.case.organisation))
    if request.method == "GET":
        if waiting is None:
            return redirect("intake:my_report")
        form = AnswerCheckInForm(initial={"checkin": waiting.number})
        return render(request, "checkins/answer.html", {"form": form})
    form = AnswerCheckInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = checkin_answer(
                participant=participant,
                number=data["checkin"],
                something_happened=data["happened"] == SOMETHING,
                account=data["account"],
            )
        except InvalidInput as exc:
            form.add_error("account", exc.message)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if new is None:
                messages.success(request, gettext("Thank you. Your answer has been recorded."))
            else:
                messages.success(
                    request,
                    gettext(
                        "Thank you. We have opened a new case, %(reference)s, linked to this "
                        "one. Your advocate will be in touch."
                    )
                    % {"reference": new.reference},
                )
            return redirect("intake:my_report")
    return render(request, "checkins/answer.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
@complainant_page
def decline(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """She has left the organisation, or wants no more check-ins."""
    participant = complainant_participant(access)
    if not rules.may_decline(case_state(participant.case.id, participant.case.organisation)):
        return redirect("intake:my_report")
    form = DeclineCheckInsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                checkins_decline(participant=participant, why=form.cleaned_data["why"])
            except (InvalidInput, TransitionRefused) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, gettext("Your advocate will not check in with you any more.")
                )
                return redirect("intake:my_report")
        return render(request, "checkins/decline.html", {"form": form}, status=400)
    return render(request, "checkins/decline.html", {"form": form})


@require_POST
@complainant_page
def linked(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """Go to another of her cases linked to this one, with the same receipt or account."""
    form = LinkedCaseForm(request.POST)
    if not form.is_valid():
        raise NotFound("No such case.")
    complainant_case_hold(request, linked_case_access(access, form.cleaned_data["reference"]))
    return redirect("intake:my_report")
