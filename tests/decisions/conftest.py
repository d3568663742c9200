"""A case brought to its final findings, with a joined respondent and a pool of panel
members; and helpers that act as each person. Data is made through the services; the
investigation's facts are recorded as the investigation's services record them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import (
    Participant,
    complainant_participant,
    handler_participant,
    respondent_participant,
)
from ombuds.cases.read_models import case_state
from ombuds.decisions.panels import panel_allocate
from ombuds.decisions.services import (
    OutcomeChoice,
    decision_propose,
    decision_record,
    decision_sign,
)
from ombuds.intake.services import Submission
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.respondents.services import Joined, respondent_invite, respondent_join
from tests.conftest import PASSWORD, Cast

RESPONDENT_PASSWORD = "her own secret 42"

# (the allegation as disclosed, the investigator's finding, her reasons)
FINDINGS: list[tuple[str, str, str]] = [
    (
        "On 3 March you made remarks about her body in the office kitchen.",
        "upheld",
        "Two witnesses heard the remarks and the respondent accepted making them.",
    ),
    (
        "On 10 March you followed her to the car park.",
        "not_upheld",
        "The door entry records show the respondent left an hour later.",
    ),
]


def key_of(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def as_handler(person: User, case: Case) -> Participant:
    return handler_participant(person, fresh(case), key_of(person))


def under_investigation(report: Submission, cast: Cast) -> Case:
    cm = cast.case_manager
    case = case_services.case_acknowledge(actor=cm, case=report.case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key_of(cm), scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=key_of(cm), role=Role.INVESTIGATOR)
    return case_record(as_handler(cm, case), events.INVESTIGATION_OPENED)


def record_findings(
    case: Case, investigator: User, findings: Sequence[tuple[str, str, str]] = FINDINGS
) -> Case:
    """Disclose the allegations, record the respondent's interview, make the findings final
    (the events the investigation's services append)."""
    case_record(
        as_handler(investigator, case),
        events.ALLEGATIONS_DISCLOSED,
        content={"allegations": [text for text, _, _ in findings]},
        metadata={"count": len(findings)},
        key=Key.RESPONDENT,
    )
    case_record(
        as_handler(investigator, case),
        events.INTERVIEW_RECORDED,
        content={"notes": "The respondent answered every question."},
        metadata={"interview": 1, "interviewee": Role.RESPONDENT.value},
    )
    report = {
        "standard": "the balance of probabilities",
        "summary": "The investigation is complete.",
        "findings": [
            {"allegation": n, "text": text, "outcome": outcome, "reasons": reasons}
            for n, (text, outcome, reasons) in enumerate(findings, start=1)
        ],
    }
    return case_record(as_handler(investigator, case), events.FINDINGS_RECORDED, content=report)


@dataclass
class Scene:
    """A case at `findings`: its people, and every panel member in the pool."""

    report: Submission
    cast: Cast
    respondent: Joined
    pool: list[User]
    case: Case

    def refresh(self) -> Case:
        self.case = fresh(self.case)
        return self.case

    def handler(self, person: User) -> Participant:
        return as_handler(person, self.case)

    def complainant(self) -> Participant:
        return complainant_participant(self.report.access)

    def the_respondent(self) -> Participant:
        return respondent_participant(self.respondent.person, self.respondent.private_key)

    def case_manager(self) -> Participant:
        return self.handler(self.cast.case_manager)


def bring_to_findings(
    report: Submission, cast: Cast, findings: Sequence[tuple[str, str, str]] = FINDINGS
) -> tuple[Case, Joined]:
    case = under_investigation(report, cast)
    invitation = respondent_invite(participant=as_handler(cast.investigator, case))
    joined = respondent_join(code=invitation.code, password=RESPONDENT_PASSWORD)
    return record_findings(case, cast.investigator, findings), joined


@pytest.fixture
def scene(anonymous_report: Submission, cast: Cast, make_person: Callable[..., User]) -> Scene:
    pool = [cast.panel_member, *(make_person(Role.PANEL_MEMBER) for _ in range(5))]
    case, joined = bring_to_findings(anonymous_report, cast)
    return Scene(report=anonymous_report, cast=cast, respondent=joined, pool=pool, case=case)


# Acting as the panel ---------------------------------------------------------------------

ACCEPT_ALL = [OutcomeChoice(number=1, outcome="accept"), OutcomeChoice(number=2, outcome="accept")]
PANEL_REASONS = "The panel agrees with the investigator on both allegations."


def allocate(scene: Scene) -> list[User]:
    return panel_allocate(participant=scene.case_manager())


def propose(
    scene: Scene,
    member: User,
    *,
    sanctions: Sequence[str] = ("reprimand", "training"),
    outcomes: Sequence[OutcomeChoice] = ACCEPT_ALL,
    reasons: str = PANEL_REASONS,
) -> Case:
    return decision_propose(
        participant=scene.handler(member), outcomes=outcomes, sanctions=sanctions, reasons=reasons
    )


def sign(scene: Scene, member: User) -> Case:
    return sign_case(scene.case, member)


def sign_case(case: Case, member: User) -> Case:
    proposal = case_state(case.id).proposal
    return decision_sign(participant=as_handler(member, case), proposal=proposal)


def decide_case(
    case: Case,
    panel: Sequence[User],
    *,
    sanctions: Sequence[str] = ("reprimand", "training"),
    name: str = "Councillor Grey",
    outcomes: Sequence[OutcomeChoice] = ACCEPT_ALL,
) -> Case:
    """Propose, two more signatures, record: the whole panel decides."""
    decision_propose(
        participant=as_handler(panel[0], case),
        outcomes=outcomes,
        sanctions=sanctions,
        reasons=PANEL_REASONS,
    )
    sign_case(case, panel[1])
    sign_case(case, panel[2])
    return decision_record(participant=as_handler(panel[0], case), respondent_name=name)


def decide(
    scene: Scene,
    panel: Sequence[User],
    *,
    sanctions: Sequence[str] = ("reprimand", "training"),
    name: str = "Councillor Grey",
    outcomes: Sequence[OutcomeChoice] = ACCEPT_ALL,
) -> Case:
    scene.case = decide_case(scene.case, panel, sanctions=sanctions, name=name, outcomes=outcomes)
    return scene.case
