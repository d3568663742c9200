"""Links the deadlines part offers on shared pages (see ombuds/web/links.py)."""

from __future__ import annotations

from django.urls import reverse

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.deadlines.delays import open_watch
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.state import CaseState


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    if open_watch(case, person.pseudonym) is None:
        return []
    return [
        Link(
            reverse("deadlines:explain", args=[case.reference]),
            "Explain the missed deadline",
            style="warning",
            hint="You must record a reason and a new date before anything else on this case.",
        )
    ]


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    return [Link(reverse("deadlines:complainant_delays"), "Delays, and asking for an update")]


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    return [Link(reverse("deadlines:respondent_delays"), "Delays on your case")]
