"""The pages of interim measures: the investigator proposes, the case manager approves and
reviews (the respondent's own page is in party_views)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.participants import Participant
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
from ombuds.investigation.views import prefilled_form
from ombuds.record.roles import Role

MEASURE_ROLES = frozenset({Role.INVESTIGATOR, Role.CASE_MANAGER})
INVESTIGATOR = frozenset({Role.INVESTIGATOR})


CASE_MANAGER = frozenset({Role.CASE_MANAGER})


def _measures_context(participant: Participant) -> dict[str, Any]:
    measures = measure_views(participant)
    if measures:
        read_record(participant, what="measures")
    return {
        "measures": measures,
        "can_propose": participant.role == Role.INVESTIGATOR,
        "can_decide": participant.role == Role.CASE_MANAGER,
    }


@action_page(
    roles=MEASURE_ROLES,
    refusal="Only the investigator and the case manager deal with interim measures.",
    acting=(INVESTIGATOR, "Only the investigator proposes interim measures."),
    form=ProposeMeasureForm,
    template="investigation/measures.html",
    action="propose an interim measure",
    context=_measures_context,
    sensitive=True,
)
def measures(act: Action) -> str:
    """Every interim measure on the case; the investigator proposes one here."""
    number = measure_propose(
        participant=act.participant,
        kind=act.data["kind"],
        review_date=act.data["review_date"],
        reason=act.data["reason"],
        details=act.data["details"],
        expected_version=act.version,
    )
    return (
        f"Interim measure {number} has been proposed. It takes effect once a case "
        "manager approves it."
    )


def _approve_context(participant: Participant, number: int) -> dict[str, Any]:
    view = measure_view(participant, number)
    name = str(case_parties(participant).get("respondent_name", ""))
    return {"measure": view, "proposed": view.status == "proposed", "respondent_name": name}


def _approve_form(participant: Participant, context: Mapping[str, Any]) -> type[Any]:
    return prefilled_form(ApproveMeasureForm, {"respondent_name": context["respondent_name"]})


@action_page(
    roles=CASE_MANAGER,
    refusal="Only a case manager approves interim measures.",
    form=_approve_form,
    template="investigation/measure_approve.html",
    action="approve an interim measure",
    context=_approve_context,
    sensitive=True,
)
def measure_approve_page(act: Action) -> str:
    number = act.url["number"]
    measure_approve(
        participant=act.participant,
        measure=number,
        respondent_name=act.data["respondent_name"],
        expected_version=act.version,
    )
    return (
        f"Interim measure {number} is in force. The respondent has been sent it and the "
        "organisation has been told what to put in place."
    )


def _review_context(participant: Participant, number: int) -> dict[str, Any]:
    view = measure_view(participant, number)
    return {"measure": view, "in_force": view.status in {"approved", "continued"}}


@action_page(
    roles=CASE_MANAGER,
    refusal="Only a case manager reviews interim measures.",
    form=ReviewMeasureForm,
    template="investigation/measure_review.html",
    action="review an interim measure",
    context=_review_context,
    sensitive=True,
)
def measure_review_page(act: Action) -> str:
    number = act.url["number"]
    measure_review(
        participant=act.participant,
        measure=number,
        outcome=act.data["outcome"],
        reason=act.data["reason"],
        review_date=act.data["review_date"],
        expected_version=act.version,
    )
    done = "continued" if act.data["outcome"] == "continued" else "lifted"
    return (
        f"Interim measure {number} has been {done}. The respondent and the organisation "
        "have been told."
    )
