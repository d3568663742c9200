"""A case under investigation with its respondent joined, made through the services, and
helpers to move it along (allegations told, interviews, drafts, measures)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ombuds import vault
from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import (
    Participant,
    complainant_participant,
    handler_participant,
    respondent_participant,
)
from ombuds.intake.services import Submission
from ombuds.investigation.measures import measure_approve, measure_propose
from ombuds.investigation.services import (
    draft_report_comment,
    draft_report_share,
    interview_record,
)
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.liaison.models import NoticeCopy
from ombuds.lib.working_days import is_working_day
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
from tests.conftest import PASSWORD, Cast, sign_in, sign_in_with_receipt

RESPONDENT_PASSWORD = "her own secret 42"
ALLEGATIONS = [
    "On 3 March you made remarks about a colleague's body in the office kitchen.",
    "On 10 March you sent her messages late at night asking to meet alone.",
]
COMPLAINANT_NOTES = "She described the kitchen remarks in detail; Jo from finance was there."
RESPONDENT_NOTES = "He said the remarks were a joke and that nobody objected at the time."
REASON = "He chairs the branch meetings the complainant must attend."


@functools.cache
def _key(username: str) -> bytes:
    return person_unlock_key(person=User.objects.get(username=username), password=PASSWORD)


def key_of(person: User) -> bytes:
    return _key(person.username)


def working_day_after(days: int, start: date | None = None) -> date:
    """The first working day at least `days` days after `start` (today by default)."""
    day = (start or timezone.now().date()) + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def events_of(case: Case) -> int:
    return Event.objects.filter(stream=case_stream(case.id)).count()


def types_of(case: Case) -> list[str]:
    return list(
        Event.objects.filter(stream=case_stream(case.id))
        .order_by("stream_version")
        .values_list("type", flat=True)
    )


def signed_in(person: User, password: str = PASSWORD) -> Client:
    client = Client()
    sign_in(client, person.username, password)
    return client


@dataclass
class World:
    """One case under investigation and everyone on it."""

    report: Submission
    cast: Cast
    joined: Joined

    @property
    def case(self) -> Case:
        return Case.objects.get(pk=self.report.case.pk)

    def handler(self, person: User) -> Participant:
        return handler_participant(person, self.case, key_of(person))

    def investigator(self) -> Participant:
        return self.handler(self.cast.investigator)

    def case_manager(self) -> Participant:
        return self.handler(self.cast.case_manager)

    def complainant(self) -> Participant:
        return complainant_participant(self.report.access)

    def respondent(self) -> Participant:
        return respondent_participant(self.joined.person, self.joined.private_key)

    # Clients, signed in through the real pages.
    def client_of(self, person: User) -> Client:
        return signed_in(person)

    def complainant_client(self) -> Client:
        client = Client()
        assert self.report.receipt is not None
        sign_in_with_receipt(client, self.report.receipt)
        return client

    def respondent_client(self) -> Client:
        return signed_in(self.joined.person, RESPONDENT_PASSWORD)

    def page(self, part: str) -> str:
        return f"/cases/{self.case.reference}/{part}"

    # Moving the case along.
    def disclose(self) -> None:
        allegations_disclose(participant=self.investigator(), allegations=ALLEGATIONS)

    def interview(self, interviewee: str, notes: str = "", witness: str = "") -> int:
        default = RESPONDENT_NOTES if interviewee == "respondent" else COMPLAINANT_NOTES
        return interview_record(
            participant=self.investigator(),
            interviewee=interviewee,
            notes=notes or default,
            held_on=timezone.now().date(),
            witness=witness,
        )

    def share_draft(self, outcome: str = "upheld") -> int:
        return draft_report_share(
            participant=self.investigator(),
            findings={n: (outcome, f"Reasons on allegation {n}.") for n in (1, 2)},
            summary="Two allegations were investigated.",
        )

    def both_comment(self, draft: int) -> None:
        for party in (self.complainant(), self.respondent()):
            draft_report_comment(participant=party, draft=draft, text="That date is wrong.")

    def ready_for_findings(self) -> int:
        self.disclose()
        self.interview("respondent")
        draft = self.share_draft()
        self.both_comment(draft)
        return draft

    def propose(self, days: int = 14, kind: str = "suspension_from_office") -> int:
        return measure_propose(
            participant=self.investigator(),
            kind=kind,
            review_date=working_day_after(days),
            reason=REASON,
            details="Chair of the Northern branch.",
        )

    def approved_measure(self, days: int = 14) -> int:
        number = self.propose(days)
        measure_approve(participant=self.case_manager(), measure=number, respondent_name="Pat Doe")
        return number

    def notices(self) -> list[dict[str, object]]:
        """What the liaison reads, opened with her own key, oldest first."""
        copies = NoticeCopy.objects.filter(liaison=self.cast.liaison).order_by("notice__sent_at")
        key = key_of(self.cast.liaison)
        return [
            json.loads(vault.open_sealed_for_person(bytes(c.sealed), private_key=key))
            for c in copies
        ]


def open_investigation(case: Case, cast: Cast) -> Case:
    cm = cast.case_manager
    key = key_of(cm)
    case = case_services.case_acknowledge(actor=cm, case=case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=key, role=Role.INVESTIGATOR)
    case = Case.objects.get(pk=case.pk)
    return case_record(handler_participant(cm, case, key), events.INVESTIGATION_OPENED)


@pytest.fixture(autouse=True)
def _fresh_keys() -> None:
    _key.cache_clear()  # each test has its own people


def make_world(report: Submission, cast: Cast) -> World:
    """The report's case under investigation, with its respondent joined (also for tests
    outside this folder, which do not have the fixtures below)."""
    _key.cache_clear()  # each world has its own people
    case = open_investigation(report.case, cast)
    code = respondent_invite(
        participant=handler_participant(cast.investigator, case, key_of(cast.investigator))
    ).code
    joined = respondent_join(code=code, password=RESPONDENT_PASSWORD)
    return World(report=report, cast=cast, joined=joined)


@pytest.fixture
def world(anonymous_report: Submission, cast: Cast) -> World:
    return make_world(anonymous_report, cast)
