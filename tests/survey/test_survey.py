"""Anonymous climate surveys: tokens are single use, answers cannot be linked back to the
token that gave them (not by row order, ids, timestamps or the ledger), results are
suppressed like the statistics, and the pages work for the people they are for."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from ombuds.ledger.models import Event
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.models import Organisation
from ombuds.survey import models
from ombuds.survey.models import Answer, PooledAnswer, Survey, Token
from ombuds.survey.selectors import survey_results
from ombuds.survey.services import (
    survey_answer,
    survey_close,
    survey_create,
    survey_question_add,
    survey_tokens_issue,
)
from tests.conftest import Cast, sign_in

pytestmark = pytest.mark.django_db
NOBODY = {"experienced": ["none"], "witnessed": ["none"], "reported": ["not_applicable"],
          "why_not": []}  # fmt: skip


def _survey(cast: Cast, organisation: Organisation) -> Survey:
    return survey_create(actor=cast.administrator, organisation=organisation,
                         title="Staff survey 2026", period="2026")  # fmt: skip


def test_a_token_answers_once_and_an_unknown_one_never(
    cast: Cast, organisation: Organisation
) -> None:
    survey = _survey(cast, organisation)
    [token] = survey_tokens_issue(actor=cast.administrator, survey=survey, count=1)
    survey_answer(token=token.lower().replace("-", " "), answers=NOBODY)  # as typed, any case
    with pytest.raises(InvalidInput, match="already been used"):
        survey_answer(token=token, answers=NOBODY)
    with pytest.raises(InvalidInput, match="do not recognise"):
        survey_answer(token="ABCD-EFGH-JKLM-NPQR", answers=NOBODY)
    with pytest.raises(InvalidInput, match="do not recognise"):
        survey_answer(token="not a token at all", answers=NOBODY)
    assert PooledAnswer.objects.count() + Answer.objects.count() == 1


def test_tokens_are_stored_only_as_keyed_digests(cast: Cast, organisation: Organisation) -> None:
    survey = _survey(cast, organisation)
    tokens = survey_tokens_issue(actor=cast.administrator, survey=survey, count=3)
    stored = " ".join(Token.objects.values_list("digest", flat=True))
    for token in tokens:
        assert token not in stored and token.replace("-", "") not in stored
    # Nor anywhere in the ledger: the event says how many, nothing more.
    assert all(
        token.replace("-", "") not in e.metadata for e in Event.objects.all() for token in tokens
    )


def test_a_refused_answer_stores_nothing_and_keeps_the_token(
    cast: Cast, organisation: Organisation
) -> None:
    survey = _survey(cast, organisation)
    [token] = survey_tokens_issue(actor=cast.administrator, survey=survey, count=1)
    with pytest.raises(InvalidInput):
        survey_answer(token=token, answers={"experienced": ["none", "bullying"]})
    assert not Token.objects.get().spent and not PooledAnswer.objects.exists()
    survey_close(actor=cast.administrator, survey=survey)
    with pytest.raises(InvalidInput, match="closed"):
        survey_answer(token=token, answers=NOBODY)
    assert not Answer.objects.exists()


def _distinct_answers(n: int) -> list[dict[str, list[str]]]:
    """n different answers, told apart by which own questions are answered yes (binary)."""
    return [
        {**NOBODY, **{f"q{bit + 1}": ["yes" if i >> bit & 1 else "no"] for bit in range(7)}}
        for i in range(n)
    ]


def test_answers_cannot_be_linked_to_tokens_by_order_ids_time_or_ledger(
    cast: Cast, organisation: Organisation
) -> None:
    survey = _survey(cast, organisation)
    for n in range(7):
        survey_question_add(actor=cast.administrator, survey=survey, text=f"Question {n}?")
    n = 100
    tokens = survey_tokens_issue(actor=cast.administrator, survey=survey, count=n)
    answers = _distinct_answers(n)
    events_before = Event.objects.count()
    threshold = settings.OMBUDS_STATISTICS_THRESHOLD
    for i, (token, answer) in enumerate(zip(tokens, answers, strict=True)):
        survey_answer(token=token, answers=answer)
        released = Answer.objects.count()
        assert released % threshold == 0 and released <= i + 1  # only whole batches leave
        assert PooledAnswer.objects.count() + released == i + 1
    assert Event.objects.count() == events_before  # answering writes nothing to the ledger
    survey_close(actor=cast.administrator, survey=survey)
    assert not PooledAnswer.objects.exists()

    # Nothing in an answer's row records a time, a token or an order.
    columns = {f.name for f in models.Answer._meta.get_fields()}
    assert columns == {"id", "survey", "answers"}
    assert {f.name for f in models.Token._meta.get_fields()} == {"digest", "survey", "spent"}

    # The database's own orders: the physical one (SQLite's rowid, PostgreSQL's ctid: the
    # order rows were written in) and id, against the order of spending.
    spent_order = [json.dumps(a, sort_keys=True) for a in answers]
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM survey_answer ORDER BY {physical}")  # noqa: S608
        by_rowid = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT answers FROM survey_answer ORDER BY id")
        by_id = [row[0] for row in cursor.fetchall()]
    stored = [json.dumps(json.loads(a), sort_keys=True) for a in by_rowid]
    assert sorted(stored) == sorted(spent_order)  # every answer is there...
    position = {a: i for i, a in enumerate(spent_order)}
    for order in (stored, [json.dumps(json.loads(a), sort_keys=True) for a in by_id]):
        ranks = [position[a] for a in order]
        # ...in an order that is not the order of spending, nor close to it: after closing
        # the whole table is one random permutation, so the rank correlation is near 0
        # (|rho| > 0.5 by chance, for 100 answers: about 7 in 10 million).
        assert _spearman(ranks) < 0.5, ranks


def _spearman(ranks: list[int]) -> float:
    n = len(ranks)
    d2 = sum((r - i) ** 2 for i, r in enumerate(ranks))
    return abs(1 - 6 * d2 / (n * (n * n - 1)))


def test_results_are_suppressed_like_the_statistics(cast: Cast, organisation: Organisation) -> None:
    survey = _survey(cast, organisation)
    threshold = settings.OMBUDS_STATISTICS_THRESHOLD
    tokens = survey_tokens_issue(actor=cast.administrator, survey=survey, count=threshold + 2)
    bullied = {"experienced": ["bullying"], "witnessed": ["none"], "reported": ["no"],
               "why_not": ["consequences"]}  # fmt: skip
    for token in tokens[:2]:
        survey_answer(token=token, answers=bullied)
    for token in tokens[2:]:
        survey_answer(token=token, answers=NOBODY)
    survey_close(actor=cast.administrator, survey=survey)
    results = survey_results(survey)
    assert results.answers == threshold + 2
    shown = {r.question.code: dict(r.rows) for r in results.questions}
    assert shown["experienced"]["Bullying, or harassment that is not sexual"] is None
    assert shown["why_not"]["I was afraid of the consequences for me or my career"] is None
    assert shown["reported"]["No"] is None
    # The secondary cell: "I did not experience any of these" would give "No" away.
    assert shown["reported"]["I did not experience any of these"] is None
    # "None of these" is not published for a choose-all question: with the number of
    # answers shown, it would tell how many chose anything else, here exactly two.
    assert "None of these" not in shown["experienced"]
    assert shown["experienced"]["Sexual assault"] == 0


def test_only_the_administrator_runs_a_survey(cast: Cast, organisation: Organisation) -> None:
    with pytest.raises(NotPermitted):
        survey_create(actor=cast.auditor, organisation=organisation, title="x", period="2026")
    survey = _survey(cast, organisation)
    survey_tokens_issue(actor=cast.administrator, survey=survey, count=1)
    with pytest.raises(InvalidInput, match="once tokens have been issued"):
        survey_question_add(actor=cast.administrator, survey=survey, text="Late?")


def test_the_public_pages_take_the_token_in_the_body_only(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    survey = _survey(cast, organisation)
    survey_question_add(actor=cast.administrator, survey=survey, text="Do you feel safe?",
                        text_cy="Ydych chi yn ddiogel?")  # fmt: skip
    [token] = survey_tokens_issue(actor=cast.administrator, survey=survey, count=1)
    assert client.get("/survey/").status_code == 200
    assert "Ateb arolwg" in client.get("/cy/survey/").content.decode()
    wrong = client.post("/survey/", {"token": "ABCD-EFGH-JKLM-NPQR"})
    assert wrong.status_code == 400 and b"do not recognise" in wrong.content
    assert b'href="#id_token"' in wrong.content
    page = client.post("/cy/survey/", {"token": token})
    assert page.status_code == 200 and "Ydych chi yn ddiogel?" in page.content.decode()
    # A missing answer: the form again, with what she chose kept.
    partial = client.post("/survey/answer/", {"token": token, "experienced": ["bullying"]})
    assert partial.status_code == 400 and b'value="bullying"' in partial.content
    assert b"checked" in partial.content and not Token.objects.get().spent
    done = client.post("/survey/answer/", {"token": token, **NOBODY, "q1": "yes"})
    assert done.status_code == 302 and done["Location"] == "/survey/thanks/"
    again = client.post("/survey/answer/", {"token": token, **NOBODY, "q1": "yes"})
    assert again.status_code == 400 and b"already been used" in again.content
    assert client.get("/survey/answer/").status_code == 405


def test_results_are_public_only_once_closed(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    survey = _survey(cast, organisation)
    assert client.get(f"/transparency/surveys/{survey.id}/").status_code == 404
    sign_in(client, cast.auditor.username)
    assert client.get(f"/surveys/{survey.id}/").status_code == 200
    survey_close(actor=cast.administrator, survey=survey)
    public = Client().get(f"/transparency/surveys/{survey.id}/")
    assert public.status_code == 200 and b"Staff survey 2026" in public.content
    assert b"Staff survey 2026" in Client().get("/transparency/surveys/").content


def test_the_administrator_issues_tokens_shown_once(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    sign_in(client, cast.administrator.username)
    bad = client.post("/admin-area/surveys/", {"organisation": organisation.slug, "title": "T"})
    assert bad.status_code == 400 and b'href="#id_period"' in bad.content
    assert b'value="T"' in bad.content  # nothing typed is lost
    made = client.post(
        "/admin-area/surveys/",
        {"organisation": organisation.slug, "title": "Staff survey", "period": "2026"},
    )
    survey = Survey.objects.get()
    assert made["Location"] == f"/admin-area/surveys/{survey.id}/"
    printed = client.post(f"/admin-area/surveys/{survey.id}/tokens/", {"count": "3"})
    assert printed.status_code == 200
    text = client.post(f"/admin-area/surveys/{survey.id}/tokens/", {"count": "2", "as_text": "1"})
    assert text["Content-Type"].startswith("text/plain")
    tokens = text.content.decode().split()
    assert len(tokens) == 2 and Token.objects.count() == 5
    page = client.get(f"/admin-area/surveys/{survey.id}/").content.decode()
    assert not any(token in page for token in tokens)
    assert (
        client.post(f"/admin-area/surveys/{survey.id}/tokens/", {"count": "0"}).status_code == 400
    )
    survey_answer(token=tokens[0], answers=NOBODY)
    closed = client.post(f"/admin-area/surveys/{survey.id}/close/")
    assert closed.status_code == 302 and Survey.objects.get().closed_on is not None
