"""The vetting pages: the liaison's check (happy path, errors by their fields, 403 without
the permission with nothing recorded), the lists, the respondent's page, the linked cases."""

from __future__ import annotations

from typing import Any

from django.test import Client

from ombuds.ledger.models import Event
from ombuds.people.models import Organisation, User
from ombuds.people.services import organisation_create
from ombuds.record.events import scheme as events_scheme
from ombuds.vetting.models import Check
from ombuds.vetting.selectors import may_vet, policy_for
from tests.conftest import Cast, sign_in
from tests.vetting.conftest import NAMED, PURPOSE, report_naming


def _home(liaison: User) -> str:
    return liaison.organisation.slug if liaison.organisation else ""


def _post(client: Client, liaison: User, **changes: str) -> Any:
    data = {"name": NAMED, "email": "", "organisation": _home(liaison),
            "purpose": PURPOSE, **changes}  # fmt: skip
    return client.post("/vetting/", data)


def test_the_liaison_makes_a_check(
    client: Client, vetter: User, organisation: Organisation
) -> None:
    sign_in(client, vetter.username)
    assert client.get("/vetting/").status_code == 200
    response = _post(client, vetter)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No record." in page and PURPOSE in page
    assert NAMED not in page  # the form is emptied; the name is never shown back
    assert Check.objects.count() == 1


def test_bad_input_is_explained_by_its_field_and_nothing_is_recorded(
    client: Client, vetter: User, organisation: Organisation
) -> None:
    other = organisation_create(actor=None, name="Other Party")
    sign_in(client, vetter.username)
    for changes, field, words in [
        ({"purpose": ""}, "purpose", "Say why you are asking"),
        ({"organisation": other.slug}, "organisation", "your own organisation"),
        ({"name": "Jane"}, "name", "first name alone"),
        ({"name": ""}, "name", "full name"),
    ]:
        response = _post(client, vetter, **changes)
        page = response.content.decode()
        assert response.status_code == 400, changes
        assert f'href="#id_{field}"' in page and words in page, changes
    assert not Check.objects.exists()
    assert not Event.objects.filter(type=events_scheme.VETTING_CHECKED.type).exists()


def test_a_liaison_without_the_permission_gets_403_and_nothing_is_recorded(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.liaison.username)
    assert client.get("/vetting/").status_code == 403
    assert _post(client, cast.liaison).status_code == 403
    assert not Check.objects.exists()


def test_the_lists_and_the_linked_cases(
    client: Client, vetter: User, cast: Cast, officer: User, organisation: Organisation
) -> None:
    sign_in(client, vetter.username)
    _post(client, vetter)
    client.logout()
    sign_in(client, officer.username)
    page = client.get("/vetting/checks/").content.decode()
    assert PURPOSE in page and str(vetter) in page
    assert client.get("/vetting/access-requests/").status_code == 200
    client.logout()
    sign_in(client, cast.auditor.username)
    page = client.get("/oversight/vetting/").content.decode()
    assert PURPOSE in page and str(vetter) not in page
    client.logout()
    first = report_naming(organisation).case
    second = report_naming(organisation, "Grey, Jane").case
    sign_in(client, cast.case_manager.username)
    page = client.get(f"/cases/{second.reference}/").content.decode()
    assert "Another case names the same person" in page
    page = client.get(f"/cases/{second.reference}/same-person/").content.decode()
    assert first.reference in page and "He made comments" not in page


def test_the_administrator_grants_and_withdraws_the_permission(client: Client, cast: Cast) -> None:
    sign_in(client, cast.administrator.username)
    assert str(cast.liaison) in client.get("/admin-area/vetting/").content.decode()
    url = f"/admin-area/vetting/{cast.liaison.pseudonym}/"
    assert client.post(url, {"allow": "yes"}).status_code == 302
    assert may_vet(cast.liaison)
    client.post(url, {"allow": "no"})
    assert not may_vet(cast.liaison)
    types = set(Event.objects.values_list("type", flat=True))
    assert {events_scheme.VETTING_GRANTED.type, events_scheme.VETTING_WITHDRAWN.type} <= types


def test_the_administrator_sets_the_vetting_policy(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    sign_in(client, cast.administrator.username)
    url = f"/admin-area/organisations/{organisation.slug}/vetting/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"finding_years": "99"})
    assert response.status_code == 400 and 'href="#id_finding_years"' in response.content.decode()
    assert client.post(url, {"finding_years": "3"}).status_code == 302
    policy = policy_for(organisation)
    assert policy.finding_years == 3 and not policy.tell_person
    assert Event.objects.filter(type=events_scheme.VETTING_POLICY_SET.type).count() == 1
