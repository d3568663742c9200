"""Links to the messages (with how many are new) and to the support record, offered on
the shared pages of each reader. Only threads that exist for the reader are offered."""

from __future__ import annotations

from django.urls import reverse

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.lib.link import Link
from ombuds.messaging.selectors import ThreadSummary, thread_summaries
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.stages import FINAL_STAGES
from ombuds.record.state import CaseState


def _label(summary: ThreadSummary) -> str:
    return f"{summary.title} ({summary.new} new)" if summary.new else summary.title


def _style(summary: ThreadSummary) -> str:
    return "primary" if summary.new else "secondary"


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    """A handler's conversations on this case; for the advocate, recording support too."""
    role = Role(person.role)
    links = [
        Link(
            url=reverse("messaging:case_thread", args=[case.reference, s.thread.name]),
            label=_label(s),
            style=_style(s),
        )
        for s in thread_summaries(case, state, role, person.pseudonym)
    ]
    if role == Role.ADVOCATE and state.stage is not None and state.stage not in FINAL_STAGES:
        links.append(
            Link(
                url=reverse("messaging:support", args=[case.reference]),
                label="Record support given",
            )
        )
    return links


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    return [
        Link(
            url=reverse("messaging:my_thread", args=[s.thread.name]),
            label=_label(s),
            style=_style(s),
        )
        for s in thread_summaries(participant.case, state, Role.COMPLAINANT, participant.pseudonym)
    ]


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    return [
        Link(url=reverse("messaging:respondent_thread"), label=_label(s), style=_style(s))
        for s in thread_summaries(participant.case, state, Role.RESPONDENT, participant.pseudonym)
    ]
