"""Links the vetting part offers on shared pages (see ombuds/web/links.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.state import CaseState
from ombuds.vetting.selectors import has_linked_cases


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    """For the case manager: another case names the same person."""
    if person.role != Role.CASE_MANAGER or not has_linked_cases(case):
        return []
    url = reverse("vetting:same_person", args=[case.reference])
    hint = "Its reference and stage; you can ask the oversight officer for access."
    return [Link(url, "Another case names the same person", hint=hint)]


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    """For the respondent: the vetting checks about her, and her comment."""
    if participant.role != Role.RESPONDENT:
        return []
    return [Link(reverse("vetting:about_me"), gettext("Vetting checks about you"))]
