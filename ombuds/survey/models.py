"""A survey, its own questions, its tokens (keyed digests only), and its answers.

An answer row carries no time, no token and no order: ids are random, and rows are
written in shuffled batches (`rules.py`). Nothing here links an answer to a token.
"""

from __future__ import annotations

import uuid

from django.db import models

from ombuds.people.models import Organisation


class Survey(models.Model):
    """One climate survey of one organisation; its answers are dated only to `period`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    period = models.CharField(max_length=40)  # e.g. "2026": what the answers are dated to
    opened_on = models.DateField()
    closed_on = models.DateField(null=True)
    tokens_issued = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class OwnQuestion(models.Model):
    """A yes / no / prefer-not-to-say question the scheme added to one survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="own_questions")
    number = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    text_cy = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="one_question_a_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class Token(models.Model):
    """A token as stored: its keyed digest and whether it has been used. No time."""

    digest = models.CharField(max_length=64, primary_key=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    spent = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "a survey token"  # never its digest: nothing to print


class PooledAnswer(models.Model):
    """An answer waiting to be released to the results in a shuffled batch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    answers = models.TextField()  # canonical JSON of option codes

    def __str__(self) -> str:
        return "an answer"


class Answer(models.Model):
    """A released answer: option codes only, a random id, no time, no token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    answers = models.TextField()  # canonical JSON of option codes

    def __str__(self) -> str:
        return "an answer"
