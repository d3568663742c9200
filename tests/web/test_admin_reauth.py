"""Finding 3 of issue 7, second half: administrator actions ask for the password again
when it was last typed more than OMBUDS_REAUTH_SECONDS ago."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import get_resolver

from ombuds.cases import staff_views
from ombuds.decisions import views as decision_views
from ombuds.decisions.models import SanctionCatalogue
from ombuds.people import views as people_views
from ombuds.people.models import Organisation, User
from ombuds.survey import views as survey_views
from ombuds.timetable import admin_views as deadline_views
from ombuds.vetting import views as vetting_views
from tests.conftest import PASSWORD, Cast, date_boxes, sign_in, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_window")]
CONFIRM = "/account/confirm/"
NEW_STAFF = {
    "username": "new-manager",
    "display_name": "New Manager",
    "role": "case_manager",
    "password": PASSWORD,
    "confirm_password": PASSWORD,
}


@pytest.fixture
def real_window() -> Iterator[None]:
    with override_settings(OMBUDS_REAUTH_SECONDS=300):
        yield


def admin_client(cast: Cast) -> Client:
    client = Client()
    sign_in(client, cast.administrator.username, PASSWORD)
    return client


def test_a_fresh_sign_in_counts_as_a_check(cast: Cast) -> None:
    client = admin_client(cast)
    response = client.post("/admin-area/staff/new/", NEW_STAFF)
    assert response.status_code == 302 and response["Location"] == "/admin-area/staff/"
    assert User.objects.filter(username="new-manager").exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin-area/staff/new/", NEW_STAFF),
        ("/admin-area/organisations/new/", {"name": "Planted Party"}),
        ("/admin-area/organisations/{slug}/sanctions/", {"codes": ["apology"]}),
    ],
)
def test_finding_3_stale_password_check_stops_administrator_actions(
    cast: Cast, organisation: Organisation, url: str, data: dict[str, object]
) -> None:
    url = url.format(slug=organisation.slug)
    with time_machine.travel(0, tick=False) as traveller:
        traveller.move_to("2026-03-02 09:00:00+00:00")
        client = admin_client(cast)
        traveller.shift(timedelta(minutes=5, seconds=1))
        staff, organisations = User.objects.count(), Organisation.objects.count()
        sanctions = SanctionCatalogue.objects.count()
        opened = client.get(url)
        assert opened.status_code == 302
        assert opened["Location"] == f"{CONFIRM}?{urlencode({'next': url})}"
        sent = client.post(url, data)  # answered with the confirmation page itself
        assert sent.status_code == 200 and b"Confirm your password" in sent.content
        assert User.objects.count() == staff and Organisation.objects.count() == organisations
        assert SanctionCatalogue.objects.count() == sanctions
        # A wrong password changes nothing; the right one sends her back to the page.
        wrong = client.post(CONFIRM, {"password": "not her password", "code": "1", "next": url})
        assert wrong.status_code == 400 and b"The password is not right" in wrong.content
        assert client.get(url).status_code == 302
        code = totp_code(cast.administrator)
        right = client.post(CONFIRM, {"password": PASSWORD, "code": code, "next": url})
        assert right.status_code == 302 and right["Location"] == url
        assert client.get(url).status_code == 200
        # The new check lasts its own five minutes, and no longer.
        traveller.shift(timedelta(minutes=4))
        assert client.get(url).status_code == 200
        traveller.shift(timedelta(minutes=2))
        assert client.get(url)["Location"].startswith(CONFIRM)


def test_confirmation_sends_nowhere_but_this_site(cast: Cast) -> None:
    client = admin_client(cast)
    code = totp_code(cast.administrator)
    data = {"password": PASSWORD, "code": code, "next": "https://elsewhere.test/"}
    response = client.post(CONFIRM, data)
    assert response.status_code == 302 and response["Location"] == "/home/"


def test_every_administrator_action_asks_for_a_recent_password() -> None:
    """Each /admin-area/ view that takes a POST is behind the re-check (a new one must
    be added here and decorated)."""
    guarded = {
        people_views.organisation_new,
        people_views.staff_new,
        staff_views.staff_member,
        decision_views.sanctions,
        deadline_views.calendar,
        deadline_views.calendar_region,
        deadline_views.closure_add,
        deadline_views.closure_remove,
        deadline_views.levels,
        survey_views.survey_list,
        survey_views.manage,
        survey_views.question_add,
        survey_views.tokens_issue,
        survey_views.close,
        vetting_views.permission_set,
        vetting_views.policy,
    }
    for view in guarded:
        assert _has_recheck(view), view.__name__
    routes = _admin_routes()
    assert routes == {
        "admin-area/",
        "admin-area/organisations/new/",
        "admin-area/staff/",
        "admin-area/staff/new/",
        "admin-area/staff/<str:username>/",
        "admin-area/organisations/<slug:slug>/sanctions/",
        "admin-area/organisations/<slug:slug>/calendar/",
        "admin-area/organisations/<slug:slug>/calendar/region/",
        "admin-area/organisations/<slug:slug>/calendar/closures/",
        "admin-area/organisations/<slug:slug>/calendar/closures/remove/",
        "admin-area/organisations/<slug:slug>/service-levels/",
        "admin-area/surveys/",
        "admin-area/vetting/",
        "admin-area/vetting/<str:pseudonym>/",
        "admin-area/organisations/<slug:slug>/vetting/",
        "admin-area/surveys/<uuid:survey>/",
        "admin-area/surveys/<uuid:survey>/questions/",
        "admin-area/surveys/<uuid:survey>/tokens/",
        "admin-area/surveys/<uuid:survey>/close/",
    }, "a new administrator page: decide whether it changes state, and guard it"


def _has_recheck(view: object) -> bool:
    while view is not None:
        if getattr(view, "recent_password_required", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _admin_routes() -> set[str]:
    found = set()

    def walk(patterns: Sequence[Any], prefix: str) -> None:
        for entry in patterns:
            inner = getattr(entry, "url_patterns", None)
            route = prefix + str(entry.pattern)
            if inner is not None:
                walk(inner, route)
            elif route.startswith("admin-area/"):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    return found


def test_a_stale_post_to_an_action_returns_to_the_page_of_its_form(
    cast: Cast, organisation: Organisation
) -> None:
    calendar = f"/admin-area/organisations/{organisation.slug}/calendar/"
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        client = admin_client(cast)
        traveller.shift(timedelta(minutes=6))
        response = client.post(
            f"{calendar}closures/",
            {**date_boxes("day", "2026-12-24"), "name": "Office closed"},
            HTTP_REFERER=f"http://testserver{calendar}",
        )
        page = response.content.decode()
        assert f'name="next" value="{calendar}"' in page
        assert f'name="carry_to" value="{calendar}closures/"' in page


def test_a_form_sent_after_the_window_is_kept_through_the_confirmation(cast: Cast) -> None:
    """Filling a form took longer than the window: she confirms her password, then sends
    what she typed with one more button. Only the passwords are asked for again."""
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        client = admin_client(cast)
        traveller.shift(timedelta(minutes=6))
        sent = client.post("/admin-area/staff/new/", NEW_STAFF)
        page = sent.content.decode()
        assert sent.status_code == 200 and "What you entered on the last page is kept" in page
        assert 'name="carry-display_name" value="New Manager"' in page
        assert PASSWORD not in page and not User.objects.filter(username="new-manager").exists()
        confirmation = parse_qsl_form(page)
        wrong = client.post(CONFIRM, {**confirmation, "password": "not hers", "code": "1"})
        assert wrong.status_code == 400 and 'value="New Manager"' in wrong.content.decode()
        code = totp_code(cast.administrator)
        right = client.post(CONFIRM, {**confirmation, "password": PASSWORD, "code": code})
        resend = right.content.decode()
        assert right.status_code == 200 and "Passwords you typed were not kept" in resend
        assert 'action="/admin-area/staff/new/"' in resend
        fields = parse_qsl_form(resend)
        assert fields["display_name"] == "New Manager" and "password" not in fields
        again = client.post("/admin-area/staff/new/", fields)
        assert again.status_code == 400 and b"Enter an initial password" in again.content
        assert 'value="New Manager"' in again.content.decode()
        done = client.post("/admin-area/staff/new/", {**fields, **NEW_STAFF})
        assert done.status_code == 302
        assert User.objects.filter(username="new-manager").exists()


def parse_qsl_form(page: str) -> dict[str, str]:
    """The hidden fields of the page's form (the last value of each name)."""
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in hidden if name != "csrfmiddlewaretoken"}
