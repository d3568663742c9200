"""Shared: a report received on a Monday and closed the same day, so its check-ins fall
due 30, 60 and 90 days later (the third on a Sunday, so the Monday after)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from ombuds.cases import services as case_services
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant, handler_participant
from ombuds.intake.services import Submission, report_submit
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, an_account

MONDAY = datetime(2026, 11, 23, 10, tzinfo=UTC)
CLOSED_AT = datetime(2026, 11, 23, 15, tzinfo=UTC)
FIRST_DUE = datetime(2026, 12, 23, 23, 59, 59, tzinfo=UTC)  # a Wednesday
SECOND_DUE = datetime(2027, 1, 22, 23, 59, 59, tzinfo=UTC)  # a Friday
THIRD_DUE = datetime(2027, 2, 22, 23, 59, 59, tzinfo=UTC)  # 21 Feb is a Sunday


def close(case: Case, manager: User) -> Case:
    key = person_unlock_key(person=manager, password=PASSWORD)
    return case_services.case_close(
        actor=manager, case=Case.objects.get(pk=case.pk), private_key=key, reason="Resolved."
    )


@pytest.fixture
def closed(cast: Cast, organisation: Organisation) -> Submission:
    """An anonymous report, closed by the case manager: check-ins are owed."""
    with time_machine.travel(MONDAY, tick=False):
        submission = report_submit(
            organisation_slug=organisation.slug, account=an_account(), anonymous=True
        )
    with time_machine.travel(CLOSED_AT, tick=False):
        close(submission.case, cast.case_manager)
    return submission


def advocate_of(case: Case, person: User) -> Participant:
    key = person_unlock_key(person=person, password=PASSWORD)
    return handler_participant(person, Case.objects.get(pk=case.pk), key)


def complainant_of(submission: Submission) -> Participant:
    return complainant_participant(submission.access)


__all__ = ["Role"]
