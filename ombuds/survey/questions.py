"""The questions every climate survey asks, and the shape of the scheme's own questions.

The standard questions cover the ground of published staff surveys: harassment, bullying
and sexual assault, experienced or witnessed; whether it was reported; and why not. Every
answer is a choice among fixed options (no free text, which could name someone or be
recognised). A question the scheme adds is a yes / no / prefer-not-to-say question, with
its words in English and, optionally, Welsh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ombuds.survey.models import OwnQuestion, Survey
from ombuds.survey.rules import Kind, Shape

PREFER_NOT = ("prefer_not", _("I prefer not to say"))
CONDUCT = (
    ("sexual_harassment", _("Sexual harassment")),
    ("bullying", _("Bullying, or harassment that is not sexual")),
    ("sexual_assault", _("Sexual assault")),
    ("none", _("None of these")),
    PREFER_NOT,
)


@dataclass(frozen=True)
class Question:
    """A question as the form shows it and the results count it."""

    code: str
    text: str | Promise
    hint: str | Promise
    kind: Kind
    options: tuple[tuple[str, str | Promise], ...]
    exclusive: tuple[str, ...] = ()

    @property
    def shape(self) -> Shape:
        codes = tuple(code for code, _label in self.options)
        return Shape(self.code, self.kind, codes, self.exclusive)


STANDARD = (
    Question(
        "experienced",
        _("In the last 12 months, have you experienced any of these in your work here?"),
        _("Choose all that apply."),
        Kind.ANY,
        CONDUCT,
        exclusive=("none", "prefer_not"),
    ),
    Question(
        "witnessed",
        _("In the last 12 months, have you seen any of these happen to someone else here?"),
        _("Choose all that apply."),
        Kind.ANY,
        CONDUCT,
        exclusive=("none", "prefer_not"),
    ),
    Question(
        "reported",
        _("If you experienced any of these, did you report it?"),
        "",
        Kind.ONE,
        (
            ("all", _("Yes, all of it")),
            ("some", _("Some of it")),
            ("no", _("No")),
            ("not_applicable", _("I did not experience any of these")),
            PREFER_NOT,
        ),
    ),
    Question(
        "why_not",
        _("If you did not report something, why not?"),
        _("Choose all that apply, or leave this question if it does not apply to you."),
        Kind.ANY,
        (
            ("consequences", _("I was afraid of the consequences for me or my career")),
            ("believed", _("I did not think I would be believed or taken seriously")),
            ("how", _("I did not know how to report it, or to whom")),
            ("confidential", _("I did not trust that it would be kept confidential")),
            ("senior", _("The person was senior to me or powerful")),
            ("nothing_done", _("I did not think anything would be done")),
            ("other", _("Another reason")),
            PREFER_NOT,
        ),
        exclusive=("prefer_not",),
    ),
)
YES_NO = (("yes", _("Yes")), ("no", _("No")), PREFER_NOT)


def own_question(number: int, text: str, text_cy: str) -> Question:
    """One of the scheme's own questions, in the reader's language when it has Welsh."""
    words = text_cy if text_cy and (get_language() or "").startswith("cy") else text
    return Question(f"q{number}", words, "", Kind.ONE, YES_NO)


def survey_questions(survey: Survey) -> list[Question]:
    """Every question of a survey: the standard ones, then the scheme's own in order."""
    own = OwnQuestion.objects.filter(survey=survey).order_by("number")
    return [*STANDARD, *(own_question(q.number, q.text, q.text_cy) for q in own)]
