"""A person chooses where "please sign in" e-mails go, or none."""

from __future__ import annotations

import pytest
from django.test import Client

from ombuds.notifications.services import contact_address_of
from tests.conftest import Cast, sign_in

pytestmark = pytest.mark.django_db


def test_set_and_clear_the_address(client: Client, cast: Cast) -> None:
    sign_in(client, cast.investigator.username)
    assert client.get("/account/notifications/").status_code == 200
    bad = client.post("/account/notifications/", {"email": "not an address"})
    assert bad.status_code == 400 and b"name@example.org" in bad.content
    ok = client.post("/account/notifications/", {"email": "inv@example.org"})
    assert ok.status_code == 302
    # Her address never reaches an error report.
    assert ok.wsgi_request.sensitive_post_parameters == ("email",)  # type: ignore[attr-defined]
    assert contact_address_of(cast.investigator) == "inv@example.org"
    assert 'value="inv@example.org"' in client.get("/account/notifications/").content.decode()
    assert client.post("/account/notifications/", {"email": ""}).status_code == 302
    assert contact_address_of(cast.investigator) == ""


def test_the_address_given_on_the_welsh_page_gets_welsh_mail(client: Client, cast: Cast) -> None:
    sign_in(client, cast.investigator.username)
    page = client.get("/cy/account/notifications/").content.decode()
    assert "Cyfeiriad e-bost (dewisol)" in page
    saved = client.post("/cy/account/notifications/", {"email": "inv@example.org"})
    assert saved.status_code == 302
    cast.investigator.refresh_from_db()
    assert cast.investigator.language == "cy"
    assert contact_address_of(cast.investigator) == "inv@example.org"
    assert "Mae eich cyfeiriad hysbysiadau wedi" in client.get(saved["Location"]).content.decode()
