"""A report naming a person, and the people of a vetting check: a liaison with the
vetting permission, an oversight officer. Made through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ombuds.intake.services import Submission, report_submit
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from ombuds.record.roles import Role
from ombuds.vetting.services import CheckAnswer, vetting_check, vetting_permission_grant
from tests.conftest import PASSWORD, Cast, an_account

NAMED = "Councillor Jane Grey"
PURPOSE = "Appointment to the shadow cabinet"


def report_naming(organisation: Organisation, name: str = NAMED) -> Submission:
    return report_submit(
        organisation_slug=organisation.slug,
        account=an_account(respondent_name=name),
        anonymous=True,
    )


@pytest.fixture
def officer(make_person: Callable[..., User]) -> User:
    return make_person(Role.OVERSIGHT_OFFICER)


@pytest.fixture
def vetter(cast: Cast) -> User:
    vetting_permission_grant(actor=cast.administrator, person=cast.liaison)
    return cast.liaison


def check(liaison: User, name: str = NAMED, **changes: str) -> CheckAnswer:
    home = liaison.organisation.slug if liaison.organisation else ""
    asked = {"email": "", "organisation": home, "purpose": PURPOSE, **changes}
    key = person_unlock_key(person=liaison, password=PASSWORD)
    return vetting_check(
        liaison=liaison, private_key=key, name=name, email=asked["email"],
        organisation=asked["organisation"], purpose=asked["purpose"],
    )  # fmt: skip
