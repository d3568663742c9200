"""Benchmark 2: `ombuds verify` over a ledger of 100,000 events (--quick: 5,000).

The ledger is written with the product's own `append_event` (content encrypted with the
case key, hash chain, Merkle frontier) inside large transactions, across ~2,000 case
streams, with a signed checkpoint (`checkpoint_create`) at the end of every transaction.
Every allocation carries a signed grant of access, as the product writes it. Then
`python -m ombuds.cli verify --data-dir DIR` runs as a subprocess (wall time), and what
it does runs in-process (best of a few runs): `verify_ledger()`, then every grant's
signature not vouched for by the signed heads (`verify_grants()`). Target: >= 100,000 events/s.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ledger_views
from bench.common import (
    instance_env,
    profile_top,
    profile_top_tottime,
    setup_django,
    start_postgresql,
    stop_postgresql,
    write_result,
)
from ombuds.record import events as registry

TARGET_EVENTS_PER_SECOND = 100_000
FULL_EVENTS = 100_000
QUICK_EVENTS = 5_000
# A case's whole life: the submission writes ~4 events (submitted, two assignments, the
# access record), then reads, notes, stage changes. 10 gives 10,000 submissions, and so
# 10,000 signed checkpoints, per 100,000 events.
EVENTS_PER_CASE = 10

# A case's life, in the order its stage-changing events come (metadata from -> to).
_LIFECYCLE = (
    (registry.ACKNOWLEDGED.type, "received", "acknowledged"),
    (registry.ASSESSED.type, "acknowledged", "assessed"),
    (registry.INVESTIGATION_OPENED.type, "assessed", "investigation"),
    (registry.FINDINGS_RECORDED.type, "investigation", "findings"),
    (registry.DECIDED.type, "findings", "decision"),
    (registry.CLOSED.type, "decision", "closed"),
)
_WORDS = (
    "meeting",
    "office",
    "kitchen",
    "comment",
    "message",
    "evening",
    "conference",
    "colleague",
    "corridor",
    "remark",
    "email",
    "phone",
    "councillor",
    "staff",
    "event",
    "party",
    "week",
    "before",
    "after",
    "again",
    "told",
    "asked",
    "said",
    "manager",
    "witness",
    "upset",
    "stopped",
    "continued",
)
_ORGS = ("bench-org", "second-org", "third-org")


@dataclass
class _CaseStream:
    stream: str
    key: bytes
    complainant: str
    handlers: list[tuple[str, str]] = field(default_factory=list)  # (pseudonym, role)
    version: int = 0
    stage: int = -1  # index into _LIFECYCLE of the last stage event


def _text(rng: random.Random, length: int) -> str:
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(_WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


class LedgerWriter:
    """Writes realistic case events through `append_event`."""

    def __init__(
        self,
        *,
        cases: int,
        events: int,
        seed: int = 1,
        on_submitted: Callable[[], object] | None = None,
    ) -> None:
        from ombuds.people.services import new_pseudonym
        from ombuds.vault import new_case_key

        self.rng = random.Random(seed)
        # The product signs a checkpoint inside every submission's transaction.
        self.on_submitted = on_submitted
        self.target_cases = cases
        self.target_events = events
        self.cases: list[_CaseStream] = []
        self.written = 0
        self._new_case_key = new_case_key
        self._new_pseudonym = new_pseudonym
        self.staff = {
            role: [new_pseudonym() for _ in range(count)]
            for role, count in (("case_manager", 8), ("advocate", 12), ("investigator", 15))
        }
        # Open a new case often enough that every case exists by ~70% of the events.
        self.p_open = min(1.0, cases / (0.7 * events)) if events else 0.0

    def _append(
        self,
        case: _CaseStream,
        event_type: str,
        actor: tuple[str, str],
        metadata: dict[str, Any],
        content: dict[str, Any] | None,
    ) -> None:
        from ombuds.ledger.actor import Actor
        from ombuds.ledger.services import append_event

        append_event(
            stream=case.stream,
            event_type=event_type,
            actor=Actor(pseudonym=actor[0], role=actor[1]),
            metadata=metadata,
            content=content,
            case_key=case.key if content is not None else None,
            expected_version=case.version,
        )
        case.version += 1
        self.written += 1

    def _open_case(self) -> None:
        from ombuds.record.services import sign_grant

        rng = self.rng
        case_id = f"{rng.getrandbits(128):032x}"
        uuid_text = (
            f"{case_id[:8]}-{case_id[8:12]}-{case_id[12:16]}-{case_id[16:20]}-{case_id[20:]}"
        )
        case = _CaseStream(
            stream=f"case/{uuid_text}", key=self._new_case_key(), complainant=self._new_pseudonym()
        )
        self.cases.append(case)
        anonymous = rng.random() < 0.6
        self._append(
            case,
            registry.SUBMITTED.type,
            (case.complainant, "complainant"),
            {
                "reference": f"OMB-{rng.getrandbits(20):05X}-{rng.getrandbits(20):05X}",
                "organisation": rng.choice(_ORGS),
                "anonymous": anonymous,
                "complainant": case.complainant,
            },
            {
                "what_happened": _text(rng, 110),
                "people_involved": _text(rng, 20),
                "when": "Last Tuesday",
                "where": "Head office",
                "witnesses": "",
                "outcome_wanted": _text(rng, 20),
                "your_name": "" if anonymous else "A. Person",
                "contact": "",
            },
        )
        for role in ("case_manager", "advocate"):
            if self.written >= self.target_events:
                return
            person = rng.choice(self.staff[role])
            case.handlers.append((person, role))
            # Signed, as the product signs every grant of access (`ombuds verify` checks).
            assignment = {
                "person": person,
                "role": role,
                "eligible": len(self.staff[role]),
                "seed": f"{rng.getrandbits(256):064x}",
                "round": 0,
            }
            self._append(
                case,
                registry.ASSIGNED.type,
                ("system", "system"),
                sign_grant(case.stream, registry.ASSIGNED.type, assignment),
                None,
            )
        if self.on_submitted is not None:
            self.on_submitted()

    def _next_on_case(self, case: _CaseStream) -> None:
        rng = self.rng
        roll = rng.random()
        handler = rng.choice(case.handlers) if case.handlers else ("system", "system")
        if roll < 0.45 and case.handlers:
            # Every read of a case file is itself an event.
            self._append(case, registry.CONTENT_READ.type, handler, {"person": handler[0]}, None)
        elif roll < 0.60 and case.stage + 1 < len(_LIFECYCLE):
            case.stage += 1
            event_type, source, target = _LIFECYCLE[case.stage]
            if event_type == registry.INVESTIGATION_OPENED.type:
                person = rng.choice(self.staff["investigator"])
                case.handlers.append((person, "investigator"))
            self._append(
                case,
                event_type,
                handler,
                {"from": source, "to": target},
                {"reason": _text(rng, 150)},
            )
        elif roll < 0.80:
            self._append(
                case,
                registry.INFORMATION_ADDED.type,
                (case.complainant, "complainant"),
                {},
                {"text": _text(rng, 160)},
            )
        else:
            self._append(
                case, "case.note_added", handler, {"kind": "note"}, {"text": _text(rng, 150)}
            )

    def write(self, count: int) -> None:
        """Append about `count` events (never past the target) in the caller's transaction."""
        stop = min(self.target_events, self.written + count)
        while self.written < stop:
            if not self.cases or (
                len(self.cases) < self.target_cases and self.rng.random() < self.p_open
            ):
                self._open_case()
            else:
                self._next_on_case(self.rng.choice(self.cases))


