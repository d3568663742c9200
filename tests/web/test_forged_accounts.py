"""A database administrator who writes rows gains no working session (DESIGN; SECURITY.md
threat model): an account row the signed record does not prove cannot sign in, a role
changed by hand opens no page of that role, and a key pair swapped under a real name is
refused. Each is refused as a wrong password or another role's page would be."""

from __future__ import annotations

import logging
import secrets

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client

from ombuds import vault
from ombuds.people.models import User
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, sign_in
from tests.insider import insider_sql

pytestmark = pytest.mark.django_db
CHOSEN = "a passphrase the insider chose 77"


def _locked_pair() -> tuple[bytes, bytes]:
    keys = vault.new_keypair()
    return keys.public_key, vault.lock_private_key(
        keys.private_key, password=CHOSEN, cost=settings.OMBUDS_KDF
    )


def _refused(client: Client, username: str) -> str:
    response = client.post("/sign-in/", {"username": username, "password": CHOSEN})
    text = response.content.decode()
    assert response.status_code == 400 and "sessionid" not in response.cookies
    return text


def test_an_administrator_row_written_by_hand_cannot_sign_in(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    public, locked = _locked_pair()
    insider_sql(
        "INSERT INTO people_user (username, display_name, role, pseudonym, public_key,"
        " locked_private_key, is_active, email, language, sessions_epoch, password, last_login)"
        " VALUES (%s, '', %s, %s, %s, %s, %s, '', 'en', 0, %s, NULL)",
        ["forged-admin", Role.ADMINISTRATOR.value, secrets.token_hex(8), public, locked, True,
         make_password(CHOSEN)],
    )  # fmt: skip
    client = Client()
    with caplog.at_level(logging.INFO):
        page = _refused(client, "forged-admin")
    wrong = _refused(Client(), cast.administrator.username)  # a real name, a wrong password
    assert "The sign-in name or password is not right" in page
    assert page.count("is not right") == wrong.count("is not right")  # told nothing more
    assert any(getattr(r, "security", {}).get("event") == "person.unproven" for r in caplog.records)
    assert client.get("/admin-area/").status_code == 302  # still signed out


def test_a_role_changed_by_hand_opens_no_page_of_that_role(cast: Cast) -> None:
    client = Client()
    sign_in(client, cast.case_manager.username, PASSWORD)
    insider_sql(
        "UPDATE people_user SET role = %s WHERE id = %s",
        [Role.ADMINISTRATOR.value, cast.case_manager.pk],
    )
    assert client.get("/admin-area/").status_code == 403
    assert client.post("/admin-area/organisations/new/", {"name": "Planted"}).status_code == 403


def test_a_key_pair_swapped_under_a_real_name_cannot_sign_in(cast: Cast) -> None:
    # Her public key is left as signed; the password hash and the locked private key are
    # the insider's own, so the password is "right" but the key is not hers.
    _, locked = _locked_pair()
    insider_sql(
        "UPDATE people_user SET password = %s, locked_private_key = %s WHERE id = %s",
        [make_password(CHOSEN), locked, cast.administrator.pk],
    )
    _refused(Client(), cast.administrator.username)
    # And with her public key swapped too, the signed key print no longer matches.
    public, locked = _locked_pair()
    insider_sql(
        "UPDATE people_user SET public_key = %s, locked_private_key = %s WHERE id = %s",
        [public, locked, cast.administrator.pk],
    )
    _refused(Client(), cast.administrator.username)
    assert User.objects.get(pk=cast.administrator.pk).role == Role.ADMINISTRATOR
