"""The complainant's (/my-report/...) and the respondent's (/respond/...) pages of the
investigation: the notes of her own interview, the draft report and the findings, and
the respondent's interim measures. Each opens only what her own keys open; anyone else's
interview or a measure not disclosed to her is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.guards import complainant_part, respondent_page
from ombuds.cases.participants import Participant
from ombuds.investigation.forms import CommentForm, DraftCommentForm, RepresentationForm
from ombuds.investigation.measure_selectors import measure_view, measure_views
from ombuds.investigation.measures import measure_represent
from ombuds.investigation.rules import STANDARD_EXPLAINED
from ombuds.investigation.selectors import draft_status, drafts_read, final_findings, interview_read
from ombuds.investigation.services import draft_report_comment, interview_comment
from ombuds.lib.errors import InvalidInput, NotFound, TransitionRefused
from ombuds.record.outcomes import OUTCOMES
from ombuds.record.roles import Role

SENT_TO_INVESTIGATOR = gettext_noop("Your comments have been sent to the investigator.")


def _home(participant: Participant) -> tuple[str, str]:
    if participant.role == Role.RESPONDENT:
        return reverse("respondents:case"), gettext("Back to your case")
    return reverse("intake:my_report"), gettext("Back to your report")


def _party_interview(request: HttpRequest, participant: Participant, number: int) -> HttpResponse:
    view = interview_read(participant, number)  # her own interview only, else 404
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                interview_comment(
                    participant=participant, interview=number, text=form.cleaned_data["text"]
                )
            except (InvalidInput, TransitionRefused) as exc:
                form.refuse(exc.message)
            else:
                messages.success(request, gettext(SENT_TO_INVESTIGATOR))
                return redirect(request.path)
    back, back_label = _home(participant)
    context = {
        "interview": view,
        "form": form,
        "back": back,
        "back_label": back_label,
    }
    return render(request, "investigation/party_interview.html", context, status=status)


def _party_draft(request: HttpRequest, participant: Participant) -> HttpResponse:
    drafts = drafts_read(participant)
    final = final_findings(participant)
    if not drafts and final is None:
        raise NotFound("No draft report yet.")
    latest = draft_status(participant.case).number
    form = DraftCommentForm(request.POST or None, initial={"draft": latest})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draft_report_comment(
                    participant=participant,
                    draft=form.cleaned_data["draft"],
                    text=form.cleaned_data["text"],
                )
            except (InvalidInput, TransitionRefused) as exc:
                form = DraftCommentForm({**request.POST.dict(), "draft": latest})
                form.is_valid()
                form.refuse(exc.message)
            else:
                messages.success(request, gettext(SENT_TO_INVESTIGATOR))
                return redirect(request.path)
    back, back_label = _home(participant)
    context = {
        "draft": drafts[-1] if drafts else None,
        "earlier": drafts[:-1],
        "final": final,
        "outcomes": OUTCOMES,
        "standard": STANDARD_EXPLAINED,
        "form": form,
        "back": back,
        "back_label": back_label,
    }
    return render(request, "investigation/party_draft.html", context, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_part
@sensitive_variables()
def my_interview(request: HttpRequest, participant: Participant, number: int) -> HttpResponse:
    return _party_interview(request, participant, number)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_part
@sensitive_variables()
def my_draft_report(request: HttpRequest, participant: Participant) -> HttpResponse:
    return _party_draft(request, participant)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def respond_interview(request: HttpRequest, participant: Participant, number: int) -> HttpResponse:
    return _party_interview(request, participant, number)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def respond_draft_report(request: HttpRequest, participant: Participant) -> HttpResponse:
    return _party_draft(request, participant)


@require_GET
@respondent_page
def respond_measures(request: HttpRequest, participant: Participant) -> HttpResponse:
    context = {
        "measures": measure_views(participant),
    }
    return render(request, "investigation/respond_measures.html", context)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def respond_measure(request: HttpRequest, participant: Participant, number: int) -> HttpResponse:
    view = measure_view(participant, number)  # only measures disclosed to her, else 404
    form = RepresentationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                measure_represent(
                    participant=participant, measure=number, text=form.cleaned_data["text"]
                )
            except (InvalidInput, TransitionRefused) as exc:
                form.refuse(exc.message)
            else:
                messages.success(
                    request,
                    gettext(
                        "Your representations have been sent. A case manager will consider them "
                        "when reviewing the measure."
                    ),
                )
                return redirect("investigation:respond_measures")
    in_force = view.status in {"approved", "continued"}
    context = {"measure": view, "form": form, "in_force": in_force}
    return render(request, "investigation/respond_measure.html", context, status=status)
