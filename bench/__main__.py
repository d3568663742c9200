"""`python -m bench [NAME] [--quick]`: run the benchmarks (NAME: submission, verify, proxy,
workload, several, escrow, statistics, vetting), print a table.

Each benchmark runs in its own process (Django is configured once per process, for one
data directory); with no name, each runs in turn and a table sums them up.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from bench.common import PROJECT_DIR, read_result

NAMES = (
    "submission", "verify", "proxy", "workload", "several", "escrow", "statistics", "vetting",
)  # fmt: skip


def _verdict(result: dict[str, Any]) -> str:
    if result.get("quick"):
        return "not judged (--quick is a smoke test)"
    return "met" if result["target_met"] else "MISSED"


def _table(results: dict[str, dict[str, Any] | None]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    sub = results.get("submission")
    if sub:
        send = sub["send_post"]
        cpu = sub["server_cpu_per_submission"]
        rows += [
            ("submission: send POST latency, median", f"{send['median_ms']:.0f} ms", ""),
            ("submission: send POST latency, p95", f"{send['p95_ms']:.0f} ms", ""),
            ("submission: server CPU per submission", f"{cpu['total_ms']:.1f} ms", ""),
            ("  of which Argon2id", f"{cpu['argon2id_ms']:.1f} ms", ""),
            (
                "  the rest",
                f"{cpu['rest_ms']:.1f} ms",
                f"target < {sub['target_rest_ms']} ms: " + _verdict(sub),
            ),
            (
                "  the rest, cross-check in-process",
                f"{sub['send_in_process']['rest_ms']:.1f} ms",
                f"{sub['send_in_process']['sql_statements_per_send']:.0f} SQL statements per send",
            ),
        ]
    ver = results.get("verify")
    if ver:
        build, inproc = ver["build"], ver["in_process_verify"]
        if "append_events_per_second" in build:
            rate = f"{build['append_events_per_second']:,}/s"
            rows.append(
                ("verify: append_event rate", rate, f"{build['append_ms_per_event']} ms/event")
            )
        rows += [
            (
                f"verify: ledger + grants, {inproc['events']:,} events",
                f"{inproc['events_per_second_best']:,}/s",
                f"target >= {ver['target_events_per_second']:,}/s: " + _verdict(ver),
            ),
            (
                "verify: `ombuds verify` subprocess, wall",
                f"{ver['cli_verify']['wall_seconds']:.2f} s",
                f"{ver['cli_verify']['events_per_second_wall']:,} events/s incl. start-up",
            ),
        ]
    proxy = results.get("proxy")
    if proxy:
        rows += [
            (
                f"proxy: submissions/s, {proxy['complainants']} complainants, nginx + HTTPS",
                f"{proxy['submissions_per_second']:.1f}/s",
                f"{proxy['submissions']} submissions, {proxy['errors']} errors",
            ),
            ("proxy: server peak memory (VmHWM)", f"{proxy['server_peak_rss_mib']:.0f} MiB", ""),
        ]
    work = results.get("workload")
    if work:
        target = f"target p95 < {work['target_p95_ms']:.0f} ms"
        for key, label in (
            ("manager_list", "case manager's list"),
            ("officer_list", "oversight officer's list"),
            ("case_page", "case page"),
        ):
            figures = work[key]
            rows.append(
                (
                    f"workload: {label} at {work['cases']:,} cases, median / p95",
                    f"{figures['median_ms']:.0f} / {figures['p95_ms']:.0f} ms",
                    target,
                )
            )
        first, second = work["sweep_seconds"]
        sweep_target = f"target < {work['target_sweep_seconds']:.0f} s: "
        rows.append(
            (
                f"workload: `ombuds sweep` pass over {work['cases']:,} open cases",
                f"{first:.2f} s",
                # The sweep's own target, not the run's (a page's p95 is judged on its row).
                f"then {second:.2f} s with nothing new; {sweep_target}"
                + ("met" if max(first, second) < work["target_sweep_seconds"] else "MISSED"),
            )
        )
    several = results.get("several")
    if several:
        for label, key in (("one process", "one_process"), ("two processes", "two_processes")):
            p, hold = several[key], several[key]["head_hold"]
            rows += [
                (
                    f"several: {label}, {several['complainants']} complainants",
                    f"{p['submissions_per_second']}/s",
                    f"{p['errors']} errors; head held median {hold.get('median_ms')} ms, "
                    f"p95 {hold.get('p95_ms')} ms (target <= {several['target_hold_p95_ms']})",
                ),
            ]
        rows.append(
            (
                "several: two processes / one",
                f"{several['speed_up']}x",
                f"target >= {several['target_speed_up']}x: " + _verdict(several),
            )
        )
    esc = results.get("escrow")
    if esc:
        rows += [
            (
                f"escrow: match check with {esc['stored_entries']:,} entries, median",
                f"{esc['match_check']['median_ms']:.2f} ms",
                f"target < {esc['target_ms']} ms: " + _verdict(esc),
            ),
            (
                "  the whole durable entry (escrow_entry_add), median",
                f"{esc['entry_add']['median_ms']:.1f} ms",
                f"p95 {esc['entry_add']['p95_ms']:.1f} ms, incl. the commit's fsync",
            ),
        ]
    st = results.get("statistics")
    if st:
        rows.append(
            (
                f"statistics: auditor's page, {st['cases_in_year']:,} cases in the year "
                f"of {st['cases']:,}, median / p95",
                f"{st['auditor_page']['median_ms']:.0f} / {st['auditor_page']['p95_ms']:.0f} ms",
                f"target < {st['target_seconds'] * 1000:.0f} ms: " + _verdict(st),
            )
        )
        labels = [("auditor_page_one_live_quarter", "auditor's page, last quarter live")]
        labels += [("public_page", "public page"), ("csv", "CSV"), ("pdf", "PDF")]
        for key, label in [(k, v) for k, v in labels if k in st]:
            rows.append(
                (f"statistics: {label}, median / p95",
                 f"{st[key]['median_ms']:.0f} / {st[key]['p95_ms']:.0f} ms", "")
            )  # fmt: skip
    vet = results.get("vetting")
    if vet:
        rows += [
            (
                f"vetting: a check with {vet['stored_cases']:,} cases stored, median",
                f"{vet['check']['median_ms']:.1f} ms",
                f"p95 {vet['check']['p95_ms']:.1f} ms; target < {vet['target_ms']:.0f} ms: "
                + _verdict(vet),
            ),
            (
                "  the answer alone (no write), median",
                f"{vet['answer_only']['median_ms']:.1f} ms",
                "",
            ),
        ]
    return rows


def print_table(results: dict[str, dict[str, Any] | None]) -> None:
    rows = _table(results)
    if not rows:
        print("no results")
        return
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print()
    print("=" * (width + value_width + 40))
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>{value_width}}  {note}".rstrip())
    print("=" * (width + value_width + 40))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", nargs="?", choices=NAMES, help="run only this benchmark")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args, rest = parser.parse_known_args(argv)
    names = [args.name] if args.name else list(NAMES)
    suffix = "-quick" if args.quick else ""
    failed = 0
    results: dict[str, dict[str, Any] | None] = {}
    for name in names:
        print(f"\n### bench {name}{' (quick)' if args.quick else ''}", flush=True)
        command = [sys.executable, "-m", f"bench.{name}", *(["--quick"] if args.quick else [])]
        code = subprocess.run([*command, *rest], cwd=PROJECT_DIR, check=False).returncode
        if code != 0:
            print(f"bench {name} failed (exit {code})", file=sys.stderr)
            failed += 1
            continue
        # `verify --postgresql` keeps its results apart from SQLite's.
        database = "-postgresql" if "--postgresql" in rest else ""
        results[name] = read_result(name + suffix + database)
    print_table(results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
