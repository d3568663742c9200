"""Passkeys through the pages, with Django's test client: adding, listing and removing
them on her account pages, and using one instead of a code at the second step of
signing in. Every refusal is plain and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ombuds.people.models import Passkey, User
from tests.conftest import PASSWORD, Cast, sign_in
from tests.signin.authenticator import SoftAuthenticator
from tests.signin.passkey_pages import authenticator, offers_passkey, page_options

pytestmark = pytest.mark.django_db
PAGE = "/account/passkeys/"


def signed_in(person: User) -> Client:
    client = Client()
    sign_in(client, person.username, PASSWORD)
    return client


def add_through_page(client: Client, device: SoftAuthenticator, name: str = "Laptop") -> Any:
    page = client.get(PAGE)
    assert page.status_code == 200
    return client.post(
        PAGE, {"name": name, "credential": device.create(page_options(page.content))}
    )


def test_she_adds_names_and_removes_passkeys_on_her_account_page(cast: Cast) -> None:
    person = cast.case_manager
    client = signed_in(person)
    page = client.get(PAGE)
    assert b"You have no passkeys." in page.content
    assert b"js/passkeys.js" in page.content and b"<script>" not in page.content
    # Without JavaScript the form stays hidden and says why.
    assert b"Adding a passkey needs JavaScript" in page.content
    response = add_through_page(client, authenticator(), "Work laptop")
    assert response.status_code == 302 and response["Location"] == PAGE
    add_through_page(client, authenticator(), "Security key")
    page = client.get(PAGE)
    assert b"Your passkey Work laptop was added." not in page.content  # shown once, earlier
    assert b"Your passkey Security key was added." in page.content
    assert page.content.index(b"<td>Work laptop") < page.content.index(b"<td>Security key")
    first = Passkey.objects.get(person=person, name="Work laptop")
    response = client.post(f"/account/passkeys/{first.pk}/remove/")
    assert response.status_code == 302
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Security key"]
    assert b"The passkey was removed." in client.get(PAGE).content


def test_a_response_that_does_not_verify_is_refused_plainly_and_adds_nothing(cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    page = client.get(PAGE)
    device = authenticator()
    forged = device.create(page_options(page.content), origin="https://0mbuds.test")
    response = client.post(PAGE, {"name": "Laptop", "credential": forged})
    assert response.status_code == 400
    assert b"That passkey could not be added" in response.content
    assert b'value="Laptop"' in response.content  # what she typed is kept
    # JavaScript off, or the browser gave nothing: the same plain refusal.
    response = client.post(PAGE, {"name": "Laptop", "credential": ""})
    assert response.status_code == 400 and b"could not be added" in response.content
    assert not Passkey.objects.exists()


def test_a_registration_replayed_from_another_page_is_refused(cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    device = authenticator()
    answer = device.create(page_options(client.get(PAGE).content))
    assert client.post(PAGE, {"name": "Laptop", "credential": answer}).status_code == 302
    Passkey.objects.all().delete()
    client.get(PAGE)  # a new challenge: the old answer does not match it
    response = client.post(PAGE, {"name": "Laptop", "credential": answer})
    assert response.status_code == 400 and not Passkey.objects.exists()


def test_no_one_removes_someone_elses_passkey(cast: Cast) -> None:
    add_through_page(signed_in(cast.case_manager), authenticator())
    passkey = Passkey.objects.get()
    response = signed_in(cast.advocate).post(f"/account/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 404 and Passkey.objects.filter(pk=passkey.pk).exists()


def _password_step(person: User) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    assert response["Location"] == "/sign-in/code/"
    return client


def test_a_passkey_signs_her_in_instead_of_a_code(cast: Cast) -> None:
    person, device = cast.case_manager, authenticator()
    client = signed_in(person)
    assert not offers_passkey(client.get("/sign-in/code/").content)
    add_through_page(client, device)
    client = _password_step(person)
    page = client.get("/sign-in/code/")
    assert b"Use a passkey instead" in page.content and b"js/passkeys.js" in page.content
    answer = device.get(page_options(page.content))
    response = client.post("/sign-in/code/", {"credential": answer})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert client.get("/cases/").status_code == 200
    # The same answer again, at her next sign-in: its challenge is gone.
    client = _password_step(person)
    client.get("/sign-in/code/")
    response = client.post("/sign-in/code/", {"credential": answer})
    assert response.status_code == 400
    assert b"That passkey was not accepted" in response.content
    assert client.get("/cases/").status_code == 302


def test_a_passkey_from_another_site_or_a_cloned_one_does_not_sign_her_in(cast: Cast) -> None:
    person, device = cast.case_manager, authenticator()
    add_through_page(signed_in(person), device)
    client = _password_step(person)
    page = client.get("/sign-in/code/")
    phished = device.get(page_options(page.content), origin="https://0mbuds.test")
    assert client.post("/sign-in/code/", {"credential": phished}).status_code == 400
    assert client.get("/cases/").status_code == 302
    page = client.get("/sign-in/code/")
    response = client.post("/sign-in/code/", {"credential": device.get(page_options(page.content))})
    # Signed in, and told first of the refused passkey.
    assert response["Location"] == "/account/sign-in-attempts/"
    client = _password_step(person)
    page = client.get("/sign-in/code/")
    behind = device.get(page_options(page.content), counter=device.counter - 1)
    assert client.post("/sign-in/code/", {"credential": behind}).status_code == 400
    assert client.get("/cases/").status_code == 302
