"""Finding 2: staff sign-in has a second factor, a throttle with growing delays that
holds across processes, the holder told of failures, and strong passwords only.
Finding 4 (in part): staff sessions end when idle and at an absolute limit."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pyotp
import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from ombuds.lib.errors import InvalidInput
from ombuds.limits.models import FailureCount
from ombuds.limits.rules import FREE_FAILURES, MAX_WAIT_SECONDS, wait_after
from ombuds.people.models import SecondFactor, User
from ombuds.people.second_factor import totp_secret
from ombuds.people.services import person_create
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, enrol_second_factor, sign_in, totp_code

T0 = 1_900_000_000.0


def _password(client: Client, username: str, password: str = PASSWORD) -> int:
    return client.post("/sign-in/", {"username": username, "password": password}).status_code


def test_finding_2_staff_need_a_second_factor(cast: Cast) -> None:
    client = Client()
    response = client.post(
        "/sign-in/", {"username": cast.case_manager.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/"
    assert client.get("/cases/").status_code == 302  # not signed in yet
    assert client.post("/sign-in/code/", {"code": "000000"}).status_code == 400
    assert client.get("/cases/").status_code == 302
    response = client.post("/sign-in/code/", {"code": totp_code(cast.case_manager)})
    # Signed in, and told of the wrong code first.
    assert response.status_code == 302 and response["Location"] == "/account/sign-in-attempts/"
    assert client.get("/cases/").status_code == 200


def test_finding_2_wrong_passwords_slow_down_the_account_even_for_the_right_one(
    cast: Cast,
) -> None:
    name = cast.case_manager.username
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(FREE_FAILURES):
            assert _password(Client(), name, "wrong password here") == 400
        # Another client, the right password: refused before it is even checked.
        response = Client().post("/sign-in/", {"username": name, "password": PASSWORD})
        assert response.status_code == 429
        assert b"Wait 1 second before you try again" in response.content
        clock.shift(1)
        assert _password(Client(), name, "wrong password here") == 400
        assert _password(Client(), name) == 429  # now 2 seconds
        clock.shift(2)
        assert _password(Client(), name) == 302


def test_the_wait_is_told_in_welsh_on_the_welsh_page(cast: Cast) -> None:
    """Respondents and complainants with accounts sign in here too: the refusals are in
    the page's language, with Welsh plural forms for the wait."""
    name = cast.auditor.username
    with time_machine.travel(T0, tick=False) as clock:
        wrong = {"username": name, "password": "wrong password here"}
        refused = Client().post("/cy/sign-in/", wrong)
        assert "Nid yw'r enw mewngofnodi na'r cyfrinair yn gywir" in html.unescape(
            refused.content.decode()
        )
        for _ in range(FREE_FAILURES - 1):
            Client().post("/sign-in/", wrong)
        clock.shift(1)
        Client().post("/sign-in/", wrong)  # six in a row: two seconds to wait
        response = Client().post("/cy/sign-in/", {"username": name, "password": PASSWORD})
        assert response.status_code == 429
        assert "Gormod o ymdrechion anghywir. Arhoswch 2 eiliad" in response.content.decode()


def test_finding_2_weak_passwords_are_refused(make_person: Callable[..., User]) -> None:
    for weak in ("zzzzzzzzzzzz", "abcdefghijk", "ombuds2026!", "password1234", "qwertyuiop12"):
        with pytest.raises(InvalidInput):
            person_create(actor=None, username="weak", password=weak, role=Role.AUDITOR)
    with pytest.raises(InvalidInput):  # her own name
        person_create(
            actor=None,
            username="priya.shah",
            password="priyashah1986",
            role=Role.AUDITOR,
            display_name="Priya Shah",
        )


def test_growing_delays_with_a_controlled_clock(db: None) -> None:
    assert [wait_after(n) for n in range(FREE_FAILURES + 4)] == [0] * FREE_FAILURES + [1, 2, 4, 8]
    assert wait_after(100) == MAX_WAIT_SECONDS


def test_the_throttle_keys_on_a_hash_of_the_name_even_for_unknown_names(db: None) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(FREE_FAILURES):
            _password(Client(), "nobody-here", "wrong password here")
        assert _password(Client(), "nobody-here", "wrong password here") == 429
    row = FailureCount.objects.get()
    assert "nobody" not in row.key and len(row.key) == 64


def test_the_holder_is_told_of_failures_at_her_next_sign_in(cast: Cast) -> None:
    name = cast.auditor.username
    for _ in range(3):
        _password(Client(), name, "wrong password here")
    client = Client()
    client.post("/sign-in/", {"username": name, "password": PASSWORD})
    response = client.post("/sign-in/code/", {"code": totp_code(cast.auditor)})
    assert response["Location"] == "/account/sign-in-attempts/"
    page = client.get("/account/sign-in-attempts/").content.decode()
    assert "were 3 failed attempts" in page
    assert client.get("/account/sign-in-attempts/")["Location"] == "/home/"  # told once
    assert not FailureCount.objects.exists()


