"""The public survey pages: no account, no session, no token in any address.

The token travels only in POST bodies: typed on the first page, then carried hidden in
the answers form. Answering stores the answers in the pool and spends the token, and
nothing else: no event, no log line, no time (docs/SECURITY.md, "Anonymous surveys").
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.lib.errors import InvalidInput
from ombuds.survey.forms import AnswerForm, TokenForm
from ombuds.survey.questions import survey_questions
from ombuds.survey.selectors import closed_surveys, survey_for, survey_results
from ombuds.survey.services import survey_answer, token_row


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Her token; if it is good, the questions of its survey (still a POST response)."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            row = token_row(form.cleaned_data["token"])
        except InvalidInput as exc:
            form.add_error("token", exc.message)
        else:
            questions = survey_questions(row.survey)
            answer_form = AnswerForm(
                initial={"token": form.cleaned_data["token"]}, questions=questions
            )
            return render(
                request, "survey/answer.html", {"form": answer_form, "survey": row.survey}
            )
    return render(request, "survey/start.html", {"form": form}, status=400 if form.errors else 200)


@sensitive_post_parameters("token")
@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    """Her answers: stored unlinked from the token, or the form again with what she chose."""
    try:
        row = token_row(request.POST.get("token", ""))
    except InvalidInput as exc:
        form = TokenForm(request.POST)
        form.is_valid()
        form.add_error("token", exc.message)
        return render(request, "survey/start.html", {"form": form}, status=400)
    form = AnswerForm(request.POST, questions=survey_questions(row.survey))
    if form.is_valid():
        try:
            survey_answer(token=form.cleaned_data["token"], answers=form.answers())
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("survey_public:thanks")
    return render(request, "survey/answer.html", {"form": form, "survey": row.survey}, status=400)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/thanks.html")


@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    """Public: the surveys that have closed, each with its suppressed results."""
    return render(
        request, "survey/results_list.html", {"surveys": closed_surveys(), "public": True}
    )


@require_GET
def published(request: HttpRequest, survey: str) -> HttpResponse:
    context = {"results": survey_results(survey_for(survey, closed_only=True)), "public": True}
    return render(request, "survey/results.html", context)
