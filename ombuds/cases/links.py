"""Links the independence and routing pages offer on the case page and her status page."""

from __future__ import annotations

from django.urls import reverse

from ombuds.cases.independence import REPLACEABLE
from ombuds.cases.lifecycle import transition_named
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.routing import OVERRIDERS
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.stages import FINAL_STAGES, Stage
from ombuds.record.state import CaseState

_BEFORE_FINDINGS = frozenset(
    {
        Stage.RECEIVED,
        Stage.ACKNOWLEDGED,
        Stage.ASSESSED,
        Stage.INFORMAL_RESOLUTION,
        Stage.INVESTIGATION,
    }
)


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    if state.stage is None or state.stage in FINAL_STAGES:
        return []
    role = Role(person.role)
    facts = state.facts

    def url(name: str) -> str:
        return reverse(f"cases:{name}", args=[case.reference])

    links: list[Link] = []
    if role == Role.CASE_MANAGER:
        if state.stage == Stage.ASSESSED:
            links.append(Link(url("route"), "Route the case", "primary"))
        if state.stage == Stage.INFORMAL_RESOLUTION:
            links.append(Link(url("escalate"), "Escalate to investigation"))
        if facts.withdrawal_requested:
            links.append(Link(url("withdrawal"), "Decide the withdrawal request", "primary"))
        links.append(Link(url("parties"), "Record the parties"))
        if not facts.risk_to_others_recorded:
            links.append(Link(url("risk"), "Record a risk to others"))
        if state.stage in transition_named("refer").sources:
            links.append(Link(url("refer"), "Refer to the police", "warning"))
    if (
        role in OVERRIDERS
        and facts.risk_to_others_recorded
        and person.pseudonym not in state.safeguarding_overriders
        and state.stage in _BEFORE_FINDINGS
    ):
        links.append(Link(url("safeguarding"), "Record a safeguarding override", "warning"))
    if role in REPLACEABLE:
        links.append(Link(url("recuse"), "Step off this case", "warning"))
    return links


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    if state.stage is None or state.stage in FINAL_STAGES:
        return []
    facts = state.facts
    links: list[Link] = []
    if state.stage in _BEFORE_FINDINGS and not facts.complainant_agrees_informal:
        links.append(
            Link(reverse("intake:choice", args=["informal"]), "Agree to informal resolution")
        )
    if state.stage in _BEFORE_FINDINGS and not facts.complainant_consents_to_referral:
        links.append(
            Link(reverse("intake:choice", args=["referral"]), "Consent to referral to the police")
        )
    elif state.stage in _BEFORE_FINDINGS:
        links.append(
            Link(
                reverse("intake:choice", args=["no_referral"]),
                "Withdraw your consent to referral to the police",
            )
        )
    if not state.advocate_changes_requested:
        links.append(Link(reverse("intake:change_advocate"), "Ask for a different advocate"))
    return links
