"""Staff pages through the Django test client: every page's happy path, an outsider (404),
a wrong role (403), and nobody signed in (to the sign-in page)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from ombuds.cases import services as case_services
from ombuds.cases.lifecycle import ADVOCATE
from ombuds.cases.models import Assignment, Case
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger.models import Event
from ombuds.ledger.services import access_stream, case_stream
from ombuds.people.keyring import KEY_COOKIE
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.conftest import PASSWORD, Cast, an_account, finish_sign_in, sign_in

NEW_PASSWORD = "a different horse staple 7"
SIGN_IN = "/sign-in/"


def signed_in(person: User, password: str = PASSWORD) -> Client:
    client = Client()
    sign_in(client, person.username, password)
    return client


def events_of(case: Case) -> int:
    return Event.objects.filter(stream=case_stream(case.id)).count()


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def key_of(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def page(case: Case, action: str = "") -> str:
    base = f"/cases/{case.reference}/"
    return f"{base}{action}/" if action else base


@pytest.fixture
def case(anonymous_report: Submission) -> Case:
    return anonymous_report.case


@pytest.fixture
def acknowledged(case: Case, cast: Cast) -> Case:
    return case_services.case_acknowledge(actor=cast.case_manager, case=case)


# Signing in and out ---------------------------------------------------------------------


def test_sign_in_page_shows_the_form(db: None) -> None:
    response = Client().get(SIGN_IN)
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


@pytest.mark.parametrize("password", ["not the password", ""])
def test_wrong_password_gets_one_generic_error_and_keeps_the_name(
    cast: Cast, password: str
) -> None:
    response = Client().post(
        SIGN_IN, {"username": cast.case_manager.username, "password": password}
    )
    assert response.status_code == 400
    assert f'value="{cast.case_manager.username}"' in response.content.decode()
    if password:
        assert b"The sign-in name or password is not right" in response.content
        assert password.encode() not in response.content
    assert KEY_COOKIE not in response.cookies


def test_unknown_and_inactive_accounts_are_refused_the_same_way(cast: Cast) -> None:
    unknown = Client().post(SIGN_IN, {"username": "nobody-here", "password": PASSWORD})
    # No service deactivates accounts yet; the flag is what the auth backend checks.
    User.objects.filter(pk=cast.advocate.pk).update(is_active=False)
    inactive = Client().post(SIGN_IN, {"username": cast.advocate.username, "password": PASSWORD})
    for response in (unknown, inactive):
        assert response.status_code == 400
        assert b"The sign-in name or password is not right" in response.content


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("case_manager", "/cases/"),
        ("advocate", "/cases/"),
        ("investigator", "/cases/"),
        ("panel_member", "/cases/"),
        ("administrator", "/admin-area/"),
        ("auditor", "/oversight/"),
    ],
)
def test_home_sends_each_role_to_its_start_page(cast: Cast, role: str, target: str) -> None:
    client = Client()
    username = getattr(cast, role).username
    response = client.post(SIGN_IN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/"
    assert response.cookies[KEY_COOKIE].value
    response = finish_sign_in(client, response, username)
    assert response["Location"] == "/home/"
    home = client.get("/home/")
    assert home.status_code == 302 and home["Location"] == target
    assert client.get(target).status_code == 200


def test_liaison_home_is_her_notices_and_says_nothing_needs_action(cast: Cast) -> None:
    client = signed_in(cast.liaison)
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"] == "/liaison/"
    response = client.get("/liaison/")
    assert response.status_code == 200
    assert b"Nothing needs your action" in response.content


@pytest.mark.parametrize("role", ["case_manager", "advocate", "auditor", "administrator"])
def test_only_a_liaison_sees_notices(cast: Cast, role: str) -> None:
    assert signed_in(getattr(cast, role)).get("/liaison/").status_code == 403
    assert Client().get("/liaison/").status_code == 302


def test_complainant_account_goes_to_her_report(identified_report: Submission) -> None:
    assert identified_report.sign_in_name
    response = Client().post(
        SIGN_IN, {"username": identified_report.sign_in_name, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:my_report")


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(cast: Cast, case: Case) -> None:
    client = Client()
    response = client.get(page(case))
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    form = {"username": cast.case_manager.username, "password": PASSWORD}
    back = client.post(f"{SIGN_IN}?next={page(case)}", form)
    back = finish_sign_in(client, back, cast.case_manager.username)
    assert back["Location"] == page(case)
    elsewhere = Client()
    away = elsewhere.post(SIGN_IN, {**form, "next": "https://evil.example/"})
    away = finish_sign_in(elsewhere, away, cast.case_manager.username)
    assert away["Location"] == "/home/"


def test_sign_out_is_post_only_and_ends_the_session(cast: Cast) -> None:
    client = signed_in(cast.case_manager)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.status_code == 200
    assert b"You have signed out" in response.content
    assert response.cookies[KEY_COOKIE].value == ""
    assert client.get("/cases/")["Location"].startswith(SIGN_IN)


@pytest.mark.parametrize(
    "url",
    [
        "/home/",
        "/account/password/",
        "/admin-area/",
        "/admin-area/organisations/new/",
        "/admin-area/staff/",
        "/admin-area/staff/new/",
        "/cases/",
        "/oversight/",
    ],
)
def test_pages_need_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


@pytest.mark.parametrize("action", ["", "acknowledge", "assess", "close", "allocate/advocate"])
def test_case_pages_need_sign_in(case: Case, action: str) -> None:
    for response in (Client().get(page(case, action)), Client().post(page(case, action))):
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_session_table_holds_no_usable_key(cast: Cast) -> None:
    signed_in(cast.case_manager)
    private_key = key_of(cast.case_manager)
    forms = {
        private_key,
        base64.b64encode(private_key),
        base64.urlsafe_b64encode(private_key),
        base64.b64encode(private_key).rstrip(b"="),
        private_key.hex().encode(),
        private_key.hex().upper().encode(),
    }
    sessions = list(Session.objects.all())
    assert sessions
    for session in sessions:
        stored = session.session_data.encode()
        decoded = session.get_decoded()
        values = b" ".join(str(v).encode() for v in decoded.values())
        for form in forms:
            assert form not in stored
            assert form not in values
        assert any("wrapped" in key for key in decoded)  # the key is there, but wrapped


# Password ------------------------------------------------------------------------------


def test_password_change_relocks_the_key(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # still signed in
    person = User.objects.get(pk=cast.case_manager.pk)
    assert person_unlock_key(person=person, password=NEW_PASSWORD)
    refused = Client().post(SIGN_IN, {"username": person.username, "password": PASSWORD})
    assert refused.status_code == 400
    again = signed_in(person, NEW_PASSWORD)
    read = again.get(page(case))
    assert read.status_code == 200
    assert b"He made comments about my body" in read.content


def test_password_change_refuses_a_wrong_current_password(cast: Cast) -> None:
    client = signed_in(cast.advocate)
    response = client.post(
        "/account/password/",
        {
            "old_password": "wrong one!!",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert b"Your current password is not right" in response.content
    assert User.objects.get(pk=cast.advocate.pk).check_password(PASSWORD)


def test_password_change_refuses_mismatched_passwords(cast: Cast) -> None:
    response = signed_in(cast.advocate).post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "other"},
    )
    assert response.status_code == 400
    assert b"The passwords do not match" in response.content
    assert b'href="#id_confirm_password"' in response.content


# Administrator pages --------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin-area/",
    "/admin-area/organisations/new/",
    "/admin-area/staff/",
    "/admin-area/staff/new/",
]


def test_admin_home_counts_staff_and_lists_organisations(cast: Cast, case: Case) -> None:
    response = signed_in(cast.administrator).get("/admin-area/")
    assert response.status_code == 200
    assert b"Demo Party" in response.content
    assert b"Case manager" in response.content
    assert case.reference.encode() not in response.content


@pytest.mark.parametrize(
    "role", ["case_manager", "advocate", "investigator", "panel_member", "liaison", "auditor"]
)
def test_admin_pages_refuse_other_roles(cast: Cast, role: str) -> None:
    client = signed_in(getattr(cast, role))
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin-area/organisations/new/", {"name": "X"}).status_code == 403
    assert not Organisation.objects.filter(name="X").exists()


def test_admin_adds_an_organisation(cast: Cast) -> None:
    client = signed_in(cast.administrator)
    response = client.post("/admin-area/organisations/new/", {"name": "Workers' Union"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Workers' Union").exists()
    home = client.get(response["Location"])
    assert b"has been added" in home.content
    duplicate = client.post("/admin-area/organisations/new/", {"name": "Workers' Union"})
    assert duplicate.status_code == 400
    assert b"already exists" in duplicate.content
    empty = client.post("/admin-area/organisations/new/", {"name": ""})
    assert empty.status_code == 400 and b"Enter the organisation" in empty.content


def test_admin_adds_staff_who_can_then_sign_in(cast: Cast, organisation: Organisation) -> None:
    client = signed_in(cast.administrator)
    assert b"privately" in client.get("/admin-area/staff/new/").content
    form = {
        "username": "new.liaison",
        "display_name": "New Liaison",
        "role": "liaison",
        "organisation": "",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    missing = client.post("/admin-area/staff/new/", form)
    assert missing.status_code == 400
    assert b"Choose the organisation this liaison works for" in missing.content
    assert b'value="new.liaison"' in missing.content  # what was typed is kept
    assert NEW_PASSWORD.encode() not in missing.content  # but never a password
    response = client.post("/admin-area/staff/new/", {**form, "organisation": organisation.pk})
    assert response.status_code == 302
    created = User.objects.get(username="new.liaison")
    assert (created.role, created.organisation) == ("liaison", organisation)
    listing = client.get(response["Location"])
    assert b"new.liaison" in listing.content and b"change it" in listing.content
    new_client = Client()
    sign_in(new_client, "new.liaison", NEW_PASSWORD)
    assert b"Nothing needs your action" in new_client.get("/liaison/").content


def test_admin_cannot_put_a_handler_in_an_organisation(
    cast: Cast, organisation: Organisation
) -> None:
    response = signed_in(cast.administrator).post(
        "/admin-area/staff/new/",
        {
            "username": "cm2",
            "display_name": "Case Manager Two",
            "role": "case_manager",
            "organisation": organisation.pk,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="cm2").exists()


def test_staff_list_shows_people_and_no_cases(cast: Cast, case: Case) -> None:
    response = signed_in(cast.administrator).get("/admin-area/staff/")
    assert response.status_code == 200
    content = response.content.decode()
    assert cast.investigator.username in content and cast.investigator.display_name in content
    assert case.reference not in content


# Cases ---------------------------------------------------------------------------------


def test_my_cases_lists_only_assigned_cases(cast: Cast, case: Case, outsider: User) -> None:
    for person in (cast.case_manager, cast.advocate):
        response = signed_in(person).get("/cases/")
        assert response.status_code == 200
        assert case.reference.encode() in response.content
    response = signed_in(outsider).get("/cases/")
    assert response.status_code == 200
    assert case.reference.encode() not in response.content


@pytest.mark.parametrize("role", ["liaison", "auditor", "administrator"])
def test_my_cases_refuses_roles_that_handle_no_cases(cast: Cast, case: Case, role: str) -> None:
    assert signed_in(getattr(cast, role)).get("/cases/").status_code == 403


@pytest.mark.parametrize(
    "action", ["", "acknowledge", "assess", "close", "allocate/advocate", "allocate/investigator"]
)
def test_outsider_gets_404_on_every_case_page(case: Case, outsider: User, action: str) -> None:
    client = signed_in(outsider)
    before = events_of(case)
    assert client.get(page(case, action)).status_code == 404
    form = {"version": case.version, "reason": "x", "scope": "in_scope", "risk": "low"}
    assert client.post(page(case, action), form).status_code == (404 if action else 405)
    assert events_of(case) == before


def test_a_handler_not_on_the_case_gets_404(cast: Cast, case: Case) -> None:
    client = signed_in(cast.investigator)
    assert client.get(page(case)).status_code == 404
    assert client.get("/cases/OMB-0000-0000/").status_code == 404


@pytest.mark.parametrize("role", ["liaison", "auditor", "administrator"])
def test_roles_that_handle_no_cases_get_403_on_any_case_page(
    cast: Cast, case: Case, role: str
) -> None:
    client = signed_in(getattr(cast, role))
    for url in (page(case), page(case, "close"), "/cases/OMB-0000-0000/"):
        assert client.get(url).status_code == 403  # the same whether the case exists or not


def test_case_page_decrypts_the_file_and_records_the_read(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    before = events_of(case)
    response = client.get(page(case))
    assert response.status_code == 200
    content = response.content.decode()
    assert "He made comments about my body in the office kitchen." in content
    assert "A senior councillor" in content
    assert cast.advocate.display_name in content and cast.case_manager.display_name in content
    assert "Report received" in content
    assert f'href="{page(case, "allocate/investigator")}"' in content
    assert f'href="{page(case, "acknowledge")}"' in content
    assert f'href="{page(case, "close")}"' in content
    assert f'href="{page(case, "assess")}"' not in content  # not acknowledged yet
    assert f'href="{page(case, "allocate/advocate")}"' not in content
    assert events_of(case) == before  # reading does not change the case
    reads = Event.objects.filter(stream=access_stream(case.id))
    assert [(e.type, e.actor_id) for e in reads] == [
        (events.CONTENT_READ.type, cast.case_manager.pseudonym)
    ]


def test_advocate_reads_the_case_but_is_offered_no_actions(cast: Cast, case: Case) -> None:
    response = signed_in(cast.advocate).get(page(case))
    assert response.status_code == 200
    assert b"A senior councillor" in response.content
    for action in ("acknowledge", "assess", "close", "allocate/investigator"):
        assert f'href="{page(case, action)}"'.encode() not in response.content


def test_case_page_without_the_key_cookie_signs_out(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    del client.cookies[KEY_COOKIE]
    before = events_of(case)
    response = client.get(page(case))
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?ended=1"
    assert b"session ended" in client.get(response["Location"]).content
    assert client.get("/cases/")["Location"].startswith(SIGN_IN)
    assert events_of(case) == before


@pytest.mark.parametrize(
    "action", ["acknowledge", "assess", "close", "allocate/investigator", "allocate/advocate"]
)
def test_advocate_cannot_take_case_manager_actions(cast: Cast, case: Case, action: str) -> None:
    client = signed_in(cast.advocate)
    before = events_of(case)
    assert client.get(page(case, action)).status_code == 403
    form = {"version": case.version, "reason": "Done.", "scope": "in_scope", "risk": "low"}
    assert client.post(page(case, action), form).status_code == 403
    assert events_of(case) == before


def test_acknowledge(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    confirm = client.get(page(case, "acknowledge"))
    assert confirm.status_code == 200
    assert f'name="version" value="{case.version}"'.encode() in confirm.content
    response = client.post(page(case, "acknowledge"), {"version": case.version})
    assert response.status_code == 302 and response["Location"] == page(case)
    assert fresh(case).stage == Stage.ACKNOWLEDGED
    assert b"The report has been acknowledged" in client.get(page(case)).content


def test_acknowledging_without_an_advocate_is_refused(
    make_person: Callable[..., User], organisation: Organisation
) -> None:
    case_manager = make_person(Role.CASE_MANAGER)
    submission = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )
    case = submission.case
    assert not Assignment.objects.filter(case=case, role=Role.ADVOCATE).exists()
    client = signed_in(case_manager)
    detail = client.get(page(case))
    assert f'href="{page(case, "allocate/advocate")}"'.encode() in detail.content
    assert f'href="{page(case, "acknowledge")}"'.encode() not in detail.content
    case = fresh(case)
    before = events_of(case)
    response = client.post(page(case, "acknowledge"), {"version": case.version})
    assert response.status_code == 400
    assert ADVOCATE.refusal.encode() in response.content
    assert fresh(case).stage == Stage.RECEIVED
    assert events_of(case) == before


def test_acknowledge_with_a_stale_version_changes_nothing(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    stale = case.version
    # Another handler reading the case meanwhile does not make the form stale...
    case_services.case_read(actor=cast.advocate, case=case, private_key=key_of(cast.advocate))
    assert fresh(case).version == stale
    # ...but another case manager's change does.
    case_services.case_allocate(
        actor=cast.case_manager,
        case=case,
        private_key=key_of(cast.case_manager),
        role=Role.INVESTIGATOR,
    )
    before = events_of(case)
    response = client.post(page(case, "acknowledge"), {"version": stale})
    assert response.status_code == 409
    assert b"Someone else changed this case just now" in response.content
    assert f'value="{fresh(case).version}"'.encode() in response.content
    assert fresh(case).stage == Stage.RECEIVED
    assert events_of(case) == before


def test_assess(cast: Cast, acknowledged: Case) -> None:
    client = signed_in(cast.case_manager)
    case = fresh(acknowledged)
    assert client.get(page(case, "assess")).status_code == 200
    form = {
        "version": case.version,
        "scope": "in_scope",
        "risk": "high",
        "notes": "Urgent: a pattern.",
    }
    response = client.post(page(case, "assess"), form)
    assert response.status_code == 302
    assert fresh(case).stage == Stage.ASSESSED
    detail = client.get(page(case)).content.decode()
    assert "Assessment recorded" in detail and "Urgent: a pattern." in detail
    assert "Within the scheme&#x27;s scope" in detail and "High" in detail


def test_assess_needs_scope_and_risk_and_keeps_the_notes(cast: Cast, acknowledged: Case) -> None:
    case = fresh(acknowledged)
    before = events_of(case)
    response = signed_in(cast.case_manager).post(
        page(case, "assess"), {"version": case.version, "notes": "My careful notes"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose whether the report is within the scheme&#x27;s scope" in content
    assert 'href="#id_scope_0"' in content and "Choose the level of risk" in content
    assert "My careful notes" in content
    assert events_of(case) == before


def test_assess_before_acknowledging_is_refused(cast: Cast, case: Case) -> None:
    response = signed_in(cast.case_manager).post(
        page(case, "assess"),
        {"version": case.version, "scope": "unclear", "risk": "low", "notes": ""},
    )
    assert response.status_code == 400
    assert b"it cannot be assessed now" in response.content
    assert fresh(case).stage == Stage.RECEIVED


def test_allocate_an_investigator(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    explain = client.get(page(case, "allocate/investigator"))
    assert explain.status_code == 200
    assert b"at random" in explain.content and b"nobody picked" in explain.content
    response = client.post(page(case, "allocate/investigator"), {"version": case.version})
    assert response.status_code == 302
    assert Assignment.objects.filter(
        case=case, person=cast.investigator, role=Role.INVESTIGATOR
    ).exists()
    detail = client.get(page(case)).content.decode()
    assert f"{cast.investigator.display_name} has been allocated as the investigator" in detail
    assert f'href="{page(case, "allocate/investigator")}"' not in detail


def test_allocating_a_second_advocate_is_refused(cast: Cast, case: Case) -> None:
    before = events_of(case)
    response = signed_in(cast.case_manager).post(
        page(case, "allocate/advocate"), {"version": case.version}
    )
    assert response.status_code == 400
    assert b"This case already has an advocate" in response.content
    assert events_of(case) == before


def test_allocate_only_advocates_and_investigators(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    assert client.get(page(case, "allocate/panel_member")).status_code == 404
    assert client.post(page(case, "allocate/case_manager"), {"version": 1}).status_code == 404


def test_close(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    assert client.get(page(case, "close")).status_code == 200
    response = client.post(
        page(case, "close"), {"version": case.version, "reason": "Resolved by agreement."}
    )
    assert response.status_code == 302
    assert fresh(case).stage == Stage.CLOSED
    detail = client.get(page(case)).content.decode()
    assert "Case closed" in detail and "Resolved by agreement." in detail
    assert f'href="{page(case, "close")}"' not in detail


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_without_a_reason_changes_nothing(cast: Cast, case: Case, reason: str) -> None:
    before = events_of(case)
    response = signed_in(cast.case_manager).post(
        page(case, "close"), {"version": case.version, "reason": reason}
    )
    assert response.status_code == 400
    assert b"Enter the reason for closing the case" in response.content
    assert b'href="#id_reason"' in response.content
    assert fresh(case).stage == Stage.RECEIVED
    assert events_of(case) == before


def test_closing_with_a_stale_version_changes_nothing(cast: Cast, case: Case) -> None:
    client = signed_in(cast.case_manager)
    stale = case.version
    case_services.case_acknowledge(actor=cast.case_manager, case=case)
    before = events_of(case)
    response = client.post(page(case, "close"), {"version": stale, "reason": "Typed with care."})
    assert response.status_code == 409
    assert b"Someone else changed this case just now" in response.content
    assert b"Typed with care." in response.content
    assert fresh(case).stage == Stage.ACKNOWLEDGED
    assert events_of(case) == before


def test_a_missing_version_is_refused(cast: Cast, case: Case) -> None:
    before = events_of(case)
    response = signed_in(cast.case_manager).post(page(case, "close"), {"reason": "Done."})
    assert response.status_code == 400
    assert b"This page is out of date" in response.content
    assert events_of(case) == before


# Oversight -----------------------------------------------------------------------------


def test_oversight_shows_verification_and_leaves_counts_to_the_statistics(
    cast: Cast, case: Case
) -> None:
    from ombuds.ledger.verification import run_verification

    client = signed_in(cast.auditor)
    assert "has not been verified yet" in client.get("/oversight/").content.decode()
    run_verification()  # as cron does: the page shows the stored run, it never verifies
    response = client.get("/oversight/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "The log verifies" in content
    assert "/oversight/statistics/" in content and "Cases by organisation" not in content
    assert case.reference not in content
    for person in (cast.case_manager, cast.advocate):
        assert person.display_name not in content and person.username not in content


def test_the_auditor_reads_who_read_which_case_and_who_is_no_longer_on_it(
    cast: Cast, case: Case
) -> None:
    from ombuds.cases.independence import handler_recuse
    from ombuds.cases.participants import handler_participant

    for handler in (cast.case_manager, cast.advocate):
        assert signed_in(handler).get(f"/cases/{case.reference}/").status_code == 200
    key = person_unlock_key(person=cast.advocate, password=PASSWORD)
    handler_recuse(participant=handler_participant(cast.advocate, case, key), reason="A conflict")
    page = signed_in(cast.auditor).get("/oversight/reads/").content.decode()
    assert page.count("<tr>") == 1 + 2  # the heading, and one row for each read
    assert page.count("No longer assigned") == 1 and "Case manager" in page
    # Neither the case nor any person is named: the auditor's own pseudonyms only.
    for secret in (case.reference, str(case.id), cast.advocate.pseudonym, cast.advocate.username):
        assert secret not in page
    assert signed_in(cast.auditor).get("/oversight/reads/?before=x").status_code == 404


def test_the_auditor_asks_for_a_full_reverification_run_in_the_background(
    cast: Cast, case: Case
) -> None:
    from ombuds.ledger.models import Verification
    from ombuds.ledger.verification import run_verification

    client = signed_in(cast.auditor)
    response = client.post("/oversight/verify/")
    assert response.status_code == 302 and response["Location"] == "/oversight/"
    client.post("/oversight/verify/")  # asking twice queues one run
    (request,) = Verification.objects.all()
    assert request.state == "requested" and request.requested_by == cast.auditor.pseudonym
    assert "is waiting for the next" in client.get("/oversight/").content.decode()
    run_verification(full=True)
    request.refresh_from_db()
    assert request.state == "done" and request.ok
    assert "Start a full re-verification" in client.get("/oversight/").content.decode()


def test_the_transparency_page_publishes_the_checkpoint_in_both_formats(case: Case) -> None:
    from django.test import Client

    from ombuds.ledger.models import Checkpoint
    from ombuds.ledger.note import parse_checkpoint_note

    latest = Checkpoint.objects.order_by("-size", "-id").first()
    assert latest is not None
    page = Client().get("/transparency/")
    assert page.status_code == 200
    assert (
        latest.root in page.content.decode()
        and "ombuds verify --checkpoint" in page.content.decode()
    )
    note = Client().get("/transparency/checkpoint.txt")
    assert note.status_code == 200 and note["Content-Type"].startswith("text/plain")
    parsed = parse_checkpoint_note(note.content.decode())
    assert (parsed.size, parsed.root.hex()) == (latest.size, latest.root)
    assert case.reference not in page.content.decode()


@pytest.mark.parametrize(
    "role", ["case_manager", "advocate", "investigator", "panel_member", "liaison", "administrator"]
)
def test_oversight_refuses_other_roles(cast: Cast, role: str) -> None:
    assert signed_in(getattr(cast, role)).get("/oversight/").status_code == 403
