"""A page number or position typed into a list's address is a page that exists or a 404:
never a server error, whatever the digits (bad input changes nothing and is told so)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from ombuds.people.models import User
from ombuds.record.roles import Role
from tests.conftest import sign_in

# "²" is a digit to str.isdigit() but not to int(); 25 nines overflow the database.
NOT_PAGES = ["x", "0", "-1", "²", "1²", "9" * 25, " 1"]
LISTS = [
    (Role.AUDITOR, "/oversight/delay-register/", "page"),
    (Role.AUDITOR, "/oversight/reads/", "before"),
    (Role.OVERSIGHT_OFFICER, "/oversight/delays/", "page"),
]


@pytest.mark.parametrize(("role", "path", "name"), LISTS)
def test_a_list_answers_a_page_or_404(
    client: Client, make_person: Callable[..., User], role: Role, path: str, name: str
) -> None:
    sign_in(client, make_person(role).username)
    assert client.get(f"{path}?{name}=2").status_code == 200
    for raw in NOT_PAGES:
        if name == "before" and raw == "0":
            continue  # a position, not a page: 0 is the first event
        response = client.get(path, {name: raw})
        assert response.status_code == 404, (raw, response.status_code)
