"""Escrow personas: complainants (each with her own report) and a matching counsellor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ombuds.intake.services import report_submit
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from ombuds.people.session import ComplainantAccess
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, an_account


@pytest.fixture
def counsellor(make_person: Callable[..., User]) -> User:
    return make_person(Role.MATCHING_COUNSELLOR)


@pytest.fixture
def counsellor_key(counsellor: User) -> bytes:
    return person_unlock_key(person=counsellor, password=PASSWORD)


@pytest.fixture
def complainants(
    cast: Cast, organisation: Organisation, counsellor: User
) -> Callable[[int], list[ComplainantAccess]]:
    def make(n: int) -> list[ComplainantAccess]:
        return [
            report_submit(
                organisation_slug=organisation.slug, account=an_account(), anonymous=True
            ).access
            for _ in range(n)
        ]

    return make
