"""Benchmark 3: matching in the escrow with 1,000,000 entries stored (--quick: 20,000).

The stored entries are inserted in bulk, straight into the tables (an entry and one
mark each: a token, an author token, a placeholder share and wrap); a few hundred of
them carry the real token of a known identifier, so that half the measured entries
match. Then one complainant makes N new entries through the product's own service,
`escrow_entry_add`: normalise the identifier, blind it, evaluate and finalise the
OPRF, seal the entry and its mark, append the event, look up the token in its index
and count the distinct people who named the same person, and commit (fsync). The
judged figure is the match check alone: the identifier in, "has someone else named this
person?" out (normalise, OPRF, token, indexed count), timed right after each entry;
target: median under 5 ms. The whole durable entry is reported beside it. There is
no deliberate key derivation on this path (no Argon2id); the only
Argon2id calls are in the set-up (the complainant's receipt and the counsellor's key).
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

TARGET_MS = 5.0
FULL_ENTRIES = 1_000_000
QUICK_ENTRIES = 20_000
MEASURED = 200
QUICK_MEASURED = 20
_BATCH = 50_000


def _known_name(i: int) -> str:
    letters = "".join("abcdefghij"[int(d)] for d in f"{i:04d}")
    return f"Stored{letters} Person{letters}"


def _fresh_name(i: int) -> str:
    letters = "".join("abcdefghij"[int(d)] for d in f"{i:04d}")
    return f"Fresh{letters} Named{letters}"


class _Cursor:
    """sqlite3's connection as a context-managed cursor (it has executemany itself)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def __enter__(self) -> Any:
        return self.raw

    def __exit__(self, *exc: object) -> None:
        return None


