"""Benchmark: a vetting check with 100,000 cases stored (--quick: 5,000).

The cases are inserted in bulk, straight into the tables (a case, its course and the
token of the person it names); a few hundred name a known person under the real token,
some of them under investigation, some decided with a sanction. Then a liaison makes N
checks through the product's own service, `vetting_check`, alternately about a known and
an unknown person: normalise the name, blind it, evaluate and finalise the OPRF, look the
token up in its index, read what the answer may use of each case found (the decided
case's decision time from its events), append the
`vetting.check_made` event, seal the purpose to its readers and commit (fsync). The judged
figure is the whole check, median; target under 50 ms. The answer alone (the same without
the write) is reported beside it. The liaison's Argon2id unlock is in the set-up only.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import setup_django, summary_ms, write_result

TARGET_MS = 50.0
FULL_CASES = 100_000
QUICK_CASES = 5_000
MEASURED = 200
QUICK_MEASURED = 20
_BATCH = 20_000
_ORGANISATION = "bench-org"


def _known_name(i: int) -> str:
    letters = "".join("abcdefghij"[int(d)] for d in f"{i:04d}")
    return f"Known{letters} Person{letters}"


def _fresh_name(i: int) -> str:
    letters = "".join("abcdefghij"[int(d)] for d in f"{i:04d}")
    return f"Fresh{letters} Unnamed{letters}"


def fill(cases: int, known: int) -> float:
    """Insert `cases` cases, each naming one person: `_known_name(i)` for i below `known`
    is named by two, one under investigation and one decided with a reprimand. Returns
    the seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ombuds import vault
    from ombuds.escrow.identifiers import identifier
    from ombuds.escrow.keyholder import prf_output
    from ombuds.people.models import Organisation

    organisation = Organisation.objects.get(slug=_ORGANISATION)
    real = [
        vault.named_person_token(
            prf_output(identifier("name", _known_name(i), organisation=_ORGANISATION).canonical)
        )
        for i in range(known)
    ]
    now = timezone.now().isoformat()
    started = time.perf_counter()
    case_sql = (
        "INSERT INTO cases_case (id, reference, organisation_id, anonymous, stage, received_at,"
        " stage_entered_at, deadline_name, version) VALUES (%s, %s, %s, 1, %s, %s, %s, '', 3)"
    )
    course_sql = (
        "INSERT INTO cases_casecourse (case_id, organisation_id, quarter, stage, route, outcome,"
        " sanctions, appeal, appellant, deadline_missed) VALUES"
        " (%s, %s, 20264, %s, 'investigation', %s, %s, 'none', '', 0)"
    )
    named_sql = "INSERT INTO vetting_namedperson (case_id, token) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, cases, _BATCH):
            rows, courses, named = [], [], []
            for j in range(start, min(start + _BATCH, cases)):
                case_id = uuid.uuid4().hex
                decided = known <= j < 2 * known
                stage = "closed" if decided else "investigation"
                token = real[j % known] if j < 2 * known else secrets.token_hex(32)
                rows.append((case_id, f"OMB-B{j:08d}", organisation.pk, stage, now, now))
                courses.append(
                    (case_id, organisation.pk, stage, "sanction" if decided else "open",
                     "reprimand" if decided else "")
                )  # fmt: skip
                named.append((case_id, token))
            with transaction.atomic():
                cursor.executemany(case_sql, rows)
                cursor.executemany(course_sql, courses)
                cursor.executemany(named_sql, named)
            print(f"  {start + len(rows):,} cases stored", flush=True)
    return time.perf_counter() - started


