"""Submissions per second through nginx over HTTPS, 16 concurrent complainants, and the
server's peak memory.

The deployment of docs/DEPLOY.md on loopback: the repository's `deploy/nginx/ombuds.conf`
(with a throwaway certificate) in front of one `ombuds serve` process in production
mode (production Argon2id, HTTPS, behind the proxy; SQLite in a temporary directory, or
the database of DATABASE_URL), set up with `migrate`, `createorg` and a case manager and
an advocate so that every report is allocated. Each complainant is a thread with her own
cookie jar and her own loopback address (127.0.0.10, .11, ...), so nginx's per-client
limits apply to each as to a real person; she reports anonymously start to finish (form,
check your answers, send, confirmation with the receipt) again and again.

    python -m bench proxy [--quick] [--complainants 16] [-n 320] [--threads 2 per core] [--direct]

`--direct` sends the same complainants straight to `ombuds serve` over plain HTTP (marked
HTTPS as nginx marks it), to show what the proxy and TLS cost on the same machine.

Figures: submissions per second (all completed submissions over the wall time), the
latency of one whole submission (median, p95), errors, and the server's peak resident
memory (VmHWM of the `ombuds serve` process). The clients share the 2 cores with the
server and nginx, so the rate is that of the whole machine.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.client
import http.cookiejar
import json
import os
import ssl
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import percentile, write_result
from bench.submission import (
    _RECEIPT,
    ANSWERS,
    STAFF_PASSWORD,
    Browser,
    _answer_pages,
    _NoRedirect,
    _poster,
    _send_form,
)
from ombuds.instance import DEFAULT_THREADS
from tests.e2e import production
from tests.e2e.nginx import nginx_binary, start_proxy


class _SourceHTTPSHandler(urllib.request.HTTPSHandler):
    """HTTPS from one chosen loopback address, trusting one certificate."""

    def __init__(self, context: ssl.SSLContext, source: str) -> None:
        super().__init__(context=context)
        self._source_context = context
        self._source = source

    def https_open(self, req: Any) -> Any:
        connect = functools.partial(http.client.HTTPSConnection, source_address=(self._source, 0))
        return self.do_open(connect, req, context=self._source_context)


class _AsIfProxied(urllib.request.BaseHandler):
    """--direct: plain HTTP straight to `ombuds serve`, marked HTTPS as nginx would."""

    def http_request(self, req: Any) -> Any:
        req.add_unredirected_header("X-Forwarded-Proto", "https")
        for name in ("Origin", "Referer"):  # what a browser on the HTTPS page would send
            if req.has_header(name):
                req.add_header(name, req.get_header(name).replace("http://", "https://", 1))
        return req


class HttpsComplainant(Browser):
    def __init__(self, base: str, context: ssl.SSLContext | None, source: str) -> None:
        super().__init__(base)
        transport: urllib.request.BaseHandler = (
            _SourceHTTPSHandler(context, source) if context is not None else _AsIfProxied()
        )
        if context is None:  # the server's cookies are Secure: send them as over HTTPS
            policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
            self.jar.set_policy(policy)
        self.opener = urllib.request.build_opener(
            transport, urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )


def submit(base: str, context: ssl.SSLContext | None, source: str) -> None:
    """One anonymous report through the pages; raises if any step goes wrong."""
    browser = HttpsComplainant(base.rstrip("/"), context, source)
    report_url = urllib.parse.urljoin(base, "/report/")
    page = browser.request(report_url)
    if page.status != 200:
        raise RuntimeError(f"GET /report/ answered {page.status}")
    answers = {**ANSWERS, "organisation": production.ORGANISATION}
    check = _answer_pages(page.body, _poster(browser, report_url), answers)
    target, data = _send_form(check, report_url)
    sent = browser.request(target, data)
    if sent.status not in (302, 303):
        raise RuntimeError(f"the send POST answered {sent.status}")
    confirmation = browser.request(urllib.parse.urljoin(target, sent.headers["Location"]))
    shown = _RECEIPT.search(confirmation.body)
    if confirmation.status != 200 or not shown or len(html.unescape(shown[1]).split()) != 7:
        raise RuntimeError(f"the confirmation answered {confirmation.status} without a receipt")


def _logged_errors(log: str) -> dict[str, int]:
    """The server's error lines (JSON, lib/logs.py) counted by exception type."""
    counts: dict[str, int] = {}
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("level") in {"error", "critical"}:
            kind = str(entry.get("error") or entry.get("message"))
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(
    *, complainants: int, total: int, threads: int, quick: bool, direct: bool
) -> dict[str, Any]:
    if nginx_binary() is None:
        raise SystemExit("bench proxy: nginx is not installed (apt-get install nginx-light)")
    with tempfile.TemporaryDirectory(prefix="ombuds-bench-proxy-") as temporary:
        folder = Path(temporary)
        env = production.prepare(folder, os.environ.get("DATABASE_URL"))
        for name, role in (("bench-cm", "case_manager"), ("bench-advocate", "advocate")):
            made = production.run(
                {**env, "OMBUDS_NEW_PASSWORD": STAFF_PASSWORD}, "createuser", name, "--role", role
            )
            if made.returncode != 0:
                raise SystemExit(f"bench proxy: createuser failed:\n{made.stderr}")
        with (
            production.serve(folder, env, threads=threads) as server,
            start_proxy(folder / "nginx", [server.port]) as proxy,
        ):
            context: ssl.SSLContext | None = ssl.create_default_context(
                cafile=str(proxy.certificate)
            )
            base = proxy.base_url
            if direct:
                context, base = None, f"http://127.0.0.1:{server.port}/"
            submit(base, context, "127.0.0.2")  # warm-up
            durations: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            per_client = max(1, total // complainants)

            def complainant(index: int) -> None:
                source = f"127.0.0.{10 + index}"
                for _ in range(per_client):
                    started = time.perf_counter()
                    try:
                        submit(base, context, source)
                    except Exception as exc:
                        with lock:
                            errors.append(f"{type(exc).__name__}: {exc}")
                        continue
                    with lock:
                        durations.append(time.perf_counter() - started)

            workers = [threading.Thread(target=complainant, args=(i,)) for i in range(complainants)]
            began = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            wall = time.perf_counter() - began
            rss = peak_rss_mib(server.process.pid)
            spooled = proxy.temporary_files()
            proxy_log = proxy.log()
            server_errors = _logged_errors(server.log())
    return {
        "quick": quick,
        "through": "ombuds serve directly (HTTP)" if direct else "nginx over HTTPS",
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "complainants": complainants,
        "server_threads": threads,
        "submissions": len(durations),
        "errors": len(errors),
        "first_errors": errors[:5],
        "server_logged_errors": server_errors,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "wall_seconds": round(wall, 2),
        "submissions_per_second": round(len(durations) / wall, 2) if wall else 0.0,
        "submission_seconds": {
            "median": round(statistics.median(durations), 3) if durations else None,
            "p95": round(percentile(durations, 0.95), 3) if durations else None,
        },
        "server_peak_rss_mib": round(rss, 1),
        "nginx_spooled_files": len(spooled),
        "nginx_spooled_to_disk_warnings": proxy_log.count("buffered to a temporary file"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench proxy", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--complainants", type=int, default=16)
    parser.add_argument("-n", type=int, default=320, help="submissions in all")
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="ombuds serve --threads"
    )
    parser.add_argument(
        "--direct", action="store_true", help="for comparison: straight to ombuds serve"
    )
    args = parser.parse_args(argv)
    total = 32 if args.quick else args.n
    result = run(
        complainants=args.complainants,
        total=total,
        threads=args.threads,
        quick=args.quick,
        direct=args.direct,
    )
    name = "proxy" + ("-direct" if args.direct else "") + ("-quick" if args.quick else "")
    path = write_result(name, result)
    print(
        f"{result['submissions']} submissions by {result['complainants']} concurrent "
        f"complainants through {result['through']} in {result['wall_seconds']} s: "
        f"{result['submissions_per_second']}/s, {result['errors']} errors; median "
        f"{result['submission_seconds']['median']} s, p95 {result['submission_seconds']['p95']} s;"
        f" server peak RSS {result['server_peak_rss_mib']} MiB. ({path})"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
