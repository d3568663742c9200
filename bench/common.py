"""Shared helpers: a clean environment for an Ombuds instance, Django set-up, results.

Every benchmark runs the product with its PRODUCTION Argon2id cost. The environment is
rebuilt from scratch so that nothing inherited (a test run's DJANGO_SETTINGS_MODULE,
DATABASE_URL, OMBUDS_INSECURE_FAST_KDF, ...) can change what is measured.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"

# Variables that would change which database, settings or key-derivation cost is used.
_DROPPED_PREFIXES = ("OMBUDS_",)
_DROPPED = frozenset({"DJANGO_SETTINGS_MODULE", "DATABASE_URL"})


def instance_env(
    data_dir: Path, *, secret_key: str | None = None, database_url: str | None = None
) -> dict[str, str]:
    """The environment of a demo instance in `data_dir`, with production Argon2id cost (on
    `database_url` if given, else SQLite in `data_dir`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED and not k.startswith(_DROPPED_PREFIXES)
    }
    env.update(
        {
            "OMBUDS_ENV": "demo",
            "OMBUDS_SECRET_KEY": secret_key or secrets.token_urlsafe(50),
            "OMBUDS_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "ombuds.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    # Importable from the project checkout even when the package is not installed.
    path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = f"{PROJECT_DIR}{os.pathsep}{path}" if path else str(PROJECT_DIR)
    return env


def setup_django(data_dir: Path, *, database_url: str | None = None) -> None:
    """Configure this process as an instance in `data_dir` (once per process; on
    `database_url` if given) and migrate.

    Refuses to go on unless the settings carry the production Argon2id cost.
    """
    env = instance_env(data_dir, database_url=database_url)
    for key in [k for k in os.environ if k in _DROPPED or k.startswith(_DROPPED_PREFIXES)]:
        del os.environ[key]
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    from ombuds.lib.kdf import PRODUCTION_KDF

    if settings.OMBUDS_KDF != PRODUCTION_KDF:
        raise SystemExit("bench: the settings do not use the production Argon2id cost")
    call_command("migrate", interactive=False, verbosity=0)
    from ombuds.keys import keys_create

    keys_create()  # as `ombuds migrate` does


def start_postgresql() -> tuple[str, str]:
    """A throwaway PostgreSQL server (scripts/pg-throwaway.sh): (DATABASE_URL, its
    directory, for `stop_postgresql`)."""
    done = subprocess.run(
        ["bash", str(PROJECT_DIR / "scripts" / "pg-throwaway.sh"), "start"],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: could not start PostgreSQL:\n{done.stdout}\n{done.stderr}")
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return values["DATABASE_URL"], values["PGTHROWAWAY_DIR"]


def stop_postgresql(directory: str) -> None:
    script = PROJECT_DIR / "scripts" / "pg-throwaway.sh"
    subprocess.run(["bash", str(script), "stop", directory], check=False, timeout=120)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile (fraction in [0, 1]) of a non-empty sequence."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p95, min and max of durations in seconds, in milliseconds."""
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "min_ms": round(min(seconds) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def product_version() -> dict[str, Any]:
    """Which product code was measured: the commit and whether ombuds/ had local changes.
    Read-only git commands only (no optional locks, so not even the index is rewritten)."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "--no-optional-locks", *args],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    changed = git("status", "--porcelain", "--", "ombuds")
    return {
        "commit": git("rev-parse", "HEAD"),
        "ombuds_changed_files": len(changed.splitlines()) if changed else 0,
    }


def write_result(name: str, result: Mapping[str, Any]) -> Path:
    """Write `result` to bench/out/<name>.json (full runs also keep a time-stamped copy,
    so that figures can be compared over time); return the path."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "benchmark": name,
        "finished_at": stamp,
        "machine": machine(),
        "product": product_version(),
        **result,
    }
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    latest = OUT_DIR / f"{name}.json"
    latest.write_text(text)
    if not name.endswith("-quick"):
        (OUT_DIR / f"{name}-{stamp}.json").write_text(text)
    return latest


def read_result(name: str) -> dict[str, Any] | None:
    """The latest result of a benchmark, if any."""
    path = OUT_DIR / f"{name}.json"
    if not path.exists():
        return None
    loaded = json.loads(path.read_text())
    return loaded if isinstance(loaded, dict) else None


def profile_top(
    stats_source: Any, *, limit: int = 10, exclude: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The `limit` functions with the most cumulative time in a cProfile.Profile, skipping
    any whose file or name contains one of `exclude` (and the profiler's own entries)."""
    import pstats

    stats = pstats.Stats(stats_source)
    rows: list[dict[str, Any]] = []
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, func), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        where = f"{filename}:{line}({func})"
        if any(word in where for word in exclude) or (filename == "~" and "profiler" in func):
            continue
        rows.append(
            {
                "function": _short(filename, line, func),
                "calls": calls,
                "tottime_s": round(tottime, 4),
                "cumtime_s": round(cumtime, 4),
            }
        )
    rows.sort(key=lambda r: r["cumtime_s"], reverse=True)
    return rows[:limit]


def profile_top_tottime(
    stats_source: Any, *, limit: int = 10, exclude: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Like profile_top, ordered by time spent in the function itself."""
    rows = profile_top(stats_source, limit=100_000, exclude=exclude)
    rows.sort(key=lambda r: r["tottime_s"], reverse=True)
    return rows[:limit]


def _short(filename: str, line: int, func: str) -> str:
    if filename == "~":
        return func
    path = filename
    for marker in ("/site-packages/", str(PROJECT_DIR) + "/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({func})"


def staff_client(username: str, password: str) -> Any:
    """Django's test client signed in as a staff member, second factor included: staff
    sign in with a password, then set up and give a TOTP code (the first time)."""
    from django.conf import settings
    from django.test import Client

    host = next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost"
    )
    client = Client(HTTP_HOST=host)
    response = client.post("/sign-in/", {"username": username, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"bench: {username} could not sign in ({response.status_code})")
    if response["Location"] in ("/sign-in/set-up/", "/sign-in/code/"):
        import time

        import pyotp

        from ombuds.people.models import SecondFactor, User
        from ombuds.people.second_factor import totp_secret

        person = User.objects.get(username=username)
        totp = pyotp.TOTP(totp_secret(person))
        if response["Location"] == "/sign-in/set-up/":  # her first sign-in: set the app up
            client.post("/sign-in/set-up/", {"code": totp.now()})
            client.post("/sign-in/recovery-codes/")
        else:  # a kept instance: a code of a time step not used yet (each is taken once)
            used = SecondFactor.objects.get(person=person).last_step
            client.post(
                "/sign-in/code/", {"code": totp.generate_otp(max(used + 1, int(time.time()) // 30))}
            )
    return client
