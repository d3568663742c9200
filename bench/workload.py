"""Benchmark 3: workload pages and the sweep at 100,000 cases (--quick: 5,000).

The cases' read-model rows (`cases.Case`, one `cases.Assignment` each, all held by one
case manager: the worst case for her list) are inserted in bulk; 2% have an earlier
escalation the oversight officer sees; 0.5% have a deadline missed since the last sweep
(each with a real `case.submitted` event, so escalating appends to a real chain); 1% fall
due in the next working days; the rest later. One real case (through `report_submit`)
gives the case page. Pages are fetched through Django's test client, signed in as in life.

Measured: the case manager's list (default, overdue, soonest deadline, a search, page
40), the oversight officer's list, the case page: median and p95 (target p95 < 50 ms);
then `sweep_once` (deadlines, measures, digest, outbox) twice: the first pass does the
reminders and escalations, the second finds nothing new (target < 5 s each).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import setup_django, summary_ms, write_result
from ombuds.record import events

FULL_CASES = 100_000
QUICK_CASES = 5_000
TARGET_P95_MS = 50.0
TARGET_SWEEP_S = 5.0
PASSWORD = "bench password 1234"
REPEATS = 40


def _people() -> dict[str, Any]:
    from ombuds.cases.lifecycle import Role
    from ombuds.notifications.services import contact_address_set
    from ombuds.people.services import organisation_create, person_create

    org = organisation_create(actor=None, name="Bench Party")
    people: dict[str, Any] = {"organisation": org}
    for role in (Role.CASE_MANAGER, Role.ADVOCATE, Role.OVERSIGHT_OFFICER):
        people[role.value] = person_create(
            actor=None,
            username=role.value.replace("_", "-"),
            password=PASSWORD,
            role=role,
            display_name=role.value,
            organisation=None,
        )
    contact_address_set(actor=people["case_manager"], email="cm@example.org")
    return people


def _bulk_cases(n: int, people: dict[str, Any], now: datetime) -> dict[str, int]:
    from django.db import transaction

    from ombuds.cases.models import Assignment, Case
    from ombuds.ledger.actor import SYSTEM
    from ombuds.ledger.services import append_event, case_stream
    from ombuds.timetable.models import Watch

    rng = random.Random(9)
    org, cm = people["organisation"], people["case_manager"]
    stages = ["received", "acknowledged", "assessed", "investigation", "findings", "appeal"]
    names = {
        "received": "acknowledge",
        "acknowledged": "assess",
        "assessed": "route",
        "investigation": "investigation",
        "findings": "decision",
        "appeal": "appeal_decision",
    }
    counts = {"escalated_before": 0, "newly_missed": 0, "due_soon": 0}
    cases, assignments, watches, missed = [], [], [], []
    for i in range(n):
        kind = rng.random()
        stage = rng.choice(stages)
        received = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        entered = received + (now - received) * rng.random()
        if kind < 0.02:
            due = now - timedelta(days=rng.randint(3, 60))
            counts["escalated_before"] += 1
        elif kind < 0.025:
            stage, due = "received", now - timedelta(hours=rng.randint(1, 48))
            counts["newly_missed"] += 1
        elif kind < 0.035:
            due = now + timedelta(hours=rng.randint(1, 30))
            counts["due_soon"] += 1
        else:
            due = now + timedelta(days=rng.randint(12, 90))
        case = Case(
            id=uuid.uuid4(),
            reference=f"BEN-{i:06d}",
            organisation=org,
            anonymous=True,
            stage=stage,
            received_at=received,
            stage_entered_at=entered,
            deadline_name=names[stage],
            deadline_at=due,
            version=1,
        )
        cases.append(case)
        assignments.append(Assignment(case=case, person=cm, role="case_manager"))
        if kind < 0.02:
            watches.append(
                Watch(
                    case=case,
                    deadline_name=case.deadline_name,
                    due_at=due,
                    effective_due_at=due,
                    responsible_role="case_manager",
                    responsible=cm.pseudonym,
                    escalated_at=due,
                    misses=1,
                    blocked=rng.random() < 0.5,
                    reason="workload",
                )
            )
        elif kind < 0.025:
            missed.append(case)
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=2000)
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        Watch.objects.bulk_create(watches, batch_size=2000)
        for case in missed:  # a real first event, so an escalation extends a real chain
            append_event(
                stream=case_stream(case.id),
                event_type=events.SUBMITTED.type,
                actor=SYSTEM,
                metadata={
                    "reference": case.reference,
                    "organisation": org.slug,
                    "anonymous": True,
                    "complainant": "bench",
                    "tokens": [],
                },
                expected_version=0,
            )
    return counts


def _real_case(people: dict[str, Any]) -> str:
    from ombuds.intake.report import ReportAccount
    from ombuds.intake.services import report_submit

    account = ReportAccount(
        what_happened="He made remarks in the office.",
        when="Last week",
        where="The office",
        people_involved="A colleague",
        respondent_name="",
        respondent_unit="",
        witnesses="",
        outcome_wanted="",
        your_name="",
        your_unit="",
        contact="",
    )
    return report_submit(
        organisation_slug=people["organisation"].slug, account=account, anonymous=True
    ).case.reference


def _timed(client: Any, url: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code}")
    return times


def _signed_in(username: str) -> Any:
    from django.test import Client

    client = Client()
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"bench: {username} could not sign in")
    if response["Location"] == "/sign-in/set-up/":  # staff sign in with a second factor
        import pyotp

        from ombuds.people.models import User
        from ombuds.people.second_factor import totp_secret

        person = User.objects.get(username=username)
        client.post("/sign-in/set-up/", {"code": pyotp.TOTP(totp_secret(person)).now()})
        client.post("/sign-in/recovery-codes/")
    return client


def run(n: int, data_dir: Path, quick: bool) -> dict[str, Any]:
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(data_dir)
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from ombuds.deadlines.worker import sweep_once

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    people = _people()
    real = _real_case(people)
    now = timezone.now()
    started = time.perf_counter()
    counts = _bulk_cases(n, people, now)
    build_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what `ombuds migrate` leaves the planner, see README

    repeats = 10 if quick else REPEATS
    manager = _signed_in("case-manager")
    officer = _signed_in("oversight-officer")
    pages = {
        "manager_default": (manager, "/cases/"),
        "manager_overdue": (manager, "/cases/?due=overdue"),
        "manager_due_soon": (manager, "/cases/?due=soon&sort=deadline"),
        "manager_stage_age": (manager, "/cases/?stage=investigation&sort=stage_age"),
        "manager_search": (manager, f"/cases/?reference=BEN-{n // 2:06d}"),
        "manager_page_40": (manager, "/cases/?page=40"),
        "officer_list": (officer, "/oversight/delays/"),
        "officer_waiting": (officer, "/oversight/delays/?waiting=1&page=3"),
        "case_page": (manager, f"/cases/{real}/"),
    }
    for client, url in pages.values():
        _timed(client, url, 2)  # warm up
    timings = {name: _timed(client, url, repeats) for name, (client, url) in pages.items()}
    manager_all = [t for name, ts in timings.items() if name.startswith("manager") for t in ts]
    officer_all = timings["officer_list"] + timings["officer_waiting"]

    sweeps = []
    for _ in range(2):
        start = time.perf_counter()
        sweep_once(timezone.now(), worker="bench", say=lambda _line: None)
        sweeps.append(time.perf_counter() - start)
    from ombuds.ledger.models import Event
    from ombuds.timetable.models import Watch

    escalations = Event.objects.filter(type=events.DEADLINE_MISSED.type).count()
    p95s = [
        summary_ms(manager_all)["p95_ms"],
        summary_ms(officer_all)["p95_ms"],
        summary_ms(timings["case_page"])["p95_ms"],
    ]
    return {
        "quick": quick,
        "cases": n,
        "populations": counts,
        "build_seconds": round(build_s, 1),
        "repeats": repeats,
        "pages": {name: summary_ms(ts) for name, ts in timings.items()},
        "manager_list": summary_ms(manager_all),
        "officer_list": summary_ms(officer_all),
        "case_page": summary_ms(timings["case_page"]),
        "target_p95_ms": TARGET_P95_MS,
        "sweep_seconds": [round(s, 2) for s in sweeps],
        "sweep_escalations": escalations,
        "watch_rows": Watch.objects.count(),
        "target_sweep_seconds": TARGET_SWEEP_S,
        "target_met": max(p95s) < TARGET_P95_MS and max(sweeps) < TARGET_SWEEP_S,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workload")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n = QUICK_CASES if args.quick else FULL_CASES
    with tempfile.TemporaryDirectory(prefix="ombuds-bench-workload-") as tmp:
        result = run(n, Path(tmp), args.quick)
    path = write_result("workload" + ("-quick" if args.quick else ""), result)
    for name in ("manager_list", "officer_list", "case_page"):
        print(f"{name}: median {result[name]['median_ms']} ms, p95 {result[name]['p95_ms']} ms")
    print(f"sweep: {result['sweep_seconds']} s; {result['sweep_escalations']} escalations")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
