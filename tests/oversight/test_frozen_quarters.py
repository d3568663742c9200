"""Frozen quarters: the sweep pre-counts each quarter that has ended (`oversight.services.
statistics_freeze`), the pages add those counts up instead of every case, and a frozen
quarter's figures are final.

1. On random cases, the figures published from the pre-counted tables equal those counted
   directly from the read model, case by case in Python as the pages did before: every
   table through the same suppression, every quartile; frozen quarters beside a current
   one counted live too.
2. A later event about a case of a frozen quarter changes none of its published cells,
   while the current quarter's figures follow new reports.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Sequence

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ombuds.cases.course import TIMED_STAGES, Appeal, Outcome, Route, quarter_of
from ombuds.cases.models import Case, CaseCourse
from ombuds.intake.services import Submission, report_submit, report_withdraw
from ombuds.oversight.models import FrozenQuarter, QuarterCount
from ombuds.oversight.services import statistics_freeze
from ombuds.oversight.statistics import (
    APPEALS,
    APPELLANTS,
    OUTCOMES,
    ROUTES,
    YearFigures,
    threshold,
    year_figures,
)
from ombuds.oversight.suppression import (
    Counts,
    Published,
    Spread,
    durations_in_turn,
    publish_in_turn,
    quartiles,
    suppress,
)
from ombuds.people.models import Organisation
from ombuds.record.outcomes import ALL_CODES
from ombuds.record.stages import Stage
from tests.conftest import Cast, an_account, sign_in

pytestmark = pytest.mark.django_db

YEAR = 2025
SANCTION_SETS = ["", "", "no_action", "reprimand", "training apology", "reprimand training"]


def _random_cases(organisation: Organisation, rng: random.Random) -> list[CaseCourse]:
    """Cases received in each quarter of the year: none, a few, or enough to be shown, with
    random stages, routes, outcomes, appeals, sanctions and durations."""
    stages = [s.value for s in Stage]
    courses = []
    for quarter in (1, 2, 3, 4):
        size = rng.choice([0, rng.randint(1, 6), rng.randint(8, 25), rng.randint(30, 80)])
        for _ in range(size):
            received = dt.datetime(YEAR, 3 * quarter - 2, rng.randint(1, 28), tzinfo=dt.UTC)
            case = Case.objects.create(
                id=uuid.UUID(int=rng.getrandbits(128)), reference=f"RND-{uuid.uuid4().hex[:12]}",
                organisation=organisation, anonymous=True, stage=rng.choice(stages),
                received_at=received, stage_entered_at=received, version=1,
            )  # fmt: skip
            hours = {
                f"{s.value}_hours": rng.choice([None, rng.randint(0, 30), rng.randint(0, 3000)])
                for s in TIMED_STAGES
            }
            courses.append(CaseCourse(
                case=case, organisation=organisation, quarter=quarter_of(received),
                stage=case.stage, route=rng.choice(Route.ALL), outcome=rng.choice(Outcome.ALL),
                sanctions=rng.choice(SANCTION_SETS), appeal=rng.choice(Appeal.ALL),
                appellant=rng.choice(list(APPELLANTS)), deadline_missed=rng.random() < 0.3,
                first_contact_hours=rng.choice([None, rng.randint(0, 200)]),
                close_hours=rng.choice([None, rng.randint(24, 6000)]), **hours,
            ))  # fmt: skip
    return CaseCourse.objects.bulk_create(courses)


def _direct(
    courses: Sequence[CaseCourse], quarters: Sequence[int], *, public: bool = False
) -> tuple[list[Published], list[Spread | None]]:
    """The figures counted case by case, as the page counted them before it had frozen
    quarters: the oracle the pre-counted path must equal (the public's published after
    each quarter in turn, the auditor's suppressed at once, as before)."""
    mine = [c for c in courses if c.quarter // 10 == YEAR and c.quarter % 10 in quarters]

    def table(column: str, codes: Sequence[object]) -> Counts:
        seen = Counter((getattr(c, column), c.quarter % 10) for c in mine)
        values = tuple(tuple(seen[(code, q)] for q in quarters) for code in codes)
        return Counts(tuple(str(code) for code in codes), values)

    sanctions = Counter((code, c.quarter % 10) for c in mine for code in c.sanctions.split())
    present = [code for code in ALL_CODES if any(sanctions[(code, q)] for q in quarters)]
    tables = [
        table("stage", [s.value for s in Stage]),
        table("route", list(ROUTES)),
        table("outcome", list(OUTCOMES)),
        table("appeal", list(APPEALS)),
        table("appellant", list(APPELLANTS)),
        table("deadline_missed", [False, True]),
        Counts(
            tuple(present),
            tuple(tuple(sanctions[(code, q)] for q in quarters) for code in present),
            partition=False,
        ),
    ]
    measures = [
        "first_contact_hours",
        *(f"{s.value}_hours" for s in TIMED_STAGES),
        "close_hours",
    ]

    def days(measure: str, quarter: int | None = None) -> dict[int, int]:
        return dict(
            Counter(
                h // 24
                for c in mine
                if (h := getattr(c, measure)) is not None
                and (quarter is None or c.quarter % 10 == quarter)
            )
        )

    spreads = [
        quartiles(
            durations_in_turn([days(m, q) for q in quarters], threshold()) if public else days(m),
            threshold(),
        )
        for m in measures
    ]
    published = (
        publish_in_turn(tables, threshold())[-1] if public else suppress(tables, threshold())
    )
    return published, spreads


def _same(figures: YearFigures, oracle: tuple[list[Published], list[Spread | None]]) -> None:
    published, spreads = oracle
    for figure, expected in zip(figures.figures, published, strict=True):
        # Row names differ only in how the deadline rows are coded; the counts must not.
        assert (figure.published.cells, figure.published.row_totals) == (
            expected.cells, expected.row_totals), figure.slug  # fmt: skip
        assert (figure.published.quarter_totals, figure.published.total) == (
            expected.quarter_totals, expected.total), figure.slug  # fmt: skip
    assert [d.spread for d in figures.durations] == spreads


@pytest.mark.parametrize("seed", range(8))
def test_the_pre_counted_figures_equal_the_direct_count(
    organisation: Organisation, seed: int
) -> None:
    courses = _random_cases(organisation, random.Random(seed))
    # Before any sweep: everything is counted live.
    _same(year_figures(organisation, YEAR, public=False), _direct(courses, (1, 2, 3, 4)))
    # In the third quarter: the first two are frozen, the current one is counted live.
    with time_machine.travel(dt.datetime(YEAR, 8, 20, 9, tzinfo=dt.UTC), tick=False):
        assert statistics_freeze(now=timezone.now()) == 2
        mixed = year_figures(organisation, YEAR, public=False)
        assert [q for q, _ in mixed.final] == [1, 2]
        _same(mixed, _direct(courses, (1, 2, 3)))
        _same(year_figures(organisation, YEAR, public=True), _direct(courses, (1, 2), public=True))
    # Later: the whole year is frozen; the auditor and the public read only stored counts.
    statistics_freeze(now=timezone.now())
    assert (
        FrozenQuarter.objects.filter(quarter__gte=YEAR * 10 + 1, quarter__lte=YEAR * 10 + 4).count()
        == 4
    )
    for public in (False, True):
        figures = year_figures(organisation, YEAR, public=public)
        assert [q for q, _ in figures.final] == [1, 2, 3, 4]
        _same(figures, _direct(courses, (1, 2, 3, 4), public=public))


def test_the_sweep_freezes_a_quarter_once(organisation: Organisation) -> None:
    _random_cases(organisation, random.Random(99))
    first = statistics_freeze(now=timezone.now())
    assert first >= 4  # 2025's quarters, and every one ended since, cases or none
    counts = QuarterCount.objects.count()
    assert statistics_freeze(now=timezone.now()) == 0
    assert QuarterCount.objects.count() == counts


WINTER = dt.datetime(YEAR, 2, 10, 10, tzinfo=dt.UTC)  # Q1
SPRING = dt.datetime(YEAR, 5, 12, 10, tzinfo=dt.UTC)  # Q2


def _reports(organisation: Organisation, count: int) -> list[Submission]:
    return [
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
        for _ in range(count)
    ]


def _quarter(figures: YearFigures, quarter: int) -> dict[str, tuple[int | None, ...]]:
    """Every published cell of one quarter's column, figure by figure."""
    column = figures.quarters.index(quarter)
    return {
        f.slug: (*(row[column] for row in f.published.cells),
                 f.published.quarter_totals[column] if f.published.quarter_totals else None)
        for f in figures.figures
    }  # fmt: skip


def test_a_later_event_changes_no_frozen_cell_while_the_current_quarter_updates(
    cast: Cast, organisation: Organisation
) -> None:
    with time_machine.travel(WINTER, tick=False):
        winter = _reports(organisation, 14)
    with time_machine.travel(SPRING, tick=False):
        assert statistics_freeze(now=timezone.now()) == 1  # Q1 has ended: final now
        _reports(organisation, 12)
        before = year_figures(organisation, YEAR, public=False)
        public_before = year_figures(organisation, YEAR, public=True)
        # A later event about a case of the frozen quarter: she withdraws.
        report_withdraw(access=winter[0].access, reason="")
        assert CaseCourse.objects.get(case=winter[0].case).stage == Stage.WITHDRAWN
        after = year_figures(organisation, YEAR, public=False)
        assert _quarter(after, 1) == _quarter(before, 1)
        assert year_figures(organisation, YEAR, public=True) == public_before
        stages = after.figure("stage").published
        received = stages.rows.index(Stage.RECEIVED.value)
        assert stages.cells[received][0] == 14  # as frozen: not 13 received, 1 withdrawn
        # The current quarter follows new reports.
        _reports(organisation, 3)
        later = year_figures(organisation, YEAR, public=False)
        assert _quarter(later, 1) == _quarter(before, 1)
        assert later.figure("stage").published.quarter_totals == (14, 15)
        assert before.figure("stage").published.quarter_totals == (14, 12)
        page = _auditor(cast).get(f"/oversight/statistics/{organisation.slug}/{YEAR}/")
        text = page.content.decode()
        assert "Figures for a closed quarter are final as of 12 May 2025: Q1." in text
        assert "may still change" in text


def _auditor(cast: Cast) -> Client:
    client = Client()
    sign_in(client, cast.auditor.username)
    return client


def test_the_public_sees_a_quarter_only_once_it_is_final(
    cast: Cast, organisation: Organisation
) -> None:
    with time_machine.travel(WINTER, tick=False):
        _reports(organisation, 12)
    url = f"/transparency/statistics/{organisation.slug}/{YEAR}/"
    with time_machine.travel(SPRING, tick=False):
        assert Client().get(url).status_code == 404  # Q1 has ended; the sweep has not run
        statistics_freeze(now=timezone.now())
        page = Client().get(url)
        assert page.status_code == 200
        assert b">12<" in page.content and b"final as of 12 May 2025: Q1" in page.content
        pdf = Client().get(f"{url}report.pdf")  # the report says so too
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
