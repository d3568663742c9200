"""Submissions from 16 concurrent complainants against one and two server processes on one
PostgreSQL database, and how long each transaction holds the ledger head.

    python -m bench several [--quick] [--complainants 16] [--each 5] [--threads 2 per core]

A throwaway PostgreSQL server is started with scripts/pg-throwaway.sh (its programs must
be installed) and stopped at the end. The instance is set up with the real CLI at the
production Argon2id cost, one report is sent first (it makes the instance's keys), then:

1. one `ombuds serve`-equivalent process (waitress, the product's WSGI application);
2. two of them on the same database, each complainant going to both in turn.

Each complainant does what a browser does (report form, check answers, send, the
confirmation page) `--each` times, all complainants at once. The figures: reports
acknowledged per second (first request to last answer), send latency, errors, and the
head row's hold time, from its SELECT ... FOR UPDATE to commit, written by the product
itself (ombuds/ledger/timing.py, switched on with OMBUDS_HEAD_TIMING_FILE).

Targets (issue 7): p95 hold <= 20 ms with 16 complainants; two processes >= 1.5x one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.common import (
    instance_env,
    percentile,
    start_postgresql,
    stop_postgresql,
    write_result,
)
from bench.submission import (
    ORG_SLUG,
    STAFF_PASSWORD,
    Browser,
    Server,
    _answer_pages,
    _cli,
    _free_port,
    _poster,
    _send_form,
)
from ombuds.instance import DEFAULT_THREADS

TARGET_HOLD_P95_MS = 20.0
TARGET_SPEED_UP = 1.5
_SERVE = (sys.executable, "-m", "ombuds.cli", "serve")


def serve(env: Mapping[str, str], log: Path, threads: int) -> Server:
    port = _free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*_SERVE, "--port", str(port), "--threads", str(threads)],
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(process=process, base=f"http://127.0.0.1:{port}", log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: a server exited:\n{log.read_text()}")
        try:
            Browser(server.base).request("/")
            return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit("bench: a server did not answer within 60 s")


def send_one(base: str) -> float:
    """One anonymous report as a browser sends it; the send POST's latency in seconds."""
    browser = Browser(base)
    report_url = urllib.parse.urljoin(base, "/report/")
    page = browser.request(report_url)
    if page.status != 200:
        raise RuntimeError(f"GET /report/ answered {page.status}")
    check = _answer_pages(page.body, _poster(browser, report_url))
    target, data = _send_form(check, report_url)
    started = time.perf_counter()
    sent = browser.request(target, data)
    latency = time.perf_counter() - started
    if sent.status not in (302, 303):
        raise RuntimeError(f"the send POST answered {sent.status}: {sent.body[:300]}")
    confirmation = browser.request(urllib.parse.urljoin(target, sent.headers["Location"]))
    if confirmation.status != 200 or "OMB-" not in confirmation.body:
        raise RuntimeError(f"the confirmation answered {confirmation.status}")
    return latency


