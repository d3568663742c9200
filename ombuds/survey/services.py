"""The survey's commands: create, add a question, issue tokens, answer, close.

The administrator's commands record a scheme event each (`record/events/scheme.py`).
Answering records nothing in the ledger and writes no time: it spends the token and
puts the answer in the pool, and a full pool is released to the results in a shuffled
batch (`rules.py`; the argument is in docs/SECURITY.md, "Anonymous surveys").
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ombuds import vault
from ombuds.keys import RECEIPT_TAG_KEY
from ombuds.ledger.actor import Actor
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.security_log import administrator_action
from ombuds.people.models import Organisation, User
from ombuds.record.events.scheme import (
    SURVEY_CLOSED,
    SURVEY_CREATED,
    SURVEY_QUESTION_ADDED,
    SURVEY_TOKENS_ISSUED,
)
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.record.spec import EventSpec
from ombuds.survey import rules
from ombuds.survey.models import Answer, OwnQuestion, PooledAnswer, Survey, Token
from ombuds.survey.questions import survey_questions

MOST_TOKENS = 5000  # in one issue: a printable page and a list someone can send
TOKEN_PURPOSE = b"ombuds:survey"  # the receipt-tag key file, for a second purpose


def _administrator(actor: User) -> Actor:
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Only a scheme administrator can run a survey.")
    return Actor(pseudonym=actor.pseudonym, role=actor.role)


def _record(actor: Actor, spec: EventSpec, metadata: Mapping[str, object]) -> None:
    event_append(spec, stream=SCHEME_STREAM, actor=actor, metadata=metadata)
    administrator_action(by=actor.pseudonym, action=spec.type)


def _token_key() -> bytes:
    return vault.server_subkey(RECEIPT_TAG_KEY.read(), TOKEN_PURPOSE)


def survey_create(*, actor: User, organisation: Organisation, title: str, period: str) -> Survey:
    """Open a survey of one organisation; its answers will be dated only to `period`."""
    who = _administrator(actor)
    title, period = title.strip(), period.strip()
    if not title:
        raise InvalidInput("Give the survey a title, for example Staff survey 2026.")
    if not period:
        raise InvalidInput("Say what period the answers cover, for example 2026.")
    with transaction.atomic():
        survey = Survey.objects.create(
            organisation=organisation,
            title=title[:120],
            period=period[:40],
            opened_on=timezone.now().date(),
        )
        metadata = {"survey": str(survey.id), "organisation": organisation.slug}
        _record(who, SURVEY_CREATED, {**metadata, "period": survey.period})
    return survey


def survey_question_add(
    *, actor: User, survey: Survey, text: str, text_cy: str = ""
) -> OwnQuestion:
    """Add one of the scheme's own yes / no questions, before any token is issued (so
    everyone who answers is asked the same questions)."""
    who = _administrator(actor)
    text, text_cy = text.strip(), text_cy.strip()
    if not text:
        raise InvalidInput("Write the question.")
    if len(text) > 300 or len(text_cy) > 300:
        raise InvalidInput("A question can be at most 300 characters long.")
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.tokens_issued or not survey.is_open:
            raise InvalidInput("Questions cannot be added once tokens have been issued.")
        number = OwnQuestion.objects.filter(survey=survey).count() + 1
        question = OwnQuestion.objects.create(
            survey=survey, number=number, text=text, text_cy=text_cy
        )
        _record(who, SURVEY_QUESTION_ADDED, {"survey": str(survey.id), "question": number})
    return question


def survey_tokens_issue(*, actor: User, survey: Survey, count: int) -> list[str]:
    """Make `count` single-use tokens and return them: this is the only time they exist
    in the clear (the database keeps keyed digests)."""
    who = _administrator(actor)
    if not 1 <= count <= MOST_TOKENS:
        raise InvalidInput(f"Issue from 1 to {MOST_TOKENS} tokens at a time.")
    key = _token_key()
    tokens = [vault.new_survey_token() for _ in range(count)]
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not survey.is_open:
            raise InvalidInput("This survey is closed.")
        Token.objects.bulk_create(
            Token(digest=str(vault.survey_token_digest(key, t)), survey=survey) for t in tokens
        )
        Survey.objects.filter(pk=survey.pk).update(tokens_issued=survey.tokens_issued + count)
        _record(who, SURVEY_TOKENS_ISSUED, {"survey": str(survey.id), "count": count})
    return tokens


def survey_answer(*, token: str, answers: Mapping[str, Sequence[str]]) -> None:
    """Spend a token and pool its answers: refused, with nothing stored, for a token that is
    unknown, already used or of a closed survey. Nothing records which token answered what."""
    with transaction.atomic():
        row = token_row(token)
        shapes = [q.shape for q in survey_questions(row.survey)]
        try:
            stored = rules.check_answers(shapes, {k: tuple(v) for k, v in answers.items()})
        except rules.BadAnswer:
            raise InvalidInput(gettext("Answer every question that needs an answer.")) from None
        # Locked, so that a survey closing meanwhile cannot leave this answer in the pool.
        if not Survey.objects.select_for_update().get(pk=row.survey_id).is_open:
            raise InvalidInput(gettext("This survey has closed."))
        # A conditional update: two people typing the same token at once, one succeeds.
        if not Token.objects.filter(digest=row.digest, spent=False).update(spent=True):
            raise InvalidInput(gettext("This token has already been used."))
        PooledAnswer.objects.create(survey=row.survey, answers=json.dumps(stored, sort_keys=True))
        pooled = PooledAnswer.objects.filter(survey=row.survey).count()
        if rules.release_due(pooled, settings.OMBUDS_STATISTICS_THRESHOLD):
            _release(row.survey)


def token_row(token: str) -> Token:
    """The unspent token of an open survey, or InvalidInput saying plainly what is wrong."""
    digest = vault.survey_token_digest(_token_key(), token)
    row = Token.objects.select_related("survey").filter(digest=digest or "").first()
    if row is None:
        raise InvalidInput(gettext("We do not recognise this token. Check it and type it again."))
    if row.spent:
        raise InvalidInput(gettext("This token has already been used."))
    if not row.survey.is_open:
        raise InvalidInput(gettext("This survey has closed."))
    return row


def _release(survey: Survey, *, reshuffle_all: bool = False) -> None:
    """Move the pool (and, when closing, every answer already released) to the results
    in one random order, each under a fresh random id."""
    pooled = list(PooledAnswer.objects.filter(survey=survey).values_list("answers", flat=True))
    released: list[str] = []
    if reshuffle_all:
        released = list(Answer.objects.filter(survey=survey).values_list("answers", flat=True))
    everything = pooled + released
    secrets.SystemRandom().shuffle(everything)
    _forget(PooledAnswer.objects.filter(survey=survey))
    if reshuffle_all:
        _forget(Answer.objects.filter(survey=survey))
    Answer.objects.bulk_create(
        Answer(id=uuid.uuid4(), survey=survey, answers=a) for a in everything
    )


def _forget(rows: QuerySet[Any]) -> None:
    # SQLite keeps a deleted row's bytes in its free pages unless secure_delete is on:
    # pooled answers would stay readable there in the order they were given.
    if connection.vendor != "sqlite":
        rows.delete()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA secure_delete = ON")
        rows.delete()
        cursor.execute(f"PRAGMA secure_delete = {int(before)}")


def survey_close(*, actor: User, survey: Survey, today: date | None = None) -> None:
    """Close the survey: no more answers; the pool and all released answers are shuffled
    together into the results, which may then be published."""
    who = _administrator(actor)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not survey.is_open:
            raise InvalidInput("This survey is already closed.")
        _release(survey, reshuffle_all=True)
        Survey.objects.filter(pk=survey.pk).update(closed_on=today or timezone.now().date())
        answers = Answer.objects.filter(survey=survey).count()
        _record(who, SURVEY_CLOSED, {"survey": str(survey.id), "answers": answers})
