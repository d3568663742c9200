"""When a survey's answers move from the pool to the results, and what a set of answers
must look like (plain Python, no Django).

Answers wait in a pool and are released to the results table in shuffled batches of at
least the suppression threshold, and all together, reshuffled, when the survey closes.
So the order rows are written in (SQLite's rowid, PostgreSQL's physical order) says
nothing finer than "one of this batch" about when an answer was given, and after closing
nothing at all (docs/SECURITY.md, "Anonymous surveys").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ONE = "one"  # exactly one option: a partition of the answers
    ANY = "any"  # any number of options, or none: a tally


@dataclass(frozen=True)
class Shape:
    """What an answer to one question may be: its code, kind and option codes."""

    code: str
    kind: Kind
    options: tuple[str, ...]
    exclusive: tuple[str, ...] = ()  # options that cannot be chosen with any other


Answers = Mapping[str, tuple[str, ...]]


class BadAnswer(ValueError):
    """An answer outside the question's options: the form should have prevented it."""


def release_due(pooled: int, threshold: int) -> bool:
    """Whether the pool holds enough answers to release a batch while the survey is open."""
    return pooled >= threshold


def check_answers(shapes: Sequence[Shape], answers: Answers) -> dict[str, list[str]]:
    """The answers as stored (codes only, in the questions' own order); BadAnswer for a
    missing one-option answer, an unknown option or an exclusive option with others."""
    stored: dict[str, list[str]] = {}
    for shape in shapes:
        chosen = tuple(answers.get(shape.code, ()))
        if any(option not in shape.options for option in chosen) or len(set(chosen)) != len(chosen):
            raise BadAnswer(shape.code)
        if shape.kind == Kind.ONE and len(chosen) != 1:
            raise BadAnswer(shape.code)
        if len(chosen) > 1 and set(chosen) & set(shape.exclusive):
            raise BadAnswer(shape.code)
        stored[shape.code] = [o for o in shape.options if o in chosen]
    return stored


def counts(shape: Shape, answers: Sequence[Answers]) -> tuple[int, ...]:
    """How many answers chose each option of one question."""
    return tuple(
        sum(1 for a in answers if option in a.get(shape.code, ())) for option in shape.options
    )
