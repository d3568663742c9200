"""Links the investigation offers on shared pages (see ombuds/web/links.py): only what
the reader can follow now. Built from metadata; nothing is decrypted here."""

from __future__ import annotations

from django.urls import reverse

from ombuds.cases.lifecycle import RESPONDENT_HEARD
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.rules import IN_FORCE, PROPOSED, status_on
from ombuds.investigation.selectors import (
    draft_status,
    findings_final,
    interviews_of,
    today,
)
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import CaseState


def _investigator_links(case: Case, state: CaseState) -> list[Link]:
    def url(name: str) -> str:
        return reverse(f"investigation:{name}", args=[case.reference])

    interviews = interviews_of(case)
    links = [Link(url("evidence"), "Evidence list")]
    if interviews:
        links.append(Link(url("interviews"), f"Interviews ({len(interviews)})"))
    if state.stage != Stage.INVESTIGATION:
        return links
    facts = state.facts
    links.append(Link(url("interview_record"), "Record an interview"))
    if facts.respondent_told_allegations:
        links.append(
            Link(
                url("interview_declined"),
                "Record a declined interview",
                hint="When the respondent was offered an interview and declined it.",
            )
        )
    if RESPONDENT_HEARD.holds(facts):
        draft = draft_status(case)
        label = "Share a revised draft report" if draft.number else "Share a draft report"
        links.append(Link(url("draft_report"), label))
        if draft.number:
            links.append(Link(url("findings"), "Record the findings", style="primary"))
    return links


def _case_manager_links(case: Case) -> list[Link]:
    on = today()
    links = []
    for measure in InterimMeasure.objects.filter(case=case).order_by("number"):
        args = [case.reference, measure.number]
        status = status_on(measure.status, measure.review_date, on)
        if status == PROPOSED and measure.review_date > on:
            url = reverse("investigation:measure_approve", args=args)
            links.append(Link(url, f"Approve interim measure {measure.number}", "primary"))
        elif status in IN_FORCE:
            url = reverse("investigation:measure_review", args=args)
            hint = f"Lapses after {measure.review_date:%d %B %Y} unless reviewed."
            links.append(Link(url, f"Review interim measure {measure.number}", hint=hint))
    return links


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    """The investigator's interviews, draft, findings and measures; the case manager's
    approvals and reviews of interim measures."""
    role = Role(person.role)
    measures_url = reverse("investigation:measures", args=[case.reference])
    if role == Role.INVESTIGATOR:
        links = _investigator_links(case, state)
        if state.stage in OPEN_STAGES:
            links.append(Link(measures_url, "Interim measures"))
        return links
    if role == Role.CASE_MANAGER and InterimMeasure.objects.filter(case=case).exists():
        return [*_case_manager_links(case), Link(measures_url, "Interim measures")]
    return []


def _party_links(
    participant: Participant, state: CaseState, interview_url: str, draft_url: str
) -> list[Link]:
    case = participant.case
    if state.stage not in OPEN_STAGES:  # nothing left to check or comment on
        return (
            [Link(reverse(draft_url), "Read the investigator's findings")]
            if findings_final(case)
            else []
        )
    links = [
        Link(
            reverse(interview_url, args=[i.number]),
            f"Check the notes of your interview (interview {i.number})",
            hint="Tell the investigator if anything is inaccurate.",
        )
        for i in interviews_of(case)
        if i.interviewee == participant.role.value
    ]
    if findings_final(case):
        links.append(Link(reverse(draft_url), "Read the investigator's findings"))
    elif draft_status(case).number:
        links.append(
            Link(
                reverse(draft_url),
                "Comment on the draft report",
                style="primary",
                hint="Tell the investigator about anything factually inaccurate.",
            )
        )
    return links


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    if participant.role != Role.COMPLAINANT:
        return []
    return _party_links(
        participant, state, "investigation:my_interview", "investigation:my_draft_report"
    )


def respondent_links(participant: Participant, state: CaseState) -> list[Link]:
    if participant.role != Role.RESPONDENT:
        return []
    links = _party_links(
        participant, state, "investigation:respond_interview", "investigation:respond_draft_report"
    )
    disclosed = InterimMeasure.objects.filter(case=participant.case).exclude(status=PROPOSED)
    if disclosed.exists():
        links.append(Link(reverse("investigation:respond_measures"), "Interim measures"))
    return links
