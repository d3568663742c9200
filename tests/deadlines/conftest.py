"""Shared: an oversight officer, and a report received on a Monday (due Wednesday)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from ombuds.cases.models import Case
from ombuds.intake.services import Submission, report_submit
from ombuds.notifications.services import contact_address_set
from ombuds.people.models import Organisation, User
from ombuds.record.roles import Role
from tests.conftest import Cast, an_account

MONDAY = datetime(2026, 11, 23, 10, tzinfo=UTC)  # report received; due Wed 25 Nov
THURSDAY = datetime(2026, 11, 26, 9, tzinfo=UTC)


@pytest.fixture
def officer(make_person: object) -> User:
    person: User = make_person(Role.OVERSIGHT_OFFICER)  # type: ignore[operator]
    contact_address_set(actor=person, email="oversight@example.org")
    return person


@pytest.fixture
def late_case(cast: Cast, organisation: Organisation, officer: User) -> Case:
    contact_address_set(actor=cast.case_manager, email="cm@example.org")
    with time_machine.travel(MONDAY, tick=False):
        submission: Submission = report_submit(
            organisation_slug=organisation.slug, account=an_account(), anonymous=True
        )
    return submission.case