def test_wrong_codes_count_as_failures(cast: Cast) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False):
        client.post("/sign-in/", {"username": cast.advocate.username, "password": PASSWORD})
        for _ in range(FREE_FAILURES):
            assert client.post("/sign-in/code/", {"code": "123456"}).status_code == 400
        right = pyotp.TOTP(totp_secret(cast.advocate)).now()
        assert client.post("/sign-in/code/", {"code": right}).status_code == 429


def test_a_code_works_once_and_a_recovery_code_once(make_person: Callable[..., User]) -> None:
    person = make_person(Role.INVESTIGATOR)
    SecondFactor.objects.filter(person=person).delete()
    codes = enrol_second_factor(person)
    assert len(codes) == 10 and all(len(c.replace("-", "")) == 24 for c in codes)
    code = totp_code(person)
    first, second = Client(), Client()
    first.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    second.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    assert first.post("/sign-in/code/", {"code": code}).status_code == 302
    assert second.post("/sign-in/code/", {"code": code}).status_code == 400  # replayed
    assert second.post("/sign-in/code/", {"code": codes[0]}).status_code == 302
    third = Client()
    third.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    assert third.post("/sign-in/code/", {"code": codes[0]}).status_code == 400  # spent


def test_first_sign_in_sets_up_the_authenticator(make_person: Callable[..., User]) -> None:
    person = make_person(Role.AUDITOR)
    SecondFactor.objects.filter(person=person).delete()
    client = Client()
    response = client.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    assert response["Location"] == "/sign-in/set-up/"
    page = client.get("/sign-in/set-up/").content.decode()
    # The QR code is drawn on the server: no script of its own (the layout's one script
    # is the exit link's, from a file) and no inline style.
    own = page.replace('<script src="/static/js/exit-this-page.js" defer></script>', "")
    assert "<svg" in page and "<script" not in own and "style=" not in page
    secret = totp_secret(person)
    response = client.post("/sign-in/set-up/", {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/sign-in/recovery-codes/"
    shown = client.get("/sign-in/recovery-codes/").content.decode()
    assert shown.count("<code>") == 10
    # The codes are never in the session table in the clear (a stolen copy of the
    # database must open nothing): wrapped, with their key in a cookie for this page only.
    codes = re.findall(r"<code>([^<]+)</code>", shown)
    stored = "".join(Session.objects.values_list("session_data", flat=True))
    decoded = str([s.get_decoded() for s in Session.objects.all()])
    assert not [c for c in codes if c in stored or c in decoded]
    assert client.cookies["ombuds_recovery_codes"]["path"] == "/sign-in/recovery-codes/"
    assert client.get("/oversight/").status_code == 302  # not signed in until she continues
    assert client.post("/sign-in/recovery-codes/")["Location"] == "/home/"
    assert client.get("/oversight/").status_code == 200
    assert client.get("/sign-in/recovery-codes/").status_code == 302  # shown once


def test_second_factor_pages_need_the_password_first(db: None) -> None:
    for page in ("/sign-in/code/", "/sign-in/set-up/", "/sign-in/recovery-codes/"):
        response = Client().get(page)
        assert response.status_code == 302 and response["Location"] == "/sign-in/?ended=1"


def test_finding_4_staff_sessions_end_when_idle_and_at_the_absolute_limit(cast: Cast) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = Client()
        sign_in(client, cast.case_manager.username)
        clock.shift(29 * 60)
        assert client.get("/cases/").status_code == 200
        clock.shift(29 * 60)
        assert client.get("/cases/").status_code == 200  # active: not idle
        clock.shift(31 * 60)
        response = client.get("/cases/")
        assert response.status_code == 302 and response["Location"] == "/sign-in/?ended=1"
        assert client.get("/cases/").status_code == 302

        client = Client()
        sign_in(client, cast.case_manager.username)
        for _ in range(20):  # busy all day, never idle for long
            clock.shift(29 * 60)
            assert client.get("/cases/").status_code == 200
        clock.shift(25 * 60)  # 10 h 5 min after signing in
        assert client.get("/cases/")["Location"] == "/sign-in/?ended=1"


def test_a_browser_she_signed_in_with_before_skips_the_delay(cast: Cast) -> None:
    """Someone guessing at her name cannot keep her out (no malicious lockout)."""
    name = cast.investigator.username
    hers = Client()
    with time_machine.travel(T0, tick=False):
        sign_in(hers, name)
        hers.post("/sign-out/")
        for _ in range(FREE_FAILURES + 3):
            _password(Client(), name, "wrong password here")
        assert _password(Client(), name) == 429  # a stranger's browser waits
        assert _password(hers, name) == 302  # hers does not