def measure(measured: int) -> dict[str, Any]:
    """N checks through `vetting_check`, alternately about a known and an unknown person."""
    from django.conf import settings
    from django.utils import timezone

    from ombuds.people.models import Organisation, User
    from ombuds.people.services import person_unlock_key
    from ombuds.vetting.naming import person_tokens
    from ombuds.vetting.selectors import answer_today, cases_naming
    from ombuds.vetting.services import vetting_check

    settings.OMBUDS_VETTING_CHECKS_PER_DAY = 1e9  # the benchmark is one very busy liaison
    organisation = Organisation.objects.get(slug=_ORGANISATION)
    liaison = User.objects.get(username="liaison")
    key = person_unlock_key(person=liaison, password=_PASSWORD)

    def ask(name: str) -> Any:
        return vetting_check(
            liaison=liaison, private_key=key, name=name, email="",
            organisation=_ORGANISATION, purpose="Appointment to a committee",
        )  # fmt: skip

    for i in range(3):  # warm-up: imports, prepared statements, the key file
        ask(_fresh_name(9000 + i))
    totals, answers, records = [], [], 0
    for i in range(measured):
        name = _known_name(i // 2) if i % 2 == 0 else _fresh_name(i)
        t0 = time.perf_counter()
        answered = ask(name)
        totals.append(time.perf_counter() - t0)
        records += bool(answered.kinds)
        t0 = time.perf_counter()
        tokens = person_tokens(name=name, organisation=_ORGANISATION)
        answer_today(cases_naming(tokens, organisation), organisation, timezone.now())
        answers.append(time.perf_counter() - t0)
    return {
        "measured_checks": measured,
        "records": records,
        "check": summary_ms(totals),
        "answer_only": summary_ms(answers),
        "median_ms": round(statistics.median(totals) * 1000, 2),
    }


_PASSWORD = secrets.token_urlsafe(16)


def _people() -> None:
    from ombuds.people.models import User
    from ombuds.people.services import organisation_create, person_create
    from ombuds.record.roles import Role
    from ombuds.vetting.services import vetting_permission_grant

    organisation = organisation_create(actor=None, name="Bench Org", slug=_ORGANISATION)
    admin = person_create(actor=None, username="admin", password=_PASSWORD, role=Role.ADMINISTRATOR)
    for role in (Role.OVERSIGHT_OFFICER, Role.AUDITOR):
        person_create(
            actor=None, username=role.value.replace("_", "-"), password=_PASSWORD, role=role
        )
    liaison = person_create(
        actor=None, username="liaison", password=_PASSWORD, role=Role.LIAISON,
        organisation=organisation,
    )  # fmt: skip
    vetting_permission_grant(actor=User.objects.get(pk=admin.pk), person=liaison)


def run(*, quick: bool, cases: int | None) -> dict[str, Any]:
    stored = cases or (QUICK_CASES if quick else FULL_CASES)
    measured = QUICK_MEASURED if quick else MEASURED
    data_dir = Path(tempfile.mkdtemp(prefix="ombuds-bench-vetting-"))
    setup_django(data_dir)
    import ombuds.vetting.services  # noqa: F401

    _people()
    print(f"storing {stored:,} cases in {data_dir}", flush=True)
    fill_seconds = fill(stored, known=measured // 2 + 1)
    result = measure(measured)
    result.update(
        {
            "quick": quick,
            "stored_cases": stored,
            "fill_seconds": round(fill_seconds, 1),
            "target_ms": TARGET_MS,
            "target_met": result["median_ms"] < TARGET_MS,
        }
    )
    if result["records"] != measured // 2:
        raise SystemExit(f"bench: expected {measured // 2} records, got {result['records']}")
    write_result("vetting" + ("-quick" if quick else ""), result)
    return result


def print_summary(result: dict[str, Any]) -> None:
    print()
    print(f"vetting: {result['stored_cases']:,} cases stored (in {result['fill_seconds']} s)")
    print(
        f"  vetting_check (name in, answer recorded and committed): median "
        f"{result['check']['median_ms']} ms, p95 {result['check']['p95_ms']} ms "
        f"(target < {result['target_ms']} ms: {'met' if result['target_met'] else 'MISSED'})"
    )
    print(f"  the answer alone (no write): median {result['answer_only']['median_ms']} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench vetting", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 cases (smoke test)")
    parser.add_argument("--cases", type=int, help="cases stored (default 100,000)")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, cases=args.cases)
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
