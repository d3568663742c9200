"""The pages of interim measures: the investigator proposes, the case manager approves and
reviews (the respondent's own page is in party_views)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.cases.guards import handler_on_case
from ombuds.cases.models import Case
from ombuds.cases.participants import handler_participant
from ombuds.cases.reads import read_record
from ombuds.cases.services import case_parties
from ombuds.investigation.forms import (
    ApproveMeasureForm,
    ProposeMeasureForm,
    ReviewMeasureForm,
)
from ombuds.investigation.measure_selectors import measure_view, measure_views
from ombuds.investigation.measures import (
    measure_approve,
    measure_propose,
    measure_review,
)
from ombuds.investigation.views import investigation_action, prefilled_form
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.views import end_lost_session, role_required
from ombuds.record.roles import Role

MEASURE_ROLES = frozenset({Role.INVESTIGATOR, Role.CASE_MANAGER})


CASE_MANAGER = frozenset({Role.CASE_MANAGER})


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest, reference: str) -> HttpResponse:
    """Every interim measure on the case; the investigator proposes one here."""
    participant = handler_on_case(
        request,
        reference,
        MEASURE_ROLES,
        "Only the investigator and the case manager deal with interim measures.",
    )
    if participant is None:
        return end_lost_session(request)
    measures = measure_views(participant)
    if measures:
        read_record(participant, what="measures")
    context = {
        "case": participant.case,
        "measures": measures,
        "can_propose": participant.role == Role.INVESTIGATOR,
        "can_decide": participant.role == Role.CASE_MANAGER,
    }
    if participant.role != Role.INVESTIGATOR:
        if request.method == "POST":
            raise NotPermitted("Only the investigator proposes interim measures.")
        return render(request, "investigation/measures.html", context)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        number = measure_propose(
            participant=handler_participant(person, case, key),
            kind=data["kind"],
            review_date=data["review_date"],
            reason=data["reason"],
            details=data["details"],
            expected_version=data["version"],
        )
        return (
            f"Interim measure {number} has been proposed. It takes effect once a case "
            "manager approves it."
        )

    return investigation_action(
        request,
        participant,
        form_class=ProposeMeasureForm,
        template="investigation/measures.html",
        run=run,
        context=context,
    )


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def measure_approve_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    participant = handler_on_case(
        request, reference, CASE_MANAGER, "Only a case manager approves interim measures."
    )
    if participant is None:
        return end_lost_session(request)
    view = measure_view(participant, number)
    name = str(case_parties(participant).get("respondent_name", ""))

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        measure_approve(
            participant=handler_participant(person, case, key),
            measure=number,
            respondent_name=data["respondent_name"],
            expected_version=data["version"],
        )
        return (
            f"Interim measure {number} is in force. The respondent has been sent it and the "
            "organisation has been told what to put in place."
        )

    return investigation_action(
        request,
        participant,
        form_class=prefilled_form(ApproveMeasureForm, {"respondent_name": name}),
        template="investigation/measure_approve.html",
        run=run,
        context={"measure": view, "proposed": view.status == "proposed"},
    )


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def measure_review_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    participant = handler_on_case(
        request, reference, CASE_MANAGER, "Only a case manager reviews interim measures."
    )
    if participant is None:
        return end_lost_session(request)
    view = measure_view(participant, number)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        measure_review(
            participant=handler_participant(person, case, key),
            measure=number,
            outcome=data["outcome"],
            reason=data["reason"],
            review_date=data["review_date"],
            expected_version=data["version"],
        )
        done = "continued" if data["outcome"] == "continued" else "lifted"
        return (
            f"Interim measure {number} has been {done}. The respondent and the organisation "
            "have been told."
        )

    return investigation_action(
        request,
        participant,
        form_class=ReviewMeasureForm,
        template="investigation/measure_review.html",
        run=run,
        context={"measure": view, "in_force": view.status in {"approved", "continued"}},
    )
