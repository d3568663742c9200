"""Links the decisions part offers on the shared pages: only what the reader may do now."""

from __future__ import annotations

from django.urls import reverse
from django.utils import dateformat, timezone

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.decisions.rounds import FIRST, round_at, sitting
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from ombuds.record.state import CaseState

_ALLOCATE = {FIRST.panel: "Allocate the decision panel"}
_DECIDE = {FIRST.panel: "Decide on the findings"}


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    rnd = round_at(state.stage)
    first_panel = person.pseudonym in sitting(state, FIRST.panel)
    if person.role == Role.PANEL_MEMBER and first_panel and state.stage == Stage.DECISION:
        url = reverse("decisions:decision", args=[case.reference])
        return [Link(url, "See the panel's decision")]
    if rnd is None:
        return []
    if person.role == Role.CASE_MANAGER and not sitting(state, rnd.panel):
        label = _ALLOCATE.get(rnd.panel, "Allocate the appeal panel")
        return [Link(reverse("decisions:panel", args=[case.reference]), label, style="primary")]
    if person.role == Role.PANEL_MEMBER and person.pseudonym in sitting(state, rnd.panel):
        label = _DECIDE.get(rnd.panel, "Decide the appeal")
        return [Link(reverse("decisions:decision", args=[case.reference]), label, style="primary")]
    return []


def _decided(case: Case) -> bool:
    return Event.objects.filter(stream=case_stream(case.id), type=events.DECIDED.type).exists()


def _party_links(participant: Participant, state: CaseState, see: str, appeal: str) -> list[Link]:
    if state.stage is None or not _decided(participant.case):
        return []
    links = [Link(reverse(see), "See the decision")]
    if state.appeal_window_open(timezone.now()) and state.deadline_at is not None:
        until = dateformat.format(state.deadline_at, "j F Y")
        links.append(
            Link(reverse(appeal), "Appeal the decision", hint=f"You can appeal until {until}.")
        )
    return links


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    return _party_links(
        participant, state, "decisions:complainant_decision", "decisions:complainant_appeal"
    )


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    return _party_links(
        participant, state, "decisions:respondent_decision", "decisions:respondent_appeal"
    )
