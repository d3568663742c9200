"""The statistics page of one organisation with 1,000,000 cases (target: under 1 second),
its ended quarters frozen by the sweep, and with its last quarter still counted live.

The cases are written straight into the read models (`cases.Case` and the statistics
read model `cases.CaseCourse`: the pages read nothing else), spread over ten years
(100,000 a year) with realistic stages, routes, outcomes, sanctions and durations. Then
the auditor's page of the busiest year, its CSV, a chart and the PDF annual report are
timed through Django's test client, and the public page of the same year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics as stats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import percentile, setup_django, staff_client, write_result

TARGET_SECONDS = 1.0
FULL_CASES, QUICK_CASES = 1_000_000, 20_000
YEARS = 10


def _fill(cases: int) -> tuple[str, int]:
    from ombuds.cases.course import TIMED_STAGES, Appeal, Outcome, Route, quarter_of
    from ombuds.cases.models import Case, CaseCourse
    from ombuds.people.services import organisation_create
    from ombuds.record.stages import Stage

    org = organisation_create(actor=None, name="Bench statistics party")
    rng = random.Random(11)
    first = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    span = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) - first
    stages = [s.value for s in Stage]
    batch_case, batch_course = [], []
    for i in range(cases):
        received = first + span * (i / cases)
        case_id = uuid.UUID(int=rng.getrandbits(128))
        stage = rng.choice(stages)
        batch_case.append(Case(id=case_id, reference=f"STA-{i:08d}", organisation=org,
                               anonymous=bool(i % 2), stage=stage, received_at=received,
                               stage_entered_at=received, version=1))  # fmt: skip
        hours = {f"{s.value}_hours": rng.choice([None, rng.randint(1, 2000)]) for s in TIMED_STAGES}
        batch_course.append(CaseCourse(
            case_id=case_id, organisation=org, quarter=quarter_of(received), stage=stage,
            route=rng.choice(Route.ALL), outcome=rng.choice(Outcome.ALL),
            sanctions=rng.choice(["", "", "no_action", "reprimand", "training apology"]),
            appeal=rng.choice(Appeal.ALL), appellant=rng.choice(["", "complainant", "respondent"]),
            deadline_missed=rng.random() < 0.1, first_contact_hours=rng.randint(1, 96),
            close_hours=rng.choice([None, rng.randint(100, 5000)]), **hours))  # fmt: skip
        if len(batch_case) == 10_000:
            Case.objects.bulk_create(batch_case)
            CaseCourse.objects.bulk_create(batch_course)
            batch_case, batch_course = [], []
    Case.objects.bulk_create(batch_case)
    CaseCourse.objects.bulk_create(batch_course)
    return org.slug, 2025


def _time(client: Any, url: str, requests: int) -> dict[str, float]:
    times = []
    for _ in range(requests + 1):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code}")
    times = times[1:]  # warm-up
    return {"median_ms": round(stats.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1)}  # fmt: skip


def run(cases: int, data_dir: Path, quick: bool) -> dict[str, Any]:
    setup_django(data_dir)
    from django.test import Client
    from django.utils import timezone

    from ombuds.cases.models import CaseCourse
    from ombuds.oversight.models import FrozenQuarter
    from ombuds.oversight.services import statistics_freeze
    from ombuds.people.models import Organisation, User
    from ombuds.people.services import person_create
    from ombuds.record.roles import Role

    started = time.perf_counter()
    org = Organisation.objects.filter(name="Bench statistics party").first()
    if org is not None and CaseCourse.objects.filter(organisation=org).count() == cases:
        slug, year = org.slug, 2025  # a kept data directory: the same cases, built before
    else:
        slug, year = _fill(cases)
    fill_seconds = time.perf_counter() - started
    # What `ombuds sweep` does once each quarter has ended: its figures become final, each
    # quarter's digest signed into the ledger. First as in the year's last quarter, which
    # stays open (the auditor's page counts it live); all of them after the pages are timed.
    # (A frozen quarter cannot be deleted to make it live again: that is tampering, and
    # the pages withhold it.)
    started = time.perf_counter()
    frozen = statistics_freeze(now=dt.datetime(year, 12, 1, 12, tzinfo=dt.UTC))
    freeze_seconds = time.perf_counter() - started
    password = "bench auditor password 1"
    if not User.objects.filter(username="bench-auditor").exists():
        person_create(actor=None, username="bench-auditor", password=password, role=Role.AUDITOR)
    client = staff_client("bench-auditor", password)
    host = client.defaults["HTTP_HOST"]
    base = f"/oversight/statistics/{slug}/{year}/"
    requests = 3 if quick else 10
    # As the auditor sees a year with its current quarter: 2025 Q4 counted live (25,000
    # cases), the quarters before it frozen (not on a kept data directory whose Q4 was
    # frozen by an earlier run). Then the sweep freezes Q4.
    frozen_q4 = FrozenQuarter.objects.filter(organisation__slug=slug, quarter=year * 10 + 4)
    one_live_quarter = None if frozen_q4.exists() else _time(client, base, requests)
    started = time.perf_counter()
    frozen += statistics_freeze(now=timezone.now())
    freeze_seconds += time.perf_counter() - started
    auditor_page = _time(client, base, requests)
    result: dict[str, Any] = {
        "cases": cases,
        "cases_in_year": cases // YEARS,
        "fill_seconds": round(fill_seconds, 1),
        "quarters_frozen": frozen,
        "freeze_seconds": round(freeze_seconds, 2),
        "auditor_page": auditor_page,
        "auditor_page_one_live_quarter": one_live_quarter,
        "public_page": _time(Client(HTTP_HOST=host), f"/transparency/statistics/{slug}/{year}/",
                             requests),
        "csv": _time(client, f"{base}figures.csv", requests),
        "chart": _time(client, f"{base}chart/stage.svg", requests),
        "pdf": _time(client, f"{base}report.pdf", requests),
        "index": _time(client, "/oversight/statistics/", requests),
        "target_seconds": TARGET_SECONDS,
        "quick": quick,
    }  # fmt: skip
    worst = max(auditor_page["p95_ms"], (one_live_quarter or auditor_page)["p95_ms"])
    result["target_met"] = worst < TARGET_SECONDS * 1000
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statistics")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--data-dir", type=Path,
        help="keep the instance here and reuse its cases on the next run (the fill is slow)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    n = QUICK_CASES if args.quick else FULL_CASES
    if args.data_dir:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        result = run(n, args.data_dir, args.quick)
    else:
        with tempfile.TemporaryDirectory(prefix="ombuds-bench-statistics-") as tmp:
            result = run(n, Path(tmp), args.quick)
    path = write_result("statistics" + ("-quick" if args.quick else ""), result)
    for name in (
        "auditor_page",
        "auditor_page_one_live_quarter",
        "public_page",
        "csv",
        "chart",
        "pdf",
        "index",
    ):
        if result[name] is None:  # a kept data directory: its last quarter was frozen before
            print(f"{name}: not measured")
            continue
        print(f"{name}: median {result[name]['median_ms']} ms, p95 {result[name]['p95_ms']} ms")
    print(
        f"fill {result['fill_seconds']} s; {result['quarters_frozen']} quarter(s) frozen "
        f"in {result['freeze_seconds']} s"
    )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
