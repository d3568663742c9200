"""Submissions while the sign-in doors are attacked (issue 8), and hostile images.

`python -m bench.attack [--quick]`:

1. Serve the product (production Argon2id, 8 threads, `bench.server`) as the submission
   benchmark does.
2. Baseline: 16 complainants submit reports concurrently for DURATION seconds.
3. Attack: the same 16, while one client posts wrong receipts to /return/ and another
   wrong passwords for made-up staff names to /sign-in/, each as fast as it can (one
   request after another, keeping only its CSRF cookie). Every 2 seconds a complainant
   with the right receipt comes back; her wait (the POST /return/) is measured.
4. The attack alone: the server's CPU, in cores, while only the two attackers run.

`python -m bench.attack images`: peak memory of a fresh process preparing four hostile 7745 x
7745 PNGs at once, and four of the largest images that are accepted.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.common import instance_env, machine, product_version, summary_ms, write_result
from bench.submission import (
    CLK_TCK,
    Browser,
    _answer_pages,
    _poster,
    _send_form,
    read_cpu,
    start_server,
)

DURATION = 30.0
COMPLAINANTS = 16
_RECEIPT = re.compile(r'<p class="receipt"[^>]*>\s*([a-z]+(?:[ -][a-z]+)*)\s*</p>')
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _submit(base: str) -> str | None:
    """One whole anonymous report; its receipt, or None if anything went wrong."""
    browser = Browser(base)
    report_url = urllib.parse.urljoin(base, "/report/")
    page = browser.request(report_url)
    try:
        check = _answer_pages(page.body, _poster(browser, report_url))
    except SystemExit:
        return None
    target, data = _send_form(check, report_url)
    sent = browser.request(target, data)
    if sent.status not in (302, 303):
        return None
    confirmation = browser.request(urllib.parse.urljoin(target, sent.headers["Location"]))
    shown = _RECEIPT.search(confirmation.body)
    return shown.group(1) if shown else None


def _complainants(base: str, stop: threading.Event, done: list[float]) -> list[threading.Thread]:
    def loop() -> None:
        while not stop.is_set():
            if _submit(base):
                done.append(time.monotonic())

    return [threading.Thread(target=loop, daemon=True) for _ in range(COMPLAINANTS)]


def _attacker(base: str, path: str, fields: Any, stop: threading.Event, count: list[int]) -> None:
    """One client, one request after another, as fast as the server answers."""
    browser = Browser(base)
    token = _TOKEN.search(browser.request(path).body)
    assert token, f"no CSRF token on {path}"
    while not stop.is_set():
        browser.request(path, [("csrfmiddlewaretoken", token.group(1)), *fields()])
        count[0] += 1


def _wrong_receipt() -> list[tuple[str, str]]:
    from ombuds.vault.receipts import new_receipt

    return [("receipt", new_receipt())]


def _wrong_password() -> list[tuple[str, str]]:
    import secrets

    return [("username", f"staff-{secrets.token_hex(4)}"), ("password", "wrong password 12345")]


def _right_receipt_waits(
    base: str, receipt: str, stop: threading.Event, waits: list[float]
) -> None:
    while not stop.is_set():
        browser = Browser(base)
        token = _TOKEN.search(browser.request("/return/").body)
        assert token
        started = time.perf_counter()
        answer = browser.request(
            "/return/", [("csrfmiddlewaretoken", token.group(1)), ("receipt", receipt)]
        )
        waited = time.perf_counter() - started
        if answer.status in (302, 303) and answer.headers.get("Location") == "/my-report/":
            waits.append(waited)
        else:
            waits.append(float("inf"))
        stop.wait(2.0)


def _phase(
    base: str, pid: int, seconds: float, *, complainants: bool, attack: bool, receipt: str
) -> dict[str, Any]:
    stop = threading.Event()
    done: list[float] = []
    receipts, passwords = [0], [0]
    waits: list[float] = []
    threads: list[threading.Thread] = []
    if complainants:
        threads += _complainants(base, stop, done)
    # The complainant coming back with the right receipt, every 2 s, in every phase.
    threads.append(
        threading.Thread(
            target=_right_receipt_waits, args=(base, receipt, stop, waits), daemon=True
        )
    )
    if attack:
        threads += [
            threading.Thread(
                target=_attacker,
                args=(base, "/return/", _wrong_receipt, stop, receipts),
                daemon=True,
            ),
            threading.Thread(
                target=_attacker,
                args=(base, "/sign-in/", _wrong_password, stop, passwords),
                daemon=True,
            ),
        ]
    before = read_cpu(pid)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    elapsed = time.monotonic() - started
    after = read_cpu(pid)
    for thread in threads:
        thread.join(timeout=60)
    cpu = (after.ticks - before.ticks) / CLK_TCK
    result: dict[str, Any] = {
        "seconds": round(elapsed, 1),
        "submissions": len(done),
        "submissions_per_second": round(len(done) / elapsed, 2),
        "server_cores": round(cpu / elapsed, 2),
    }
    finite = [w for w in waits if w != float("inf")]
    if attack:
        result.update(
            {
                "wrong_receipts_per_minute": round(receipts[0] / elapsed * 60),
                "wrong_passwords_per_minute": round(passwords[0] / elapsed * 60),
            }
        )
    result.update(
        {
            "right_receipt_attempts": len(waits),
            "right_receipt_refused": len(waits) - len(finite),
            "right_receipt_wait": summary_ms(finite) if finite else None,
            "right_receipt_wait_max_ms": round(max(finite) * 1000) if finite else None,
        }
    )
    return result


def run_attack(quick: bool) -> dict[str, Any]:
    seconds = 6.0 if quick else DURATION
    with tempfile.TemporaryDirectory(prefix="ombuds-bench-attack-") as tmp:
        server = start_server(Path(tmp), threads=8)
        try:
            receipt = _submit(server.base)
            assert receipt, "the first report showed no receipt"
            baseline = _phase(
                server.base, server.pid, seconds, complainants=True, attack=False, receipt=receipt
            )
            print(f"baseline: {baseline}", flush=True)
            attacked = _phase(
                server.base, server.pid, seconds, complainants=True, attack=True, receipt=receipt
            )
            print(f"under attack: {attacked}", flush=True)
            alone = _phase(
                server.base, server.pid, seconds, complainants=False, attack=True, receipt=receipt
            )
            print(f"attack alone: {alone}", flush=True)
        finally:
            server.stop()
    return {
        "quick": quick,
        "server_threads": 8,
        "complainants": COMPLAINANTS,
        "baseline": baseline,
        "under_attack": attacked,
        "attack_alone": alone,
        "machine": machine(),
        "product": product_version(),
    }


_IMAGES_CHILD = """
import io, resource, sys, threading
from PIL import Image
from ombuds.messaging import files
w, h, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
out = io.BytesIO(); Image.new(mode, (w, h), "white" if mode != "1" else 1).save(out, format="PNG")
data = out.getvalue()
import gc; gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
refused = []
def one():
    try:
        files.prepare(data)
    except files.FileRefused as exc:
        refused.append(exc.message)
threads = [threading.Thread(target=one) for _ in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(data), base, peak, len(refused), refused[0] if refused else "")
"""


def run_images() -> dict[str, Any]:
    results = {}
    for label, (w, h, mode) in {
        "four hostile 7745x7745 RGB PNGs": (7745, 7745, "RGB"),
        "four of the largest accepted (4000x4000 RGB)": (4000, 4000, "RGB"),
    }.items():
        env = instance_env(Path(tempfile.mkdtemp(prefix="ombuds-bench-img-")))
        done = subprocess.run(
            [sys.executable, "-c", _IMAGES_CHILD, str(w), str(h), mode],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        size, base, peak, refused, *message = done.stdout.strip().split(" ", 4)
        results[label] = {
            "file_bytes": int(size),
            "added_peak_mb": round((int(peak) - int(base)) / 1024),
            "refused": int(refused),
            "message": message[0] if message else "",
        }
        print(label, results[label], flush=True)
    return {"images": results, "machine": machine(), "product": product_version()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attack")
    parser.add_argument("what", nargs="?", default="attack", choices=["attack", "images"])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.what == "images":
        write_result("images", run_images())
    else:
        write_result("attack-quick" if args.quick else "attack", run_attack(args.quick))


if __name__ == "__main__":
    main()
