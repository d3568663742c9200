"""`ombuds serve` in its production posture, as docs/DEPLOY.md sets it up.

OMBUDS_ENV=production (a real secret, HTTPS on, the production Argon2id cost: the
insecure fast KDF is refused in production), behind a proxy on 127.0.0.1, keys in their
own directory away from the data directory, set up with `ombuds migrate` (which makes
the keys) and `ombuds createorg`. With a DATABASE_URL the database is that one. Nothing
here imports pytest (the benchmark uses it too).
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORGANISATION = "demo-party"


def production_env(folder: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OMBUDS_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        {
            "OMBUDS_ENV": "production",
            "OMBUDS_SECRET_KEY": secrets.token_urlsafe(50),
            "OMBUDS_DATA_DIR": str(folder / "data"),
            "OMBUDS_SIGNING_KEY_FILE": str(folder / "keys" / "checkpoint-signing.key"),
            "OMBUDS_CONFLICT_KEY_FILE": str(folder / "keys" / "conflict-token.key"),
            "OMBUDS_ESCROW_KEY_FILE": str(folder / "keys" / "escrow-oprf.key"),
            "OMBUDS_SECOND_FACTOR_KEY_FILE": str(folder / "keys" / "second-factor.key"),
            "OMBUDS_RECEIPT_TAG_KEY_FILE": str(folder / "keys" / "receipt-tag.key"),
            "OMBUDS_CONTACT_KEY_FILE": str(folder / "keys" / "contact-address.key"),
            "OMBUDS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "OMBUDS_BEHIND_PROXY": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `ombuds ARGS...` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "ombuds.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def answers(port: int, path: str = "/", headers: dict[str, str] | None = None) -> int | None:
    """The status `ombuds serve` gives a plain HTTP request, or None if it does not answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


@dataclass
class Server:
    port: int
    folder: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def keys_dir(self) -> Path:
        return self.folder / "keys"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def prepare(folder: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """Migrate (making the keys) and add the organisation; the environment to serve with."""
    env = production_env(folder, database_url, **extra)
    for args in (("migrate",), ("createorg", "Demo Party", "--slug", ORGANISATION)):
        done = run(env, *args)
        if done.returncode != 0:
            raise RuntimeError(f"ombuds {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return env


@contextmanager
def serve(
    folder: Path, env: dict[str, str], *, threads: int = 4, name: str = "server"
) -> Iterator[Server]:
    """Run `ombuds serve` on a free loopback port until the block ends."""
    from tests.e2e.nginx import free_port

    port = free_port()
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ombuds.cli",
                "serve",
                "--port",
                str(port),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(port=port, folder=folder, env=env, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + 60
        while answers(port) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ombuds serve did not start:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