def fill(entries: int, known: int) -> float:
    """Insert `entries` entries with one mark each; the first `known` carry the real
    token of `_known_name(i)`. Returns the seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ombuds import vault
    from ombuds.escrow.identifiers import identifier
    from ombuds.escrow.keyholder import prf_output

    organisation = "bench-org"
    real = [
        vault.match_token(
            prf_output(identifier("name", _known_name(i), organisation=organisation).canonical)
        )
        for i in range(known)
    ]
    now = timezone.now().isoformat()
    started = time.perf_counter()
    placeholder = secrets.token_bytes(80)
    connection.ensure_connection()
    raw = connection.connection  # the driver's own executemany: no per-row wrapper work
    entry_sql = (
        "INSERT INTO escrow_entry (id, author, threshold, sealed_for_author, created_at)"
        " VALUES (?, ?, 2, ?, ?)"
    )
    mark_sql = (
        "INSERT INTO escrow_mark (entry_id, token, author, threshold, sealed_shares,"
        " wrapped_record_key) VALUES (?, ?, ?, 2, '{}', ?)"
    )
    if connection.vendor != "sqlite":
        entry_sql, mark_sql = entry_sql.replace("?", "%s"), mark_sql.replace("?", "%s")
    else:
        # Set-up only: a page cache that holds the indexes, and no fsync per batch. The
        # measured entries run afterwards with the product's own settings again.
        raw.execute("PRAGMA cache_size = -524288")
        raw.execute("PRAGMA synchronous = OFF")
    with raw.cursor() if connection.vendor != "sqlite" else _Cursor(raw) as cursor:
        for start in range(0, entries, _BATCH):
            size = min(_BATCH, entries - start)
            ids = [uuid.uuid4().hex for _ in range(size)]
            authors = [secrets.token_hex(32) for _ in range(size)]
            tokens = [
                real[start + j] if start + j < known else secrets.token_hex(32) for j in range(size)
            ]
            with transaction.atomic():
                cursor.executemany(
                    entry_sql,
                    [(i, a, placeholder, now) for i, a in zip(ids, authors, strict=True)],
                )
                cursor.executemany(
                    mark_sql,
                    [(i, t, a, placeholder) for i, t, a in zip(ids, tokens, authors, strict=True)],
                )
            print(f"  {start + size:,} entries stored", flush=True)
    if connection.vendor == "sqlite":
        raw.execute("PRAGMA synchronous = FULL")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def measure(measured: int) -> dict[str, Any]:
    """N entries through `escrow_entry_add`, alternately naming a stored and a new person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ombuds import vault
    from ombuds.escrow.identifiers import identifier
    from ombuds.escrow.keyholder import prf_output
    from ombuds.escrow.services import distinct_people, escrow_entry_add
    from ombuds.intake.report import ReportAccount
    from ombuds.intake.services import report_submit
    from ombuds.people.services import organisation_create, person_create
    from ombuds.record.roles import Role

    organisation = organisation_create(actor=None, name="Bench Org", slug="bench-org")
    person_create(
        actor=None,
        username="counsellor",
        password=secrets.token_urlsafe(16),
        role=Role.MATCHING_COUNSELLOR,
        display_name="Counsellor",
    )
    account = ReportAccount(
        what_happened="Bench.",
        people_involved="A colleague",
        when="Last week",
        where="The office",
        witnesses="",
        outcome_wanted="",
        your_name="",
        contact="",
    )
    access = report_submit(
        organisation_slug=organisation.slug, account=account, anonymous=True
    ).access

    for i in range(3):  # warm-up: imports, prepared statements, the key file
        escrow_entry_add(
            access=access, identifiers=[("name", _fresh_name(9000 + i))], account="warm-up"
        )
    totals, oprf, lookups, checks, matched = [], [], [], [], 0
    with CaptureQueriesContext(connection) as queries:
        before = len(queries)
        for i in range(measured):
            name = _known_name(i // 2) if i % 2 == 0 else _fresh_name(i)
            t0 = time.perf_counter()
            added = escrow_entry_add(
                access=access, identifiers=[("name", name)], account="Words of the entry."
            )
            totals.append(time.perf_counter() - t0)
            matched += added.matched
            # The same question on its own: the identifier in, "has someone else named
            # this person?" out (normalise, OPRF, token, indexed count), with no write.
            t0 = time.perf_counter()
            output = prf_output(identifier("name", name, organisation=organisation.slug).canonical)
            oprf.append(time.perf_counter() - t0)
            people = distinct_people(vault.match_token(output), 2)
            checks.append(time.perf_counter() - t0)
            lookups.append(checks[-1] - oprf[-1])
            assert (people >= 2) == added.matched, (name, people)
        statements = (len(queries) - before) / measured
    return {
        "measured_entries": measured,
        "matched": matched,
        "match_check": summary_ms(checks),
        "entry_add": summary_ms(totals),
        "normalise_and_oprf": summary_ms(oprf),
        "token_lookup": summary_ms(lookups),
        "sql_statements_per_entry_incl_lookup": round(statements, 1),
        "median_ms": round(statistics.median(checks) * 1000, 2),
    }


def run(*, quick: bool, entries: int | None) -> dict[str, Any]:
    stored = entries or (QUICK_ENTRIES if quick else FULL_ENTRIES)
    measured = QUICK_MEASURED if quick else MEASURED
    data_dir = Path(tempfile.mkdtemp(prefix="ombuds-bench-escrow-"))
    setup_django(data_dir)
    # Everything the run needs is imported now, so a checkout changing under a long run
    # cannot break it halfway.
    import ombuds.escrow.services
    import ombuds.intake.services
    import ombuds.people.services  # noqa: F401

    print(f"storing {stored:,} escrow entries in {data_dir}", flush=True)
    fill_seconds = fill(stored, known=measured // 2 + 1)
    result = measure(measured)
    result.update(
        {
            "quick": quick,
            "stored_entries": stored,
            "fill_seconds": round(fill_seconds, 1),
            "target_ms": TARGET_MS,
            "target_met": result["median_ms"] < TARGET_MS,
        }
    )
    if result["matched"] != measured // 2:
        raise SystemExit(f"bench: expected {measured // 2} matches, got {result['matched']}")
    write_result("escrow" + ("-quick" if quick else ""), result)
    return result


def print_summary(result: dict[str, Any]) -> None:
    print()
    print(f"escrow: {result['stored_entries']:,} entries stored (in {result['fill_seconds']} s)")
    print(
        f"  match check (identifier in, matched or not out): median "
        f"{result['match_check']['median_ms']} ms, p95 {result['match_check']['p95_ms']} ms "
        f"(target < {result['target_ms']} ms: {'met' if result['target_met'] else 'MISSED'})"
    )
    print(
        f"  escrow_entry_add: median {result['entry_add']['median_ms']} ms, "
        f"p95 {result['entry_add']['p95_ms']} ms over {result['measured_entries']} entries "
        f"({result['matched']} matched)"
    )
    print(f"  of which normalise + OPRF: median {result['normalise_and_oprf']['median_ms']} ms")
    print(f"  token lookup (distinct people): median {result['token_lookup']['median_ms']} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench escrow", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 entries (smoke test)")
    parser.add_argument("--entries", type=int, help="entries stored (default 1,000,000)")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, entries=args.entries)
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
