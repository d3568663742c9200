"""The administrator's survey pages (create, add questions, issue tokens, close) and the
results for the administrator, the auditor and the oversight officer. No page here shows
an answer on its own: only suppressed counts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.lib.errors import InvalidInput
from ombuds.people.reauth import recent_password_required
from ombuds.people.views import person_of, role_required
from ombuds.record.roles import Role
from ombuds.survey.forms import OwnQuestionForm, SurveyForm, TokensForm
from ombuds.survey.models import OwnQuestion
from ombuds.survey.selectors import survey_for, survey_results, surveys
from ombuds.survey.services import (
    survey_close,
    survey_create,
    survey_question_add,
    survey_tokens_issue,
)

RESULTS_READERS = (Role.ADMINISTRATOR, Role.AUDITOR, Role.OVERSIGHT_OFFICER)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def survey_list(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survey = survey_create(actor=person_of(request), organisation=data["organisation"],
                                   title=data["title"], period=data["period"])  # fmt: skip
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("survey:manage", survey=survey.id)
    context = {"form": form, "surveys": surveys()}
    return render(request, "survey/list.html", context, status=400 if form.errors else 200)


def _manage_page(
    request: HttpRequest,
    survey_id: str,
    *,
    question_form: OwnQuestionForm | None = None,
    tokens_form: TokensForm | None = None,
) -> HttpResponse:
    survey = survey_for(survey_id)
    context = {
        "survey": survey,
        "own_questions": OwnQuestion.objects.filter(survey=survey).order_by("number"),
        "question_form": question_form or OwnQuestionForm(),
        "tokens_form": tokens_form or TokensForm(),
    }
    failed = (question_form and question_form.errors) or (tokens_form and tokens_form.errors)
    return render(request, "survey/manage.html", context, status=400 if failed else 200)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_GET
def manage(request: HttpRequest, survey: str) -> HttpResponse:
    return _manage_page(request, survey)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def question_add(request: HttpRequest, survey: str) -> HttpResponse:
    found = survey_for(survey)
    form = OwnQuestionForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            survey_question_add(
                actor=person_of(request), survey=found, text=data["text"], text_cy=data["text_cy"]
            )
        except InvalidInput as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, gettext("The question is added."))
            return redirect("survey:manage", survey=found.id)
    return _manage_page(request, survey, question_form=form)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def tokens_issue(request: HttpRequest, survey: str) -> HttpResponse:
    """Tokens exist in the clear only in this response: a printable page, or a text file."""
    found = survey_for(survey)
    form = TokensForm(request.POST)
    if form.is_valid():
        try:
            tokens = survey_tokens_issue(actor=person_of(request), survey=found,
                                         count=form.cleaned_data["count"])  # fmt: skip
        except InvalidInput as exc:
            form.add_error("count", exc.message)
        else:
            if form.cleaned_data["as_text"]:
                response = HttpResponse(
                    "\n".join(tokens) + "\n", content_type="text/plain; charset=utf-8"
                )
                response["Content-Disposition"] = 'attachment; filename="survey-tokens.txt"'
                return response
            return render(request, "survey/tokens.html", {"survey": found, "tokens": tokens})
    return _manage_page(request, survey, tokens_form=form)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def close(request: HttpRequest, survey: str) -> HttpResponse:
    found = survey_for(survey)
    try:
        survey_close(actor=person_of(request), survey=found)
    except InvalidInput:
        pass  # closed already (a second click): nothing to do, the page says it is closed
    else:
        messages.success(request, gettext("The survey is closed. Its results are published."))
    return redirect("survey:manage", survey=found.id)


@role_required(*RESULTS_READERS)
@require_GET
def results_list(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/results_list.html", {"surveys": surveys(), "public": False})


@role_required(*RESULTS_READERS)
@require_GET
def results(request: HttpRequest, survey: str) -> HttpResponse:
    context = {"results": survey_results(survey_for(survey)), "public": False}
    return render(request, "survey/results.html", context)
