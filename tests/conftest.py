"""Shared personas and helpers. Data is made through the services, never the ORM."""

from __future__ import annotations

import html
import itertools
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyotp
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ombuds.intake.report import ReportAccount
from ombuds.intake.services import Submission, report_submit
from ombuds.people.models import STAFF_ROLES, Organisation, SecondFactor, User
from ombuds.people.second_factor import totp_confirm, totp_secret
from ombuds.people.services import organisation_create, person_create
from ombuds.record.roles import Role

# No per-example deadline: on a busy 2-core machine a slow example is not a failure.
hypothesis_settings.register_profile("ombuds", deadline=None)
hypothesis_settings.load_profile("ombuds")

PASSWORD = "correct horse battery 9"
_names = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def instance_keys() -> None:
    """The instance's key files, made once as `ombuds migrate` makes them (never lazily)."""
    from ombuds.keys import keys_create

    keys_create()


@pytest.fixture
def organisation(db: None) -> Organisation:
    return organisation_create(actor=None, name="Demo Party")


@pytest.fixture
def make_person(db: None, organisation: Organisation) -> Callable[..., User]:
    def make(role: Role, name: str | None = None) -> User:
        username = name or f"{role.value.replace('_', '-')}-{next(_names)}"
        person = person_create(
            actor=None,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=username.replace("-", " ").title(),
            organisation=organisation if role == Role.LIAISON else None,
        )
        if role in STAFF_ROLES:
            enrol_second_factor(person)
        return person

    return make


def enrol_second_factor(person: User) -> list[str]:
    """Set up the person's authenticator as she would at her first sign-in; returns her
    recovery codes."""
    return totp_confirm(person=person, code=totp_code(person))


def totp_code(person: User) -> str:
    """A code her authenticator app would accept now and that she has not used yet (the
    server takes each time step once; one step either side of now is allowed)."""
    secret = totp_secret(person)
    device = SecondFactor.objects.get(person=person)
    now = int(time.time()) // 30
    # Now, else the next step: both still pass if the clock turns before the check.
    fresh = [step for step in (now, now + 1) if step > device.last_step]
    if not fresh:  # a test that signs the same person in three times in 30 seconds
        SecondFactor.objects.filter(pk=device.pk).update(last_step=0)
        fresh = [now]
    return pyotp.TOTP(secret).generate_otp(fresh[0])


@dataclass
class Cast:
    """One of every persona. Handlers exist before the report, so allocation (random
    among the eligible) has exactly one case manager and one advocate to pick."""

    case_manager: User
    advocate: User
    investigator: User
    panel_member: User
    liaison: User
    auditor: User
    administrator: User


@pytest.fixture
def cast(make_person: Callable[..., User]) -> Cast:
    return Cast(
        case_manager=make_person(Role.CASE_MANAGER),
        advocate=make_person(Role.ADVOCATE),
        investigator=make_person(Role.INVESTIGATOR),
        panel_member=make_person(Role.PANEL_MEMBER),
        liaison=make_person(Role.LIAISON),
        auditor=make_person(Role.AUDITOR),
        administrator=make_person(Role.ADMINISTRATOR),
    )


def an_account(**changes: str) -> ReportAccount:
    fields = {
        "what_happened": "He made comments about my body in the office kitchen.",
        "people_involved": "A senior councillor",
        "when": "Last Tuesday",
        "where": "Head office",
        "witnesses": "Nobody",
        "outcome_wanted": "I want it to stop.",
        "your_name": "",
        "contact": "",
    }
    fields.update(changes)
    return ReportAccount(**fields)


@pytest.fixture
def anonymous_report(cast: Cast, organisation: Organisation) -> Submission:
    """An anonymous report, with a case manager and an advocate allocated."""
    return report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


@pytest.fixture
def identified_report(cast: Cast, organisation: Organisation) -> Submission:
    return report_submit(
        organisation_slug=organisation.slug,
        account=an_account(your_name="Alex Example", contact="alex@example.org"),
        anonymous=False,
        password=PASSWORD,
    )


@pytest.fixture
def outsider(make_person: Callable[..., User], anonymous_report: Submission) -> User:
    """A case manager created after the report, so not assigned to it."""
    return make_person(Role.CASE_MANAGER, "outsider")


