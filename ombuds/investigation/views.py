"""Handlers' pages of the investigation and of interim measures (/cases/<reference>/...).

Each loads the case only if the handler is assigned to it (404 otherwise), then checks
her role (403), then runs one service through `action_page`, which keeps what was typed
when a service refuses. The parties' pages are in `party_views`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.action_views import action_page
from ombuds.cases.guards import handler_on_case
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant
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
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.views import end_lost_session, role_required
from ombuds.record.outcomes import OUTCOMES
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from ombuds.respondents.services import disclosed_allegations

INVESTIGATOR = frozenset({Role.INVESTIGATOR})
Run = Callable[[User, Case, dict[str, Any], bytes | None], str]


# --- Handlers' pages ---------------------------------------------------------------------


def prefilled_form(form_class: type[forms.Form], values: dict[str, Any]) -> type[Any]:
    """The form class with `values` as initial data (the version still comes first)."""

    class Prefilled(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initial"] = {**values, **(kwargs.get("initial") or {})}
            super().__init__(*args, **kwargs)

    return Prefilled


def investigation_action(
    request: HttpRequest,
    participant: Participant,
    *,
    form_class: type[Any],
    template: str,
    run: Run,
    context: dict[str, Any],
) -> HttpResponse:
    return action_page(
        request,
        participant.case.reference,
        action="do this",
        roles=frozenset({participant.role}),
        form_class=form_class,
        template=template,
        run=run,
        needs_key=True,
        context=context,
    )


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


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def interview_record_page(request: HttpRequest, reference: str) -> HttpResponse:
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator records interviews."
    )
    if participant is None:
        return end_lost_session(request)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        number = interview_record(
            participant=handler_participant(person, case, key),
            interviewee=data["interviewee"],
            notes=data["notes"],
            held_on=data["held_on"],
            witness=data["witness"],
            expected_version=data["version"],
        )
        return f"The notes of interview {number} have been recorded."

    return investigation_action(
        request,
        participant,
        form_class=InterviewForm,
        template="investigation/interview_record.html",
        run=run,
        context={},
    )


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


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def interview_declined_page(request: HttpRequest, reference: str) -> HttpResponse:
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator records a declined interview."
    )
    if participant is None:
        return end_lost_session(request)
    told = case_state(participant.case.id).facts.respondent_told_allegations

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        interview_declined_record(
            participant=handler_participant(person, case, key),
            offered=data["offered"],
            answer=data["answer"],
            expected_version=data["version"],
        )
        return "The declined opportunity to be interviewed has been recorded."

    return investigation_action(
        request,
        participant,
        form_class=DeclinedForm,
        template="investigation/interview_declined.html",
        run=run,
        context={"told": told},
    )


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


def _report_form(participant: Participant) -> tuple[type[Any], dict[str, Any]]:
    """The report form for this case's allegations, filled from the latest draft, and the
    page's context: the standard of proof and the drafts so far with their comments."""
    allegations = _allegations(participant)
    drafts = drafts_read(participant)
    if drafts:
        read_record(participant, what="draft_report")
    form_class = prefilled_form(
        report_form(allegations), report_prefill(drafts[-1] if drafts else None)
    )
    context = {
        "standard": STANDARD_EXPLAINED,
        "outcomes": OUTCOMES,
        "drafts": drafts,
        "allegations": allegations,
    }
    return form_class, context


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def draft_report(request: HttpRequest, reference: str) -> HttpResponse:
    """The drafts shared so far with the parties' comments, and a new draft to share."""
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator writes the draft report."
    )
    if participant is None:
        return end_lost_session(request)
    form_class, context = _report_form(participant)
    allegations = context["allegations"]
    state = case_state(participant.case.id)
    refusal = None
    if state.stage != Stage.INVESTIGATION:
        refusal = "A draft report is shared while the investigation is open."
    elif not (state.facts.respondent_told_allegations and allegations):
        refusal = "Disclose the allegations to the respondent before writing a draft report."
    elif not (state.facts.respondent_interviewed or state.facts.respondent_declined_interview):
        refusal = DRAFT_BEFORE_HEARD

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        number = draft_report_share(
            participant=handler_participant(person, case, key),
            findings=findings_from(data, len(allegations)),
            summary=data["summary"],
            expected_version=data["version"],
        )
        return (
            f"Draft {number} has been shared with the complainant and the respondent for comment."
        )

    return investigation_action(
        request,
        participant,
        form_class=form_class,
        template="investigation/draft_report.html",
        run=run,
        context={**context, "refusal": refusal},
    )


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def findings(request: HttpRequest, reference: str) -> HttpResponse:
    """The final findings: refused, with the due-process sentence, until the respondent has
    been heard and a draft has been shared for comment."""
    participant = handler_on_case(
        request, reference, INVESTIGATOR, "Only the investigator records the findings."
    )
    if participant is None:
        return end_lost_session(request)
    form_class, context = _report_form(participant)
    allegations = context["allegations"]
    final = final_findings(participant)
    if final is not None:
        read_record(participant, what="findings")

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        findings_record(
            participant=handler_participant(person, case, key),
            findings=findings_from(data, len(allegations)),
            summary=data["summary"],
            expected_version=data["version"],
        )
        return (
            "The findings are final. The panel, the complainant and the respondent can read them."
        )

    return investigation_action(
        request,
        participant,
        form_class=form_class,
        template="investigation/findings.html",
        run=run,
        context={
            **context,
            "final": final,
            "refusal": None if final else findings_refusal(participant),
            "window": COMMENT_WORKING_DAYS,
        },
    )
