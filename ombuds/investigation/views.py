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

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.read_models import case_state
from ombuds.cases.reads import read_record
from ombuds.cases.selectors import case_for_handler
from ombuds.cases.services import case_parties
from ombuds.cases.views import action_page
from ombuds.investigation.forms import (
    ApproveMeasureForm,
    DeclinedForm,
    InterviewForm,
    ProposeMeasureForm,
    ReviewMeasureForm,
    findings_from,
    report_form,
    report_prefill,
)
from ombuds.investigation.measures import (
    measure_approve,
    measure_propose,
    measure_review,
)
from ombuds.investigation.rules import (
    COMMENT_WORKING_DAYS,
    OUTCOMES,
    STANDARD_EXPLAINED,
)
from ombuds.investigation.selectors import (
    declinations_read,
    drafts_read,
    evidence_list,
    final_findings,
    interview_read,
    interviews_for,
    measure_view,
    measure_views,
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
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from ombuds.respondents.services import disclosed_allegations
from ombuds.web.session import session_private_key

MEASURE_ROLES = frozenset({Role.INVESTIGATOR, Role.CASE_MANAGER})
INVESTIGATOR = frozenset({Role.INVESTIGATOR})
CASE_MANAGER = frozenset({Role.CASE_MANAGER})
Run = Callable[[User, Case, dict[str, Any], bytes | None], str]


# --- Handlers' pages ---------------------------------------------------------------------


def _participant(
    request: HttpRequest, reference: str, roles: frozenset[Role], refusal: str
) -> Participant | None:
    """The handler on this case (404 if she is not on it) in one of `roles` (else 403);
    None if her session can no longer open her key."""
    person = person_of(request)
    case = case_for_handler(person, reference)
    if Role(person.role) not in roles:
        raise NotPermitted(refusal)
    key = session_private_key(request)
    return handler_participant(person, case, key) if key is not None else None


def _prefilled(form_class: type[forms.Form], values: dict[str, Any]) -> type[Any]:
    """The form class with `values` as initial data (the version still comes first)."""

    class Prefilled(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initial"] = {**values, **(kwargs.get("initial") or {})}
            super().__init__(*args, **kwargs)

    return Prefilled


def _action(
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


def _on(person: User, case: Case, key: bytes | None) -> Participant:
    return handler_participant(person, case, key)


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest, reference: str) -> HttpResponse:
    """Every interim measure on the case; the investigator proposes one here."""
    participant = _participant(
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
            participant=_on(person, case, key),
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

    return _action(
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
    participant = _participant(
        request, reference, CASE_MANAGER, "Only a case manager approves interim measures."
    )
    if participant is None:
        return end_lost_session(request)
    view = measure_view(participant, number)
    name = str(case_parties(participant).get("respondent_name", ""))

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        measure_approve(
            participant=_on(person, case, key),
            measure=number,
            respondent_name=data["respondent_name"],
            expected_version=data["version"],
        )
        return (
            f"Interim measure {number} is in force. The respondent has been sent it and the "
            "organisation has been told what to put in place."
        )

    return _action(
        request,
        participant,
        form_class=_prefilled(ApproveMeasureForm, {"respondent_name": name}),
        template="investigation/measure_approve.html",
        run=run,
        context={"measure": view, "proposed": view.status == "proposed"},
    )


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
def measure_review_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    participant = _participant(
        request, reference, CASE_MANAGER, "Only a case manager reviews interim measures."
    )
    if participant is None:
        return end_lost_session(request)
    view = measure_view(participant, number)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        measure_review(
            participant=_on(person, case, key),
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

    return _action(
        request,
        participant,
        form_class=ReviewMeasureForm,
        template="investigation/measure_review.html",
        run=run,
        context={"measure": view, "in_force": view.status in {"approved", "continued"}},
    )


@role_required(*HANDLER_ROLES)
@require_GET
def interviews(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(
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
    participant = _participant(
        request, reference, INVESTIGATOR, "Only the investigator records interviews."
    )
    if participant is None:
        return end_lost_session(request)

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        number = interview_record(
            participant=_on(person, case, key),
            interviewee=data["interviewee"],
            notes=data["notes"],
            held_on=data["held_on"],
            witness=data["witness"],
            expected_version=data["version"],
        )
        return f"The notes of interview {number} have been recorded."

    return _action(
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
    participant = _participant(
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
    participant = _participant(
        request, reference, INVESTIGATOR, "Only the investigator records a declined interview."
    )
    if participant is None:
        return end_lost_session(request)
    told = case_state(participant.case.id).facts.respondent_told_allegations

    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        interview_declined_record(
            participant=_on(person, case, key),
            offered=data["offered"],
            answer=data["answer"],
            expected_version=data["version"],
        )
        return "The declined opportunity to be interviewed has been recorded."

    return _action(
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
    participant = _participant(
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
    form_class = _prefilled(
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
    participant = _participant(
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
            participant=_on(person, case, key),
            findings=findings_from(data, len(allegations)),
            summary=data["summary"],
            expected_version=data["version"],
        )
        return (
            f"Draft {number} has been shared with the complainant and the respondent for comment."
        )

    return _action(
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
    participant = _participant(
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
            participant=_on(person, case, key),
            findings=findings_from(data, len(allegations)),
            summary=data["summary"],
            expected_version=data["version"],
        )
        return (
            "The findings are final. The panel, the complainant and the respondent can read them."
        )

    return _action(
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