def sign_in(client: Client, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in pages (password, then a code from her app for
    staff), so the key cookie is set as in life."""
    response = client.post("/sign-in/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    finish_sign_in(client, response, username)


def finish_sign_in(client: Client, response: Any, username: str) -> Any:
    """After the password: a code from her app, or (first time) setting the app up."""
    if response["Location"] == "/sign-in/set-up/":
        person = User.objects.get(username=username)
        code = pyotp.TOTP(totp_secret(person)).now()
        response = client.post("/sign-in/set-up/", {"code": code})
        assert response["Location"] == "/sign-in/recovery-codes/", response.content[:500]
        response = client.post("/sign-in/recovery-codes/")
    elif response["Location"] == "/sign-in/code/":
        code = totp_code(User.objects.get(username=username))
        response = client.post("/sign-in/code/", {"code": code})
    assert response.status_code == 302, response.content[:500]
    return response


def sign_in_with_receipt(client: Client, receipt: str) -> None:
    response = client.post("/return/", {"receipt": receipt})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture(autouse=True)
def _no_cache_outlives_its_test() -> Iterator[None]:
    """Each test's rows are rolled back, but the process's cache is not: an organisation's
    calendar cached with a closure day one test added would shift the next test's
    deadlines (its organisation has the same id)."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """A Welsh request leaves Welsh active in the thread; each test starts in English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def date_boxes(name: str, value: date | str) -> dict[str, str]:
    """A date as a browser posts GOV.UK's three boxes (`lib/date_input.py`)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


# --- The report's question pages ----------------------------------------------------------


def page_form(page: str, needle: str) -> str:
    """The first form of `page` containing `needle`."""
    return next(f for f in re.findall(r"(?is)<form\b.*?</form>", page) if needle in f)


def step_form(page: str) -> str:
    """A report question page's own form (its Continue), not its Back form."""
    return next(
        f
        for f in re.findall(r"(?is)<form\b.*?</form>", page)
        if 'name="step"' in f and 'name="back"' not in f
    )


def hidden_fields(form: str) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return {name: html.unescape(value) for name, value in fields if name != "csrfmiddlewaretoken"}


def asked_on(form: str) -> list[str]:
    """The questions a page asks (its visible controls), in order."""
    names = re.findall(
        r'<(?:input|textarea|select)\b(?![^>]*type="hidden")[^>]*name="([^"]+)"', form
    )
    return list(dict.fromkeys(names))


def shown_values(form: str) -> dict[str, str]:
    """What a form's visible controls hold as the page shows them (filled in or not)."""
    values = {}
    for tag in re.findall(r'<input\b(?![^>]*type="hidden")[^>]*>', form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        checkable = re.search(r'type="(radio|checkbox)"', tag)
        if name and value and (not checkable or " checked" in tag):
            values[name.group(1)] = html.unescape(value.group(1))
    for name, body in re.findall(r'(?s)<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form):
        values[name] = html.unescape(body).removeprefix("\n")
    for name, body in re.findall(r'(?s)<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values[name] = html.unescape(chosen.group(1)) if chosen else ""
    return values


def answer_page(client: Client, page: str, answers: dict[str, str], **extra: str) -> Any:
    """Continue from a question page as a browser with JavaScript off posts it: the
    answers it carries in hidden fields, and its questions as shown unless `answers`
    types something else into them."""
    form = step_form(page)
    shown = shown_values(form)
    typed = {n: answers.get(n, shown.get(n, "")) for n in asked_on(form)}
    return client.post("/report/", {**hidden_fields(form), **typed, **extra})


def walk_report(client: Client, answers: dict[str, str]) -> Any:
    """Answer the report's pages in order from the first; the first response that is not
    a question page (check answers), or a page that refuses (shows its errors)."""
    response = client.get("/report/")
    seen: set[str] = set()
    while 'name="step"' in (page := response.content.decode()) and "error-summary" not in page:
        if "Check your answers" in page:
            return response
        step = hidden_fields(step_form(page))["step"]
        assert step not in seen, f"the report went back to {step}"
        seen.add(step)
        response = answer_page(client, page, answers)
    return response


_RUN_ONCE = (
    "run once, in the SQLite run: it touches no database, or it is a browser journey whose "
    "database work the web and integration tests check on PostgreSQL too"
)
# The longest browser journeys run in the PostgreSQL run instead when the two runs go side
# by side (scripts/test.sh says so): that run has no browser work of its own and would
# otherwise finish minutes before SQLite's.
BROWSER_ON_POSTGRESQL = (
    "tests/browser/test_whole_case.py",
    "tests/browser/test_vetting_journey.py",
)
_ON_POSTGRESQL = "run once, in the PostgreSQL run beside this one (it evens the two runs' time)"


@pytest.fixture
def signature_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many Ed25519 signatures each `vault.verify_signatures` call checks, from now on
    in this process (a pool's forked workers inherit the counter but cannot add to it)."""
    from ombuds import vault

    checked: list[int] = []
    real = vault.verify_signatures

    def counting(items: list[tuple[bytes, bytes, bytes]]) -> list[bool]:
        checked.append(len(items))
        return real(items)

    monkeypatch.setattr(vault, "verify_signatures", counting)
    return checked


def _browser(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("browser")) or item.nodeid.startswith("tests/browser/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run once what would only repeat itself in the other run: the database-free tests
    (pure rules, hypothesis searches) and the browser journeys run on SQLite, except the
    longest journeys, which run on PostgreSQL when both runs go side by side. They go on
    two cores, so each minute either saves is a minute off the whole run."""
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    beside = os.environ.get("OMBUDS_TESTS_BESIDE_POSTGRESQL") == "1"
    once, there = pytest.mark.skip(reason=_RUN_ONCE), pytest.mark.skip(reason=_ON_POSTGRESQL)
    for item in items:
        moved = _browser(item) and item.nodeid.startswith(BROWSER_ON_POSTGRESQL)
        if (
            postgresql
            and not moved
            and (item.get_closest_marker("database_free") or _browser(item))
        ):
            item.add_marker(once)
        elif not postgresql and beside and moved:
            item.add_marker(there)
