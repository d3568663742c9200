"""The statistics pages: the auditor's and the public ones, their charts, CSV and annual
report, built from real cases made through the services. Nothing of any case (content,
reference, names, pseudonyms) appears on any of them, and small counts are hidden."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Case, CaseCourse
from ombuds.cases.read_models import case_state
from ombuds.intake.services import report_submit
from ombuds.people.models import Organisation, User
from tests.conftest import Cast, an_account, sign_in

pytestmark = pytest.mark.django_db

YEAR = 2025
WINTER = dt.datetime(YEAR, 2, 10, 10, tzinfo=dt.UTC)  # Q1
SPRING = dt.datetime(YEAR, 5, 12, 10, tzinfo=dt.UTC)  # Q2


def _reports(organisation: Organisation, at: dt.datetime, count: int) -> list[str]:
    """`count` anonymous reports, each with its own marker in every answer."""
    markers = []
    with time_machine.travel(at, tick=False):
        for _ in range(count):
            marker = f"CANARY-{uuid.uuid4().hex}"
            markers.append(marker)
            account = an_account(
                what_happened=f"{marker} what", people_involved=f"{marker} who",
                respondent_name=f"{marker} respondent",
            )  # fmt: skip
            report_submit(organisation_slug=organisation.slug, account=account, anonymous=True)
    return markers


@pytest.fixture
def year(cast: Cast, organisation: Organisation) -> list[str]:
    return _reports(organisation, WINTER, 12) + _reports(organisation, SPRING, 3)


@pytest.fixture
def swept(year: list[str]) -> None:
    """The sweep has run since: every quarter that has ended is final, and public."""
    from django.utils import timezone

    from ombuds.oversight.services import statistics_freeze

    statistics_freeze(now=timezone.now())


def _auditor(cast: Cast) -> Client:
    client = Client()
    sign_in(client, cast.auditor.username)
    return client


def _pages(prefix: str, slug: str) -> list[str]:
    base = f"{prefix}statistics/{slug}/{YEAR}/"
    return [
        f"{prefix}statistics/",
        base,
        f"{base}report/",
        f"{base}report.pdf",
        f"{base}figures.csv",
        *(f"{base}chart/{f}.svg" for f in ("stage", "route", "outcome", "appeals", "deadlines")),
    ]


def test_the_read_model_is_the_fold(year: list[str]) -> None:
    from ombuds.cases.course import course_of

    for case in Case.objects.all():
        stored = CaseCourse.objects.get(case=case)
        course = course_of(case_state(case.id))
        assert (stored.stage, stored.route, stored.outcome) == (
            course.stage, course.route, course.outcome)  # fmt: skip
        assert stored.quarter == (20251 if case.received_at.month < 4 else 20252)


def test_the_auditor_sees_suppressed_figures_and_nothing_of_any_case(
    cast: Cast, organisation: Organisation, year: list[str]
) -> None:
    client = _auditor(cast)
    page = client.get(f"/oversight/statistics/{organisation.slug}/{YEAR}/").content.decode()
    # 12 received in Q1 are shown; Q2's 3 are hidden, and Q1's total with them (else the
    # year's 15 minus Q1's 12 would give Q2's 3).
    assert '<td class="table__numeric">15</td>' in page
    assert "not shown" in page
    assert ">3<" not in page and ">12<" not in page
    secrets = [*year, *Case.objects.values_list("reference", flat=True)]
    secrets += [p for u in User.objects.all() for p in (u.pseudonym, u.username, u.display_name)]
    for path in _pages("/oversight/", organisation.slug):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode("latin-1")
        assert not [s for s in secrets if s and s in body], path


def test_no_all_time_count_gives_a_hidden_year_away(
    cast: Cast, organisation: Organisation, year: list[str]
) -> None:
    """4 cases in the year before: that year's figures are hidden. An all-time count of
    the organisation's 19 cases beside 2025's published 15 would give the 4 away, so the
    auditor's overview publishes no count of its own; the statistics pages publish all."""
    _reports(organisation, WINTER.replace(year=YEAR - 1), 4)
    client = _auditor(cast)
    earlier = client.get(f"/oversight/statistics/{organisation.slug}/{YEAR - 1}/")
    assert earlier.status_code == 200 and ">4<" not in earlier.content.decode()
    overview = client.get("/oversight/").content.decode()
    assert ">19<" not in overview and ">4<" not in overview
    assert "/oversight/statistics/" in overview


def test_downloads_and_charts(cast: Cast, organisation: Organisation, year: list[str]) -> None:
    client = _auditor(cast)
    base = f"/oversight/statistics/{organisation.slug}/{YEAR}/"
    csv = client.get(f"{base}figures.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Cases by stage now,Received,not shown,not shown" in csv.content.decode()
    pdf = client.get(f"{base}report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    svg = client.get(f"{base}chart/stage.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert text.startswith("<svg") and "<script" not in text and "<style" not in text
    assert client.get(f"{base}chart/nothing.svg").status_code == 404


def test_the_public_sees_only_ended_quarters_without_signing_in(
    organisation: Organisation, year: list[str], swept: None
) -> None:
    client = Client()
    assert client.get("/transparency/").status_code == 200
    for path in _pages("/transparency/", organisation.slug):
        assert client.get(path).status_code == 200, path
    with time_machine.travel(SPRING, tick=False):  # Q2 has not ended: only Q1 counts
        page = client.get(f"/transparency/statistics/{organisation.slug}/{YEAR}/").content
        assert b">12<" in page and b"Q2" not in page


def test_only_the_auditor_reaches_her_statistics(
    cast: Cast, organisation: Organisation, year: list[str]
) -> None:
    client = Client()
    sign_in(client, cast.case_manager.username)
    for path in _pages("/oversight/", organisation.slug):
        assert client.get(path).status_code == 403, path
    anonymous = Client().get("/oversight/statistics/")
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]


def test_an_unknown_organisation_or_year_is_not_found(cast: Cast, year: list[str]) -> None:
    client = _auditor(cast)
    assert client.get(f"/oversight/statistics/nobody/{YEAR}/").status_code == 404
    assert client.get("/transparency/statistics/demo-party/2999/").status_code == 404


def test_the_public_figures_are_in_welsh_under_cy(
    organisation: Organisation, year: list[str], swept: None
) -> None:
    page = Client().get(f"/cy/transparency/statistics/{organisation.slug}/{YEAR}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Wedi&#x27;i dderbyn" in text or "Wedi'i dderbyn" in text  # "Received"
    assert "Datrys anffurfiol" in text and "Informal resolution" not in text
