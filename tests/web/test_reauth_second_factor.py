"""The administrator's re-check (people/reauth_views.py) asks for the second factor as
signing in does: her password and a code from her app, a recovery code, or a passkey.
Without both, the administrator action stays closed; wrong tries are counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from ombuds.intake.services import Submission
from ombuds.limits.rules import FREE_FAILURES
from ombuds.people.models import RecoveryCode, SecondFactor
from tests.conftest import PASSWORD, Cast, enrol_second_factor, sign_in, totp_code
from tests.signin.passkey_pages import a_passkey, authenticator, offers_passkey, page_options

pytestmark = pytest.mark.django_db
CONFIRM = "/account/confirm/"
ACTION = "/admin-area/staff/new/"


@pytest.fixture
def stale(cast: Cast) -> Iterator[tuple[Client, Any]]:
    """The administrator, signed in six minutes ago: her actions ask her to confirm."""
    with (
        override_settings(OMBUDS_REAUTH_SECONDS=300),
        time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller,
    ):
        client = Client()
        sign_in(client, cast.administrator.username, PASSWORD)
        traveller.shift(timedelta(minutes=6))
        assert client.get(ACTION)["Location"].startswith(CONFIRM)
        yield client, traveller


def confirmed(client: Client) -> bool:
    return client.get(ACTION).status_code == 200


def test_the_confirmation_page_asks_for_the_code(cast: Cast, stale: tuple[Client, Any]) -> None:
    client, _ = stale
    page = client.get(CONFIRM, {"next": ACTION})
    assert b'name="password"' in page.content and b'name="code"' in page.content
    assert b"6-digit code from your authenticator app" in page.content
    response = client.post(CONFIRM, {"password": PASSWORD, "next": ACTION})
    assert response.status_code == 400
    assert b"Enter the code from your authenticator app." in response.content
    assert not confirmed(client)


def test_a_wrong_code_leaves_the_action_closed(cast: Cast, stale: tuple[Client, Any]) -> None:
    client, _ = stale
    response = client.post(CONFIRM, {"password": PASSWORD, "code": "000000", "next": ACTION})
    assert response.status_code == 400 and b"That code is not right" in response.content
    assert not confirmed(client)
    data = {"password": PASSWORD, "code": totp_code(cast.administrator), "next": ACTION}
    response = client.post(CONFIRM, data)
    assert response.status_code == 302 and response["Location"] == ACTION
    assert confirmed(client)


def test_a_right_code_with_a_wrong_password_is_refused_and_not_spent(
    cast: Cast, stale: tuple[Client, Any]
) -> None:
    client, _ = stale
    code = totp_code(cast.administrator)
    wrong = client.post(CONFIRM, {"password": "not her password", "code": code, "next": ACTION})
    assert wrong.status_code == 400 and b"The password is not right" in wrong.content
    assert not confirmed(client)
    right = client.post(CONFIRM, {"password": PASSWORD, "code": code, "next": ACTION})
    assert right.status_code == 302 and confirmed(client)


def test_a_recovery_code_confirms_once(cast: Cast, stale: tuple[Client, Any]) -> None:
    client, traveller = stale
    # The cast enrolled her at sign-in; give her known recovery codes (a reset through the
    # service would also end this session, as it should).
    SecondFactor.objects.filter(person=cast.administrator).delete()
    RecoveryCode.objects.filter(person=cast.administrator).delete()
    codes = enrol_second_factor(cast.administrator)
    data = {"password": PASSWORD, "code": codes[0], "next": ACTION}
    assert client.post(CONFIRM, data).status_code == 302 and confirmed(client)
    assert RecoveryCode.objects.filter(person=cast.administrator, used_at=None).count() == 9
    traveller.shift(timedelta(minutes=6))
    assert client.post(CONFIRM, data).status_code == 400 and not confirmed(client)


def test_a_passkey_confirms_instead_of_a_code(cast: Cast, stale: tuple[Client, Any]) -> None:
    client, _ = stale
    assert not offers_passkey(client.get(CONFIRM).content)
    device = authenticator()
    a_passkey(cast.administrator, device)
    page = client.get(CONFIRM, {"next": ACTION})
    answer = device.get(page_options(page.content))
    # The passkey does not stand in for the password.
    response = client.post(CONFIRM, {"password": "not hers", "credential": answer, "next": ACTION})
    assert response.status_code == 400 and not confirmed(client)
    page = client.get(CONFIRM, {"next": ACTION})
    phished = device.get(page_options(page.content), origin="https://0mbuds.test")
    response = client.post(CONFIRM, {"password": PASSWORD, "credential": phished, "next": ACTION})
    assert response.status_code == 400 and b"That passkey was not accepted" in response.content
    assert not confirmed(client)
    page = client.get(CONFIRM, {"next": ACTION})
    answer = device.get(page_options(page.content))
    response = client.post(CONFIRM, {"password": PASSWORD, "credential": answer, "next": ACTION})
    assert response.status_code == 302 and confirmed(client)
    # Replayed: its challenge was taken.
    response = client.post(CONFIRM, {"password": PASSWORD, "credential": answer, "next": ACTION})
    assert response.status_code == 400


def test_wrong_tries_at_the_confirmation_are_slowed_down(
    cast: Cast, stale: tuple[Client, Any]
) -> None:
    client, _ = stale
    for _ in range(FREE_FAILURES):
        data = {"password": PASSWORD, "code": "000000", "next": ACTION}
        assert client.post(CONFIRM, data).status_code == 400
    data = {"password": PASSWORD, "code": totp_code(cast.administrator), "next": ACTION}
    response = client.post(CONFIRM, data)
    assert response.status_code == 429 and b"Too many wrong attempts" in response.content
    assert not confirmed(client)


def test_passkey_changes_ask_any_staff_member_to_confirm_first(cast: Cast) -> None:
    person = cast.investigator
    with (
        override_settings(OMBUDS_REAUTH_SECONDS=300),
        time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller,
    ):
        client = Client()
        sign_in(client, person.username, PASSWORD)
        assert client.get("/account/passkeys/").status_code == 200  # just signed in
        traveller.shift(timedelta(minutes=6))
        opened = client.get("/account/passkeys/")
        assert opened.status_code == 302 and opened["Location"].startswith(CONFIRM)
        for response in (  # a form sent is answered with the confirmation page itself
            client.post("/account/passkeys/", {"name": "Laptop"}),
            client.post("/account/passkeys/1/remove/"),
        ):
            assert response.status_code == 200 and b"Confirm your password" in response.content
        page = client.get(CONFIRM, {"next": "/account/passkeys/"})
        assert b"Your passkeys change how you sign in." in page.content
        data = {"password": PASSWORD, "code": totp_code(person), "next": "/account/passkeys/"}
        response = client.post(CONFIRM, data)
        assert response["Location"] == "/account/passkeys/"
        assert client.get("/account/passkeys/").status_code == 200


def test_someone_not_staff_is_refused_the_passkey_pages_even_with_a_stale_check(
    identified_report: Submission,
) -> None:
    with (
        override_settings(OMBUDS_REAUTH_SECONDS=300),
        time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller,
    ):
        client = Client()
        response = client.post(
            "/sign-in/", {"username": identified_report.sign_in_name, "password": PASSWORD}
        )
        assert response.status_code == 302
        traveller.shift(timedelta(minutes=6))
        assert client.get("/account/passkeys/").status_code == 403
        assert client.post("/account/passkeys/1/remove/").status_code == 403
        assert client.get(CONFIRM).status_code == 403
