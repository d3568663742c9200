"""Reads of surveys: the list, one survey, and its results as they may be published
(the statistics' suppression, `oversight/suppression.py`, over released answers only)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from ombuds.lib.errors import NotFound
from ombuds.oversight.suppression import Counts, Published, suppress
from ombuds.survey import rules
from ombuds.survey.models import Answer, Survey
from ombuds.survey.questions import Question, survey_questions


def surveys() -> QuerySet[Survey]:
    return Survey.objects.select_related("organisation").order_by("-opened_on", "title")


def closed_surveys() -> QuerySet[Survey]:
    """The surveys whose results are public: those that have closed."""
    return surveys().filter(closed_on__isnull=False)


def survey_for(survey_id: str, *, closed_only: bool = False) -> Survey:
    """One survey (NotFound for an unknown id, or an open one when `closed_only`)."""
    try:
        key = uuid.UUID(str(survey_id))
    except ValueError:
        raise NotFound("No such survey.") from None
    found = (closed_surveys() if closed_only else surveys()).filter(pk=key).first()
    if found is None:
        raise NotFound("No such survey.")
    return found


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rows: tuple[tuple[str, int | None], ...]  # (option label, count or None if hidden)
    total: int | None  # answers to a one-choice question; None for a tally


@dataclass(frozen=True)
class Results:
    survey: Survey
    answers: int | None  # released answers, None when fewer than the threshold
    questions: tuple[QuestionResult, ...]
    threshold: int


def survey_results(survey: Survey) -> Results:
    """Counts of each option of each question, suppressed together as one table set."""
    threshold = settings.OMBUDS_STATISTICS_THRESHOLD
    questions = survey_questions(survey)
    given = [
        json.loads(a)
        for a in Answer.objects.filter(survey=survey).values_list("answers", flat=True)
    ]
    tables = [_table(q, given) for q in questions]
    published = suppress(tables, threshold)
    results = tuple(_result(q, p) for q, p in zip(questions, published, strict=True))
    totals = [r.total for r in results if r.question.kind == rules.Kind.ONE]
    return Results(survey, totals[0] if totals else None, results, threshold)


def _published_options(question: Question) -> list[tuple[str, str]]:
    """The options counted in the results. A choose-all question's exclusive options
    ("none of these", "prefer not to say") are left out: with the number of answers
    published, their counts would tell how many people chose any of the others, and so
    give away a small count hidden among them."""
    exclusive = question.exclusive if question.kind == rules.Kind.ANY else ()
    return [(code, str(label)) for code, label in question.options if code not in exclusive]


def _table(question: Question, given: list[rules.Answers]) -> Counts:
    options = _published_options(question)
    shape = rules.Shape(question.code, question.kind, tuple(code for code, _label in options))
    return Counts(
        rows=shape.options,
        values=tuple((n,) for n in rules.counts(shape, given)),
        partition=question.kind == rules.Kind.ONE,
    )


def _result(question: Question, published: Published) -> QuestionResult:
    labels = [label for _code, label in _published_options(question)]
    rows = tuple(zip(labels, (row[0] for row in published.cells), strict=True))
    return QuestionResult(question, rows, published.total)
