"""Handlers' pages of the investigation and of interim measures (/cases/<reference>/...).

Each loads the case only if the handler is assigned to it (404 otherwise), then checks
her role (403), then runs one service through `action_page`, which keeps what was typed
when a service refuses. The parties' pages are in `party_views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.guards import handler_on_case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_state
from ombuds.cases.reads import read_record
from ombuds.investigation.forms import (
    DeclinedForm,
    InterviewForm,
    findings_from,
    report_form,
    report_prefill,
)
from ombuds.investigation.rules import COMMENT_WORKING_DAYS, STANDARD_EXPLAINED
from ombuds.investigation.selectors import (
    declinations_read,
    drafts_read,
    evidence_list,
    final_findings,
    interview_read,
    interviews_for,
)
from ombuds.investigation.services import (
    DRAFT_BEFORE_HEARD,
    draft_report_share,
    findings_record,
    findings_refusal,
    interview_declined_record,
    interview_record,
)
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import HANDLER_ROLES
from ombuds.people.views import end_lost_session, role_required
from ombuds.record.outcomes import OUTCOMES
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from ombuds.respondents.services import disclosed_allegations

INVESTIGATOR = frozenset({Role.INVESTIGATOR})


# --- Handlers' pages ---------------------------------------------------------------------


def prefilled_form(form_class: type[forms.Form], values: dict[str, Any]) -> type[Any]:
    """The form class with `values` as initial data (the version still comes first)."""

    class Prefilled(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initial"] = {**values, **(kwargs.get("initial") or {})}
            super().__init__(*args, **kwargs)

    return Prefilled


@role_required(*HANDLER_ROLES)
@require_GET
def interviews(request: HttpRequest, reference: str) -> HttpResponse:
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator sees the interviews."
    )
    if participant is None:
        return end_lost_session(request)
    state = case_state(participant.case.id)
    context = {
        "case": participant.case,
        "interviews": interviews_for(participant),
        "declinations": declinations_read(participant),
        "told": state.facts.respondent_told_allegations,
        "investigating": state.stage == Stage.INVESTIGATION,
    }
    return render(request, "investigation/interviews.html", context)


@action_page(
    roles=INVESTIGATOR,
    refusal="Only the investigator records interviews.",
    form=InterviewForm,
    template="investigation/interview_record.html",
    action="record an interview",
    sensitive=True,
)
def interview_record_page(act: Action) -> str:
    number = interview_record(
        participant=act.participant,
        interviewee=act.data["interviewee"],
        notes=act.data["notes"],
        held_on=act.data["held_on"],
        witness=act.data["witness"],
        expected_version=act.version,
    )
    return f"The notes of interview {number} have been recorded."


@role_required(*HANDLER_ROLES)
@require_GET
def interview_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator sees the interviews."
    )
    if participant is None:
        return end_lost_session(request)
    interview = interview_read(participant, number)
    read_record(participant, what=f"interview:{number}")
    context = {"case": participant.case, "interview": interview}
    return render(request, "investigation/interview.html", context)


def _declined_context(participant: Participant) -> dict[str, Any]:
    return {"told": case_state(participant.case.id).facts.respondent_told_allegations}


@action_page(
    roles=INVESTIGATOR,
    refusal="Only the investigator records a declined interview.",
    form=DeclinedForm,
    template="investigation/interview_declined.html",
    action="record a declined interview",
    context=_declined_context,
    sensitive=True,
)
def interview_declined_page(act: Action) -> str:
    interview_declined_record(
        participant=act.participant,
        offered=act.data["offered"],
        answer=act.data["answer"],
        expected_version=act.version,
    )
    return "The declined opportunity to be interviewed has been recorded."


@role_required(*HANDLER_ROLES)
@require_GET
def evidence(request: HttpRequest, reference: str) -> HttpResponse:
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator sees the evidence list."
    )
    if participant is None:
        return end_lost_session(request)
    files = evidence_list(participant)
    read_record(participant, what="evidence")
    context = {
        "case": participant.case,
        "files": files,
        "interviews": interviews_for(participant),
    }
    return render(request, "investigation/evidence.html", context)


def _allegations(participant: Participant) -> list[str]:
    try:
        return disclosed_allegations(participant)
    except NotPermitted:
        return []


def _report_context(participant: Participant) -> dict[str, Any]:
    """What the report pages show: the standard of proof, the allegations, and the drafts
    so far with their comments (reading them is recorded)."""
    drafts = drafts_read(participant)
    if drafts:
        read_record(participant, what="draft_report")
    return {
        "standard": STANDARD_EXPLAINED,
        "outcomes": OUTCOMES,
        "drafts": drafts,
        "allegations": _allegations(participant),
    }


def _report_form(participant: Participant, context: Mapping[str, Any]) -> type[Any]:
    """The report form for this case's allegations, filled from the latest draft."""
    drafts = context["drafts"]
    return prefilled_form(
        report_form(context["allegations"]), report_prefill(drafts[-1] if drafts else None)
    )


def _draft_context(participant: Participant) -> dict[str, Any]:
    context = _report_context(participant)
    state = case_state(participant.case.id)
    refusal = None
    if state.stage != Stage.INVESTIGATION:
        refusal = "A draft report is shared while the investigation is open."
    elif not (state.facts.respondent_told_allegations and context["allegations"]):
        refusal = "Disclose the allegations to the respondent before writing a draft report."
    elif not (state.facts.respondent_interviewed or state.facts.respondent_declined_interview):
        refusal = DRAFT_BEFORE_HEARD
    return {**context, "refusal": refusal}


@action_page(
    roles=INVESTIGATOR,
    refusal="Only the investigator writes the draft report.",
    form=_report_form,
    template="investigation/draft_report.html",
    action="share a draft report",
    context=_draft_context,
    sensitive=True,
)
def draft_report(act: Action) -> str:
    """The drafts shared so far with the parties' comments, and a new draft to share."""
    number = draft_report_share(
        participant=act.participant,
        findings=findings_from(act.data, len(act.context["allegations"])),
        summary=act.data["summary"],
        expected_version=act.version,
    )
    return f"Draft {number} has been shared with the complainant and the respondent for comment."


def _findings_context(participant: Participant) -> dict[str, Any]:
    context = _report_context(participant)
    final = final_findings(participant)
    if final is not None:
        read_record(participant, what="findings")
    return {
        **context,
        "final": final,
        "refusal": None if final else findings_refusal(participant),
        "window": COMMENT_WORKING_DAYS,
    }


@action_page(
    roles=INVESTIGATOR,
    refusal="Only the investigator records the findings.",
    form=_report_form,
    template="investigation/findings.html",
    action="record the findings",
    context=_findings_context,
    sensitive=True,
)
def findings(act: Action) -> str:
    """The final findings: refused, with the due-process sentence, until the respondent has
    been heard and a draft has been shared for comment."""
    findings_record(
        participant=act.participant,
        findings=findings_from(act.data, len(act.context["allegations"])),
        summary=act.data["summary"],
        expected_version=act.version,
    )
    return "The findings are final. The panel, the complainant and the respondent can read them."
