"""Links the respondents part offers on shared pages (see ombuds/web/links.py)."""

from __future__ import annotations

from django.urls import reverse

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import CaseState
from ombuds.respondents.evidence import READERS
from ombuds.respondents.services import DISCLOSERS, INVITERS, respondent_invited


def _action(case: Case, state: CaseState, role: Role, invited: bool) -> list[Link]:
    """Inviting her, then disclosing the allegations: during the investigation only."""
    if state.stage != Stage.INVESTIGATION or role not in INVITERS:
        return []
    if not invited:
        url = reverse("respondents:invite", args=[case.reference])
        return [Link(url, "Invite the respondent", hint="They get their own access.")]
    if role not in DISCLOSERS:
        return []
    url = reverse("respondents:disclose", args=[case.reference])
    if state.facts.respondent_told_allegations:
        hint = "Already disclosed. Disclosing again replaces what the respondent was told."
        return [Link(url, "Disclose the allegations", hint=hint)]
    return [Link(url, "Disclose the allegations", style="primary")]


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    """For the case manager and the investigator (and the panel, to read her side)."""
    role = Role(person.role)
    invited = respondent_invited(case)
    links = _action(case, state, role, invited)
    if invited and role in READERS:
        url = reverse("respondents:overview", args=[case.reference])
        links.append(Link(url, "The respondent's side: allegations, responses, evidence"))
    return links


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    """For the respondent on her own case page, while it is open."""
    if participant.role != Role.RESPONDENT or state.stage not in OPEN_STAGES:
        return []
    links = []
    if state.facts.respondent_told_allegations:
        links.append(
            Link(reverse("respondents:response"), "Respond to the allegations", style="primary")
        )
    links.append(Link(reverse("respondents:evidence"), "Send evidence"))
    return links
