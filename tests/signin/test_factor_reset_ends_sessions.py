"""ASVS 7.4.3: when the administrator resets a staff member's second factor (a lost or
stolen phone), every session she has ends, not only her next sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from ombuds.people.models import User
from ombuds.people.second_factor import second_factor_reset
from ombuds.people.services import actor_of
from tests.conftest import PASSWORD, Cast, sign_in

pytestmark = pytest.mark.django_db


def test_a_second_factor_reset_ends_her_sessions_and_no_one_else_s(cast: Cast) -> None:
    hers, colleague = Client(), Client()
    sign_in(hers, cast.case_manager.username, PASSWORD)
    sign_in(colleague, cast.advocate.username, PASSWORD)
    assert hers.get("/cases/").status_code == 200

    second_factor_reset(person=cast.case_manager, actor=actor_of(cast.administrator))

    ended = hers.get("/cases/")
    assert ended.status_code == 302 and ended["Location"].startswith("/sign-in/")
    assert colleague.get("/cases/").status_code == 200
    assert User.objects.get(pk=cast.case_manager.pk).sessions_epoch == 1


def test_a_session_hash_is_django_s_own_until_an_epoch_is_raised(cast: Cast) -> None:
    """Deploying the epoch signs nobody out: at epoch 0 the hash is Django's."""
    person = cast.advocate
    django_hash = super(User, person)._get_session_auth_hash()  # type: ignore[misc]
    assert person.get_session_auth_hash() == django_hash
    person.sessions_epoch = 1
    assert person.get_session_auth_hash() != django_hash
