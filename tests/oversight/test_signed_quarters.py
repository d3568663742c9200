"""Frozen quarters are signed: the sweep records each quarter's digest in the ledger with its
figures (`statistics.quarter_frozen`, one transaction), and every publication checks the
stored figures against it before use.

1. Freezing appends exactly one event per quarter, carrying the organisation, the quarter
   and the digest of the rows stored, nothing else; a second sweep appends none; the
   freeze and its event commit or roll back together; `ombuds verify` passes.
2. Editing one count of one quarter in the database: the public page, CSV and reports
   withhold that quarter (and, for the public, the later quarters of that year, which are
   published on top of it), say so, and log a security event; other years and
   organisations are published as before; the auditor's page lists the quarter.
3. A quarter whose stored figures were deleted is not frozen again from today's cases.
4. Quarters frozen before freezes were signed are withheld until the migration signs
   them, once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import logging
from collections.abc import Iterator

import pytest
import time_machine
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ombuds import cli
from ombuds.intake.services import report_submit
from ombuds.ledger.models import Event
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.logs import JsonLineFormatter
from ombuds.oversight import services as oversight_services
from ombuds.oversight.models import FrozenQuarter, QuarterCount, QuarterDays
from ombuds.oversight.sealing import STATISTICS_STREAM, quarter_digest
from ombuds.oversight.services import frozen_figures_check, statistics_freeze
from ombuds.oversight.statistics import year_figures
from ombuds.people.models import Organisation
from ombuds.people.services import organisation_create
from ombuds.record.events.scheme import QUARTER_FROZEN
from tests.conftest import Cast, an_account, sign_in

pytestmark = pytest.mark.django_db

YEAR = 2025
# A day in each quarter of 2025, and one in 2024 Q4 (another year).
DAYS = {
    20244: dt.datetime(2024, 11, 5, 10, tzinfo=dt.UTC),
    20251: dt.datetime(2025, 2, 10, 10, tzinfo=dt.UTC),
    20252: dt.datetime(2025, 5, 12, 10, tzinfo=dt.UTC),
    20253: dt.datetime(2025, 8, 11, 10, tzinfo=dt.UTC),
    20254: dt.datetime(2025, 11, 10, 10, tzinfo=dt.UTC),
}
LATER = dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC)  # 2025 has ended


def _reports(organisation: Organisation, per_quarter: int = 11) -> None:
    for day in DAYS.values():
        with time_machine.travel(day, tick=False):
            for _ in range(per_quarter):
                report_submit(
                    organisation_slug=organisation.slug, account=an_account(), anonymous=True
                )


def _signed() -> list[dict[str, object]]:
    return [
        json.loads(e.metadata)
        for e in Event.objects.filter(stream=STATISTICS_STREAM).order_by("seq")
    ]


def _stored_digest(frozen: FrozenQuarter) -> str:
    return quarter_digest(
        frozen.organisation.slug,
        frozen.quarter,
        QuarterCount.objects.filter(frozen=frozen).values_list("figure", "code", "cases"),
        QuarterDays.objects.filter(frozen=frozen).values_list("measure", "days", "cases"),
    )


@pytest.fixture
def frozen(organisation: Organisation) -> Organisation:
    """Cases in 2024 Q4 and each quarter of 2025, every quarter up to 2025 Q4 frozen."""
    _reports(organisation)
    with time_machine.travel(LATER, tick=False):
        assert statistics_freeze(now=timezone.now()) == 8  # 2024 Q1 to 2025 Q4
    return organisation


@pytest.fixture
def security_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("ombuds.security")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def _security_events(stream: io.StringIO) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [line for line in lines if line.get("logger") == "ombuds.security"]


def _tamper(organisation: Organisation, quarter: int) -> None:
    """What a database administrator could do: one count of one frozen quarter changed."""
    row = QuarterCount.objects.filter(
        frozen__organisation=organisation, frozen__quarter=quarter, figure="stage"
    ).first()
    assert row is not None
    QuarterCount.objects.filter(pk=row.pk).update(cases=row.cases + 5)


# 1. One event per quarter, with the digest of what was stored. -------------------------


def test_freezing_appends_one_event_per_quarter_with_the_digest_of_its_rows(
    frozen: Organisation,
) -> None:
    quarters = FrozenQuarter.objects.filter(organisation=frozen).order_by("quarter")
    signed = _signed()
    assert [m["quarter"] for m in signed] == [q.quarter for q in quarters]
    assert len(signed) == 8  # 2024 Q1 to 2025 Q4, empty quarters too
    for meta, quarter in zip(signed, quarters, strict=True):
        # Metadata only: the organisation, the quarter, the digest. No counts, no cases.
        assert set(meta) == {"organisation", "quarter", "digest"}
        assert meta["organisation"] == frozen.slug
        assert meta["digest"] == _stored_digest(quarter)
    events = Event.objects.filter(stream=STATISTICS_STREAM)
    assert {(e.type, e.actor_role, bytes(e.body)) for e in events} == {
        (QUARTER_FROZEN.type, "system", b"")
    }
    with time_machine.travel(LATER + dt.timedelta(days=1), tick=False):
        assert statistics_freeze(now=timezone.now()) == 0
    assert len(_signed()) == 8


def test_the_digest_is_of_the_rows_in_any_order_and_sees_one_changed_or_added() -> None:
    counts = [("stage", "received", 12), ("route", "none", 12)]
    days = [("close_hours", 3, 1), ("close_hours", 40, 11)]
    digest = quarter_digest("demo", 20251, counts, days)
    assert digest == quarter_digest("demo", 20251, counts[::-1], days[::-1])
    assert len(digest) == 64
    for other in (
        quarter_digest("demo", 20251, [("stage", "received", 13), counts[1]], days),
        quarter_digest("demo", 20251, [*counts, counts[0]], days),
        quarter_digest("demo", 20251, counts, days[:1]),
        quarter_digest("demo", 20252, counts, days),
        quarter_digest("other", 20251, counts, days),
    ):
        assert other != digest


def test_the_freeze_and_its_event_are_one_transaction(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reports(organisation, per_quarter=1)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the ledger is unavailable")

    monkeypatch.setattr(oversight_services, "event_append", broken)
    with time_machine.travel(LATER, tick=False), pytest.raises(RuntimeError):
        statistics_freeze(now=timezone.now())
    assert not FrozenQuarter.objects.exists()
    assert not QuarterCount.objects.exists() and not QuarterDays.objects.exists()


def test_the_signed_quarters_verify(
    frozen: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    report = verify_ledger()
    assert report.ok, report.problems
    assert cli.main(["verify", "--full"]) == 0, capsys.readouterr()


# 2. One count edited: that quarter is withheld, the others are not. --------------------


def _public(organisation: Organisation, year: int = YEAR, suffix: str = "") -> str:
    response = Client().get(f"/transparency/statistics/{organisation.slug}/{year}/{suffix}")
    assert response.status_code == 200
    return response.content.decode()


def test_an_edited_count_withholds_its_quarter_and_not_the_others(
    frozen: Organisation, security_lines: io.StringIO
) -> None:
    other = organisation_create(actor=None, name="Other Union")
    _reports(other)
    with time_machine.travel(LATER, tick=False):
        statistics_freeze(now=timezone.now())
        before = year_figures(frozen, YEAR, public=True)
        before_other = year_figures(other, YEAR, public=True)
        before_2024 = year_figures(frozen, 2024, public=True)
        assert before.quarters == (1, 2, 3, 4) and not before.unchecked
        _tamper(frozen, 20254)
        after = year_figures(frozen, YEAR, public=True)
        assert after.quarters == (1, 2, 3)
        assert after.unchecked == (4,) and after.held_back == ()
        # The quarters before are published exactly as after the third quarter.
        assert [f.published.cells for f in after.figures] == [
            tuple(row[:3] for row in f.published.cells) for f in before.figures
        ]
        # Other years and other organisations: as before.
        assert year_figures(frozen, 2024, public=True) == before_2024
        assert year_figures(other, YEAR, public=True) == before_other
        page = _public(frozen)
        assert (
            "The figures for Q4 could not be checked against the signed record, so they "
            "are withheld." in page
        )
        assert _public(other).count("could not be checked") == 0
        assert "could not be checked" not in _public(frozen, 2024)
        csv = _public(frozen, suffix="figures.csv")
        assert "Q4" in csv and "could not be checked" in csv
        assert "could not be checked" in _public(frozen, suffix="report/")
        pdf = Client().get(f"/transparency/statistics/{frozen.slug}/{YEAR}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    logged = [
        e for e in _security_events(security_lines) if e["event"] == "statistics.figures_unchecked"
    ]
    assert logged and all(
        e["organisation"] == frozen.slug and e["quarter"] == 20254 for e in logged
    )


def test_an_earlier_quarter_edited_holds_back_the_rest_of_its_year_from_the_public(
    cast: Cast, frozen: Organisation
) -> None:
    """The public's year is published in turn: Q3 and Q4 are each held to what was shown
    with Q2, so without Q2's true counts they cannot be published safely. The auditor's
    view, suppressed anew, leaves out only Q2."""
    with time_machine.travel(LATER, tick=False):
        _tamper(frozen, 20252)
        public = year_figures(frozen, YEAR, public=True)
        assert public.quarters == (1,)
        assert public.unchecked == (2,) and public.held_back == (3, 4)
        page = _public(frozen)
        assert "The figures for Q2 could not be checked" in page
        assert "The figures for Q3 are withheld too" in page
        auditor = year_figures(frozen, YEAR, public=False)
        assert auditor.quarters == (1, 3, 4) and auditor.unchecked == (2,)
        client = Client()
        sign_in(client, cast.auditor.username)
        text = client.get(f"/oversight/statistics/{frozen.slug}/{YEAR}/").content.decode()
        assert "The figures for Q2 could not be checked" in text


def test_the_statement_is_in_welsh_too(frozen: Organisation) -> None:
    with time_machine.travel(LATER, tick=False):
        _tamper(frozen, 20253)
        page = Client().get(f"/cy/transparency/statistics/{frozen.slug}/{YEAR}/")
        text = page.content.decode()
    assert page.status_code == 200 and '<html lang="cy">' in text
    assert "Nid oedd modd gwirio ffigurau Ch3 yn erbyn y cofnod" in text
    assert "Mae ffigurau Ch4 wedi&#x27;u dal yn ôl hefyd" in text


def test_a_first_quarter_edited_withholds_the_whole_year_with_a_statement(
    frozen: Organisation,
) -> None:
    with time_machine.travel(LATER, tick=False):
        _tamper(frozen, 20251)
        figures = year_figures(frozen, YEAR, public=True)
        assert figures.quarters == () and figures.figures == ()
        assert figures.unchecked == (1,) and figures.held_back == (2, 3, 4)
        page = _public(frozen)
        assert "The figures for Q1 could not be checked" in page
        assert "All cases" not in page  # no table at all
        pdf = Client().get(f"/transparency/statistics/{frozen.slug}/{YEAR}/report.pdf")
        assert pdf.status_code == 200


def test_the_auditors_page_lists_a_quarter_that_does_not_match(
    cast: Cast, frozen: Organisation, security_lines: io.StringIO
) -> None:
    client = Client()
    sign_in(client, cast.auditor.username)
    with time_machine.travel(LATER, tick=False):
        check = frozen_figures_check(now=timezone.now(), force=True)
        assert check is not None and check.unchecked == [] and check.quarters == 8
        page = client.get("/oversight/").content.decode()
        assert "Frozen figures that could not be checked" not in page
        assert "last checked the figures of 8 frozen quarters" in page
        _tamper(frozen, 20253)
        # Within the hour the sweep does not check again; then it does.
        assert frozen_figures_check(now=timezone.now()) is None
        later = timezone.now() + dt.timedelta(hours=1)
        check = frozen_figures_check(now=later)
        assert check is not None
        assert check.unchecked == [{"organisation": frozen.slug, "quarter": 20253}]
        page = client.get("/oversight/").content.decode()
        assert "Frozen figures that could not be checked" in page
        assert f"{frozen.name}, 2025 Q3: the stored figures do not match" in page
    assert any(
        e["event"] == "statistics.figures_unchecked" and e["seen_by"] == "sweep"
        for e in _security_events(security_lines)
    )


# 3. Deleted figures are not frozen again. --------------------------------------------


def test_a_quarter_whose_figures_were_deleted_is_not_frozen_again(frozen: Organisation) -> None:
    with time_machine.travel(LATER, tick=False):
        FrozenQuarter.objects.filter(organisation=frozen, quarter=20254).delete()
        assert statistics_freeze(now=timezone.now()) == 0
        assert not FrozenQuarter.objects.filter(organisation=frozen, quarter=20254).exists()
        assert len(_signed()) == 8
        figures = year_figures(frozen, YEAR, public=True)
        assert figures.quarters == (1, 2, 3) and figures.unchecked == (4,)
        assert year_figures(frozen, YEAR, public=False).quarters == (1, 2, 3)


# 4. Quarters frozen before freezes were signed. --------------------------------------


def test_quarters_frozen_before_are_withheld_until_the_migration_signs_them_once(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reports(organisation)
    # Frozen by the earlier code: figures, no event.
    monkeypatch.setattr(oversight_services, "event_append", lambda *a, **k: None)
    with time_machine.travel(LATER, tick=False):
        statistics_freeze(now=timezone.now())
    monkeypatch.undo()
    assert not _signed()
    with time_machine.travel(LATER, tick=False):
        assert year_figures(organisation, YEAR, public=True).unchecked == (1, 2, 3, 4)
        migration = importlib.import_module(
            "ombuds.oversight.migrations.0003_sign_earlier_quarters"
        )
        with transaction.atomic():
            migration.sign_earlier_quarters(apps, None)
        signed = _signed()
        assert len(signed) == 8 and all(m["late"] is True for m in signed)
        for meta in signed:
            number = int(str(meta["quarter"]))
            quarter = FrozenQuarter.objects.get(organisation=organisation, quarter=number)
            assert meta["digest"] == _stored_digest(quarter)
        figures = year_figures(organisation, YEAR, public=True)
        assert figures.quarters == (1, 2, 3, 4) and figures.unchecked == ()
        with transaction.atomic():
            migration.sign_earlier_quarters(apps, None)  # once: nothing more to sign
        assert len(_signed()) == 8
        assert verify_ledger().ok
