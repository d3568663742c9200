"""A case under investigation, its respondent invited, joined and told the allegations.
All made through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant, respondent_participant
from ombuds.intake.services import Submission
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.respondents.services import (
    Joined,
    allegations_disclose,
    respondent_invite,
    respondent_join,
)
from tests.conftest import PASSWORD, Cast, sign_in

RESPONDENT_PASSWORD = "her own secret 42"
HIDDEN = "seen by Sam Hidden-Witness"
ALLEGATIONS = [
    "On 3 March you made remarks about a colleague's body in the office kitchen.",
    f"On 10 March you repeated them at a meeting [redact]{HIDDEN}[/redact] of the branch.",
]
DISCLOSED = [
    ALLEGATIONS[0],
    "On 10 March you repeated them at a meeting of the branch.",
]


def key_of(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def handler(person: User, case: Case) -> Participant:
    return handler_participant(person, Case.objects.get(pk=case.pk), key_of(person))


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def signed_in(person: User, password: str = PASSWORD) -> Client:
    client = Client()
    sign_in(client, person.username, password)
    return client


def open_investigation(case: Case, cast: Cast) -> Case:
    cm = cast.case_manager
    key = key_of(cm)
    case = case_services.case_acknowledge(actor=cm, case=case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=key, role=Role.INVESTIGATOR)
    return case_record(handler_participant(cm, fresh(case), key), events.INVESTIGATION_OPENED)


@dataclass
class Respondent:
    case: Case
    code: str
    joined: Joined | None = None

    @property
    def person(self) -> User:
        assert self.joined is not None
        return self.joined.person

    def participant(self) -> Participant:
        assert self.joined is not None
        return respondent_participant(self.joined.person, self.joined.private_key)

    def client(self) -> Client:
        return signed_in(self.person, RESPONDENT_PASSWORD)


@pytest.fixture
def investigation(anonymous_report: Submission, cast: Cast) -> Case:
    return open_investigation(anonymous_report.case, cast)


@pytest.fixture
def invited(investigation: Case, cast: Cast) -> Respondent:
    code = respondent_invite(participant=handler(cast.investigator, investigation)).code
    return Respondent(case=fresh(investigation), code=code)


@pytest.fixture
def joined(invited: Respondent) -> Respondent:
    invited.joined = respondent_join(code=invited.code, password=RESPONDENT_PASSWORD)
    invited.case = fresh(invited.case)
    return invited


@pytest.fixture
def disclosed(joined: Respondent, cast: Cast) -> Respondent:
    joined.case = allegations_disclose(
        participant=handler(cast.investigator, joined.case), allegations=ALLEGATIONS
    )
    return joined