def load(bases: list[str], complainants: int, each: int) -> dict[str, Any]:
    """Every complainant at once, each sending `each` reports to the servers in turn."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def complainant(index: int) -> None:
        for n in range(each):
            try:
                latency = send_one(bases[(index + n) % len(bases)])
            except (RuntimeError, OSError) as exc:
                with lock:
                    errors.append(str(exc)[:300])
            else:
                with lock:
                    latencies.append(latency)

    threads = [threading.Thread(target=complainant, args=(i,)) for i in range(complainants)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "servers": len(bases),
        "acknowledged": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_seconds": round(wall, 2),
        "submissions_per_second": round(len(latencies) / wall, 2),
        "send_post_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "send_post_p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
    }


def hold_times(path: Path) -> dict[str, Any]:
    values = [float(line) for line in path.read_text().split()] if path.exists() else []
    if not values:
        return {"transactions": 0}
    return {
        "transactions": len(values),
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
    }


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (/proc/stat)."""
    fields = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def phase(
    env: Mapping[str, str], data_dir: Path, processes: int, args: argparse.Namespace
) -> dict[str, Any]:
    timings = data_dir / f"head-{processes}.txt"
    env = {**env, "OMBUDS_HEAD_TIMING_FILE": str(timings)}
    servers = [
        serve(env, data_dir / f"server-{processes}-{i}.log", args.threads) for i in range(processes)
    ]
    try:
        send_one(servers[0].base)  # warm: connections, imports
        timings.unlink(missing_ok=True)
        # How busy the phase keeps the machine says what a second process could add: a
        # phase that already keeps both cores busy leaves it nothing to take.
        busy_before, ticks_before = _machine_busy()
        cpu_before = sum(_process_cpu(s.process.pid) for s in servers)
        result = load([s.base for s in servers], args.complainants, args.each)
        busy_after, ticks_after = _machine_busy()
        server_cpu = sum(_process_cpu(s.process.pid) for s in servers) - cpu_before
        result["machine_busy_fraction"] = round(
            (busy_after - busy_before) / max(ticks_after - ticks_before, 1.0), 3
        )
        result["server_cpu_ms_per_report"] = round(
            server_cpu * 1000 / max(result["acknowledged"], 1), 1
        )
    finally:
        for server in servers:
            server.stop()
    result["head_hold"] = hold_times(timings)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    database_url, pg_dir = start_postgresql()
    try:
        with tempfile.TemporaryDirectory(prefix="ombuds-bench-several-") as tmp:
            data_dir = Path(tmp)
            env = {**instance_env(data_dir), "DATABASE_URL": database_url}
            _cli(env, "migrate")
            _cli(env, "createorg", "Bench Org", "--slug", ORG_SLUG)
            for username, role in (("bench-cm", "case_manager"), ("bench-adv", "advocate")):
                _cli(
                    env,
                    "createuser",
                    username,
                    "--role",
                    role,
                    extra={"OMBUDS_NEW_PASSWORD": STAFF_PASSWORD},
                )
            one = phase(env, data_dir, 1, args)
            two = phase(env, data_dir, 2, args)
            verified = subprocess.run(
                [sys.executable, "-m", "ombuds.cli", "verify"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
    finally:
        stop_postgresql(pg_dir)
    speed_up = (
        two["submissions_per_second"] / one["submissions_per_second"]
        if one["submissions_per_second"]
        else 0.0
    )
    holds = [p["head_hold"].get("p95_ms") for p in (one, two)]
    return {
        "quick": args.quick,
        "complainants": args.complainants,
        "reports_each": args.each,
        "server_threads": args.threads,
        "kdf_concurrency": os.environ.get("OMBUDS_KDF_CONCURRENCY") or "cores",
        "one_process": one,
        "two_processes": two,
        "speed_up": round(speed_up, 2),
        "ledger_verifies": verified.returncode == 0,
        "target_hold_p95_ms": TARGET_HOLD_P95_MS,
        "target_speed_up": TARGET_SPEED_UP,
        "target_met": (
            all(h is not None and h <= TARGET_HOLD_P95_MS for h in holds)
            and speed_up >= TARGET_SPEED_UP
            and one["errors"] == two["errors"] == 0
            and verified.returncode == 0
        ),
    }


def print_summary(result: dict[str, Any]) -> None:
    for label, key in (("one process", "one_process"), ("two processes", "two_processes")):
        p = result[key]
        hold = p["head_hold"]
        print(
            f"{label}: {p['submissions_per_second']}/s ({p['acknowledged']} acknowledged, "
            f"{p['errors']} errors), send median {p['send_post_median_ms']} ms, "
            f"p95 {p['send_post_p95_ms']} ms; head held median {hold.get('median_ms')} ms, "
            f"p95 {hold.get('p95_ms')} ms; machine busy {p['machine_busy_fraction']:.0%}, "
            f"server CPU {p['server_cpu_ms_per_report']} ms a report"
        )
    print(f"speed-up {result['speed_up']}x; ledger verifies: {result['ledger_verifies']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench several", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--complainants", type=int, default=16)
    parser.add_argument("--each", type=int, default=None, help="reports per complainant")
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="waitress threads per process"
    )
    args = parser.parse_args(argv)
    if args.each is None:
        args.each = 1 if args.quick else 5
    result = run(args)
    write_result("several-quick" if args.quick else "several", result)
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