def build_ledger(*, events: int, cases: int, per_transaction: int) -> dict[str, Any]:
    """Write the ledger; one signed checkpoint after each submission, as the product signs
    them, and one at the end of each transaction."""
    from django.db import transaction

    from ombuds.ledger.checkpoints import checkpoint_create

    writer = LedgerWriter(cases=cases, events=events, on_submitted=checkpoint_create)
    append_seconds = 0.0
    checkpoint_seconds: list[float] = []
    commit_seconds = 0.0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while writer.written < events:
        before = writer.written
        with transaction.atomic():
            t0 = time.perf_counter()
            writer.write(per_transaction)
            t1 = time.perf_counter()
            checkpoint_create()
            t2 = time.perf_counter()
        t3 = time.perf_counter()
        append_seconds += t1 - t0
        checkpoint_seconds.append(t2 - t1)
        commit_seconds += t3 - t2
        print(
            f"  appended {writer.written:>7,} events "
            f"({(writer.written - before) / (t1 - t0):,.0f}/s in this transaction)",
            flush=True,
        )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "events": writer.written,
        "streams": len(writer.cases),
        "transactions": len(checkpoint_seconds),
        "per_transaction": per_transaction,
        "checkpoints": len(checkpoint_seconds),
        "append_seconds": round(append_seconds, 3),
        "append_events_per_second": round(writer.written / append_seconds),
        "append_ms_per_event": round(append_seconds / writer.written * 1000, 4),
        "checkpoint_ms_median": round(statistics.median(checkpoint_seconds) * 1000, 2),
        "commit_seconds_total": round(commit_seconds, 3),
        "build_wall_seconds": round(wall, 3),
        "build_cpu_seconds": round(cpu, 3),
        "overall_events_per_second": round(writer.written / wall),
    }


