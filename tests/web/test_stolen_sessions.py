"""Finding 3 of issue 7: a stolen database with its live sessions acts as no one.

The whole case of the authorisation matrix is built and everyone signs in through the
real pages. Then a thief copies the live session keys out of `django_session` (the
administrator's, a case manager's, the complainant's) and replays each as the session
cookie on every page and action of the matrix: each answer is exactly the one a visitor
with no cookie at all gets, a redirect to a sign-in page, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client, override_settings
from pytest_django import DjangoDbBlocker

from ombuds.people.models import User
from ombuds.web.session_store import row_key
from tests.web.matrix_cases import PASSWORD, World, build_world, sign_in_everyone
from tests.web.test_authorization_matrix import ROWS

pytestmark = pytest.mark.django_db

VICTIMS = ("administrator", "case_manager", "complainant")


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    blobs: Path = tmp_path_factory.mktemp("stolen-blobs")
    with (
        django_db_blocker.unblock(),
        override_settings(OMBUDS_BLOB_DIR=blobs),
        transaction.atomic(),
    ):
        built, receipts = build_world()
        sign_in_everyone(built, receipts)
        yield built
        transaction.set_rollback(True)


def stolen_row(world: World, persona: str) -> str:
    """The `django_session` key of this persona's live session, as a thief reads it."""
    cookie = world.cookies[persona][settings.SESSION_COOKIE_NAME]
    stored = set(Session.objects.values_list("session_key", flat=True))
    assert cookie not in stored, "the session id is stored in the clear"
    assert row_key(cookie) in stored, "the live session is not in the table"
    return row_key(cookie)


def thief(row: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = row
    return client


@pytest.mark.parametrize("persona", VICTIMS)
def test_finding_3_stolen_session_key_is_useless(world: World, persona: str) -> None:
    row = stolen_row(world, persona)
    # The real browser still works: the session is live.
    assert world.client(persona).get("/home/").status_code == 302
    before = world.events()
    for entry in ROWS:
        url = entry.path.format(**world.values)
        got = thief(row).get(url) if entry.method == "GET" else thief(row).post(url, {})
        expected = entry.cells["anonymous"]
        label = f"{persona} replayed on {entry.label}"
        assert got.status_code == expected.status == 302, label
        assert got["Location"].startswith(expected.to), label
        assert got["Location"].startswith(("/sign-in/", "/return/")), label
    assert world.events() == before


def test_finding_3_stolen_administrator_session_creates_no_one(world: World) -> None:
    row = stolen_row(world, "administrator")
    staff = User.objects.count()
    got = thief(row).post(
        "/admin-area/staff/new/",
        {
            "username": "planted-manager",
            "display_name": "Planted Manager",
            "role": "case_manager",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert got.status_code == 302 and got["Location"].startswith("/sign-in/")
    assert User.objects.count() == staff
