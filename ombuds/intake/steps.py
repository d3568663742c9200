"""The report's question pages, in the order she meets them: one topic to a page, as
GOV.UK's question pages, with the anonymous-or-named choice first so that an anonymous
person is never asked for her name or how to contact her.

Her answers are kept nowhere on the server until she sends them: each page carries the
earlier answers forward in hidden fields (see docs/SECURITY.md, "The report's answers
before sending").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

ANONYMOUS = "yes"
NAMED = "no"
# Asked only of a person who gives her name: an anonymous report carries neither.
NAMED_ONLY = ("your_name", "contact")


@dataclass(frozen=True)
class Step:
    name: str  # in the form's hidden "step" field and the "Change" buttons; never content
    title: Any  # the page's heading when it asks more than one question
    fields: tuple[str, ...]

    def asked(self, *, anonymous: bool) -> tuple[str, ...]:
        """The questions this page asks her: never her name or contact if anonymous."""
        if anonymous:
            return tuple(name for name in self.fields if name not in NAMED_ONLY)
        return self.fields


STEPS = (
    # The first page introduces the report; its one question is not its heading.
    Step("anonymous", _("Report something that happened"), ("anonymous",)),
    Step("organisation", _("Where it happened"), ("organisation", "where")),
    Step("what-happened", _("What happened?"), ("what_happened",)),
    Step("when", _("When did it happen?"), ("when",)),
    Step("who", _("Who was involved"), ("people_involved", "respondent_name", "respondent_unit")),
    Step("witnesses", _("Did anyone see or hear it?"), ("witnesses",)),
    Step("outcome", _("What would you like to happen?"), ("outcome_wanted",)),
    Step("about-you", _("About you"), ("your_name", "your_unit", "contact")),
)
FIRST, LAST = STEPS[0], STEPS[-1]


def step_named(name: str | None) -> Step:
    """The step a form says it came from; anything unknown starts at the beginning."""
    return next((step for step in STEPS if step.name == name), FIRST)


def step_of(field: str) -> Step:
    return next(step for step in STEPS if field in step.fields)


def step_after(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_before(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


def is_anonymous(answers: Mapping[str, str]) -> bool:
    # Until she has chosen, nothing about her is asked: treat her as anonymous.
    return answers.get("anonymous", ANONYMOUS) != NAMED


def carried(
    answers: Mapping[str, str], *, leave_out: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """The answers a page passes on in hidden fields (those it does not ask itself); an
    anonymous person's name and contact are dropped, not carried."""
    dropped = NAMED_ONLY if is_anonymous(answers) else ()
    return [
        (name, value)
        for name, value in answers.items()
        if name not in leave_out and name not in dropped
    ]