_CLI_LINE = re.compile(
    r"Checked (\d+) (?:new )?events \(from \d+ to \d+\) in (\d+) chains and (\d+) stored"
)


def run_cli_verify(data_dir: Path, database_url: str | None = None) -> dict[str, Any]:
    """`python -m ombuds.cli verify --full --data-dir DIR`, timed from outside (wall)."""
    env = instance_env(data_dir, database_url=database_url)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "ombuds.cli", "verify", "--full", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"bench: ombuds verify failed ({completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    match = _CLI_LINE.search(completed.stdout)
    events = int(match.group(1)) if match else 0
    reported = re.search(r"in ([0-9.]+) s \(", completed.stdout)
    inner = float(reported.group(1)) if reported else None
    return {
        "command": "python -m ombuds.cli verify --full --data-dir DIR",
        "wall_seconds": round(wall, 3),
        "events": events,
        "events_per_second_wall": round(events / wall) if wall else 0,
        "verify_ledger_seconds_reported": inner,
        "events_per_second_reported": round(events / inner) if inner else None,
        "startup_seconds": round(wall - inner, 3) if inner is not None else None,
        "stdout": completed.stdout.strip().splitlines(),
    }


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its finished children (verify's workers)."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def run_in_process_verify(runs: int) -> dict[str, Any]:
    """What `ombuds verify --full` does, timed: the ledger (`verify_ledger`), then the
    grants of access (`verify_grants`)."""
    from ombuds.cases.grant_checks import verify_grants
    from ombuds.ledger.verify import verify_ledger

    walls: list[float] = []
    grant_walls: list[float] = []
    cpus: list[float] = []
    worker_cpus: list[float] = []
    events = streams = checkpoints = 0
    for _ in range(runs):
        (c0, w0), t0 = _cpu(), time.perf_counter()
        report = verify_ledger()
        t1 = time.perf_counter()
        report.extend(verify_grants(report))
        walls.append(time.perf_counter() - t0)
        grant_walls.append(time.perf_counter() - t1)
        c1, w1 = _cpu()
        cpus.append(c1 - c0)
        worker_cpus.append(w1 - w0)
        if not report.ok:
            raise SystemExit(f"bench: the ledger does not verify: {report.problems[:5]}")
        events, streams, checkpoints = report.events, report.streams, report.checkpoints
    best = min(walls)
    return {
        "grants_seconds_median": round(statistics.median(grant_walls), 3),
        "runs": runs,
        "events": events,
        "streams": streams,
        "checkpoints": checkpoints,
        "wall_seconds_best": round(best, 3),
        "wall_seconds_median": round(statistics.median(walls), 3),
        "cpu_seconds_median": round(statistics.median(cpus), 3),
        "worker_cpu_seconds_median": round(statistics.median(worker_cpus), 3),
        "events_per_second_best": round(events / best),
        "events_per_second_median": round(events / statistics.median(walls)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def verify_phases() -> dict[str, Any]:
    """verify_ledger's main steps timed one by one (CPU) with the product's own functions,
    without a profiler: in this process, reading the rows and walking them (hash, chain);
    in the worker, the checkpoints' signatures, the Merkle tree and the checkpoint roots."""
    from ombuds.ledger import merkle
    from ombuds.ledger.checkpoint_checks import (
        _checkpoint_messages,
        _signature_checks,
        stored_checkpoints,
    )
    from ombuds.ledger.rows import event_rows, read_snapshot, walk_rows

    with read_snapshot():
        t0 = time.process_time()
        rows = list(event_rows(stored_order=True))
        t1 = time.process_time()
        leaves = walk_rows(rows, 0, {}, [], limit=100)
        t2 = time.process_time()
        checkpoints = stored_checkpoints()
    t3 = time.process_time()
    items = [item for cp in checkpoints for item in _checkpoint_messages(cp)]
    _signature_checks(items)
    t4 = time.process_time()
    tree = merkle.MerkleLevels([])
    for start in range(0, len(leaves), 5000):
        tree.extend(leaves[start : start + 5000])
    t5 = time.process_time()
    for cp in checkpoints:
        tree.root(cp["size"])
    t6 = time.process_time()
    n = len(rows)

    def us(seconds: float) -> float:
        return round(seconds / n * 1e6, 3) if n else 0.0

    here, worker = (t2 - t0) + (t3 - t2), (t6 - t3)
    return {
        "note": "CPU microseconds per event, each step alone (best-effort split of verify_ledger)",
        "events": n,
        "checkpoints": len(checkpoints),
        "signatures": len(items),
        "read_rows_us": us(t1 - t0),
        "walk_rows_us": us(t2 - t1),
        "read_checkpoints_us": us(t3 - t2),
        "worker_signatures_us": us(t4 - t3),
        "worker_merkle_levels_us": us(t5 - t4),
        "worker_checkpoint_roots_us": us(t6 - t5),
        "this_process_us": us(here),
        "worker_us": us(worker),
        "two_core_estimate_events_per_second": round(n / max(here, worker)) if n else 0,
    }


def profile_append(count: int) -> dict[str, Any]:
    """cProfile (CPU time) of `count` more appends, in a transaction that is rolled back."""
    from django.db import transaction

    writer = LedgerWriter(cases=max(1, count // 50), events=count, seed=2)
    profiler = cProfile.Profile(time.process_time)
    with transaction.atomic():
        started = time.process_time()
        profiler.enable()
        writer.write(count)
        profiler.disable()
        cpu = time.process_time() - started
        transaction.set_rollback(True)
    return {
        "note": f"cProfile (CPU time) of {count} append_event calls, rolled back afterwards",
        "cpu_ms_per_event_profiled": round(cpu / count * 1000, 3),
        "top_cumulative": profile_top(profiler, limit=15),
        "top_self": profile_top_tottime(profiler, limit=15),
    }


def profile_verify() -> dict[str, Any]:
    from ombuds.ledger.verify import verify_ledger

    profiler = cProfile.Profile()
    profiler.enable()
    verify_ledger()
    profiler.disable()
    return {
        "note": "cProfile of one verify_ledger() run (profiling inflates Python-level costs)",
        "top_cumulative": profile_top(profiler, limit=15),
        "top_self": profile_top_tottime(profiler, limit=15),
    }


def _ledger_size() -> int:
    from ombuds.ledger.models import Event

    return Event.objects.count()


def run(
    *,
    quick: bool,
    events: int | None = None,
    profile: bool = False,
    data_dir: Path | None = None,
    postgresql: bool = False,
) -> dict[str, Any]:
    """The benchmark on SQLite in `data_dir` (a temp dir if None), or, with `postgresql`,
    on a throwaway PostgreSQL server, as an instance of several processes runs."""
    if not postgresql:
        return _run(quick=quick, events=events, profile=profile, data_dir=data_dir)
    if data_dir is not None:
        raise SystemExit("bench: --postgresql builds its ledger afresh; it takes no --data-dir")
    database_url, server = start_postgresql()
    try:
        return _run(quick=quick, events=events, profile=profile, database_url=database_url)
    finally:
        stop_postgresql(server)


def _database_bytes(data_dir: Path) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    db = data_dir / "ombuds.sqlite3"
    return db.stat().st_size + sum(p.stat().st_size for p in data_dir.glob("ombuds.sqlite3-*"))


def _run(
    *,
    quick: bool,
    events: int | None,
    profile: bool,
    data_dir: Path | None = None,
    database_url: str | None = None,
) -> dict[str, Any]:
    count = events or (QUICK_EVENTS if quick else FULL_EVENTS)
    # One submission (and so one signed checkpoint) per EVENTS_PER_CASE events.
    cases = max(1, round(count / EVENTS_PER_CASE))
    per_transaction = 10_000 if count >= 50_000 else max(1, count // 5)
    with tempfile.TemporaryDirectory(prefix="ombuds-bench-verify-") as tmp:
        data_dir = data_dir.resolve() if data_dir else Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        setup_django(data_dir, database_url=database_url)
        existing = _ledger_size()
        build: dict[str, Any]
        if existing:
            # A kept data directory (--data-dir): verify what is there, build nothing.
            print(f"verify: reusing the ledger of {existing:,} events in {data_dir}", flush=True)
            build = {"events": existing, "reused": True}
        else:
            print(f"verify: building a ledger of {count:,} events in {data_dir}", flush=True)
            build = build_ledger(events=count, cases=cases, per_transaction=per_transaction)
        build["database_bytes"] = _database_bytes(data_dir)
        print("verify: running `ombuds verify` as a subprocess", flush=True)
        cli = run_cli_verify(data_dir, database_url)
        print("verify: running verify_ledger() and verify_grants() in-process", flush=True)
        in_process = run_in_process_verify(runs=2 if quick else 3)
        phases = None if database_url else verify_phases()  # its steps read SQLite's bytes
        rate = in_process["events_per_second_best"]
        met = bool(rate >= TARGET_EVENTS_PER_SECOND)
        profiled = profile_verify() if (profile or not met) and not quick else None
        fresh = not build.get("reused")
        appends = profile_append(2000) if (profile or not quick) and fresh else None
        print("verify: proof of receipt, incremental run, auditor's page", flush=True)
        cheap_reads = {
            "proof_of_receipt": ledger_views.proof_of_receipt(),
            "incremental_day": ledger_views.incremental_day(LedgerWriter, EVENTS_PER_CASE),
            "auditor_page": ledger_views.auditor_page(cases=2_000 if quick else 100_000),
        }
    result: dict[str, Any] = {
        "database": "postgresql" if database_url else "sqlite",
        "quick": quick,
        "target_events_per_second": TARGET_EVENTS_PER_SECOND,
        "target_met": met,
        "build": build,
        "cli_verify": cli,
        "in_process_verify": in_process,
        "verify_phases": phases,
        **cheap_reads,
    }
    if profiled is not None:
        result["verify_profile"] = profiled
    if appends is not None:
        result["append_profile"] = appends
    name = ("verify-quick" if quick else "verify") + ("-postgresql" if database_url else "")
    # A reused ledger has no build figures: keep it apart from the real results.
    path = write_result(name if fresh else f"{name}-reused", result)
    result["written_to"] = str(path)
    return result


def _verdict(result: dict[str, Any]) -> str:
    if result["quick"]:
        return "not judged with --quick"
    return "met" if result["target_met"] else "MISSED"


def print_summary(result: dict[str, Any]) -> None:
    build, cli, inproc = result["build"], result["cli_verify"], result["in_process_verify"]
    print()
    print(
        f"ledger: {inproc['events']:,} events, {inproc['streams']:,} case streams, "
        f"{inproc['checkpoints']} checkpoints"
    )
    if "append_events_per_second" in build:
        print(
            f"  append_event: {build['append_events_per_second']:,} events/s "
            f"({build['append_ms_per_event']} ms/event); checkpoint "
            f"{build['checkpoint_ms_median']} ms"
        )
    print(
        f"  ombuds verify (subprocess): {cli['wall_seconds']} s wall "
        f"= {cli['events_per_second_wall']:,} events/s incl. start-up; "
        f"verify itself {cli['events_per_second_reported']:,} events/s"
    )
    print(
        f"  in-process (the ledger, then the grants): best {inproc['wall_seconds_best']} s "
        f"= {inproc['events_per_second_best']:,} events/s "
        f"(target {result['target_events_per_second']:,}: "
        f"{_verdict(result)}); the grants alone, median "
        f"{inproc['grants_seconds_median']} s"
    )
    phases = result["verify_phases"]
    steps = (
        f"; steps alone: {phases['this_process_us']} us/event here, "
        f"{phases['worker_us']} us/event in the worker "
        f"(two free cores: ~{phases['two_core_estimate_events_per_second']:,} events/s)"
        if phases
        else ""
    )
    print(
        f"  {result['database']}; median CPU: {inproc['cpu_seconds_median']} s here + "
        f"{inproc['worker_cpu_seconds_median']} s in the workers; load average "
        f"{inproc['load_average']}{steps}"
    )
    proof, day, page = result["proof_of_receipt"], result["incremental_day"], result["auditor_page"]
    print(
        f"  proof of receipt at {proof['events']:,} events: median {proof['median_ms']} ms, "
        f"p95 {proof['p95_ms']} ms (target {proof['target_ms']} ms)"
    )
    print(
        f"  incremental run over a day ({day['new_events']:,} events, "
        f"{day['new_checkpoints']:,} checkpoints): {day['seconds']} s "
        f"(target {day['target_seconds']} s)"
    )
    print(
        f"  auditor's page at {page['cases']:,} cases: median {page['median_ms']} ms, "
        f"p95 {page['p95_ms']} ms (target {page['target_p95_ms']} ms)"
    )
    profiled = result.get("verify_profile")
    if profiled:
        print("  hottest functions in verify_ledger (self time, under cProfile):")
        for row in profiled["top_self"][:8]:
            print(f"    {row['tottime_s']:>7.3f} s  {row['calls']:>8}  {row['function']}")
    print(f"  written to {result['written_to']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench verify", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 events (smoke test)")
    parser.add_argument("--events", type=int, help="number of events (default 100,000)")
    parser.add_argument("--profile", action="store_true", help="always profile verify_ledger")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the instance here (default: a temp dir); a ledger already there is reused",
    )
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="on a throwaway PostgreSQL server (scripts/pg-throwaway.sh), not SQLite",
    )
    args = parser.parse_args(argv)
    result = run(
        quick=args.quick,
        events=args.events,
        profile=args.profile,
        data_dir=args.data_dir,
        postgresql=args.postgresql,
    )
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
