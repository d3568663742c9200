"""A real Ombuds server, started as a separate process exactly as a user would start it.

`live_instance` (one per test session) runs `ombuds demo` on a free port of 127.0.0.1
with its own data directory. With DATABASE_URL set (the PostgreSQL run of the suite) the
instance gets a fresh database of its own on that server, dropped at the end.

`start_instance` is the same thing as a context manager, for tests that must stop their
own server (the canary searches the files a stopped server leaves behind).

Also here: a tiny cookie-keeping HTTP client that speaks Django's CSRF protocol, so the
tests can use the product over plain HTTP without a browser.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from ombuds.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
_RECEIPT_LINE = re.compile(r"with the receipt:\s*\n\s*(?P<receipt>[a-z][a-z -]+[a-z])\s*\n")
_SIGN_IN_LINE = re.compile(r"signs in as (?P<name>\S+)")


# --- the server -------------------------------------------------------------------------


def ombuds_env(database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of an `ombuds` command run by hand: none of the test run's own
    Django or Ombuds settings leak in (pytest-django sets DJANGO_SETTINGS_MODULE and
    tests.settings sets OMBUDS_ENV/OMBUDS_DATA_DIR in this process)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OMBUDS_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["OMBUDS_INSECURE_FAST_KDF"] = "1"  # cheap Argon2id: explicitly for tests
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_ombuds(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `ombuds ARGS...` (the same entry point as the installed script) to completion."""
    return subprocess.run(
        [sys.executable, "-m", "ombuds.cli", *args],
        cwd=ROOT,
        env=dict(env) if env is not None else ombuds_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveInstance:
    base_url: str  # ends with "/"
    data_dir: Path
    log_path: Path
    receipt: str  # the demo's anonymous complainant
    sign_in_name: str  # the demo's identified complainant
    password: str  # every demo account's password
    staff: dict[str, str]  # username -> role
    database_url: str | None  # None: the embedded SQLite database in data_dir
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def postgresql(self) -> bool:
        return self.database_url is not None

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "ombuds.sqlite3"

    def url(self, path: str) -> str:
        return urllib.parse.urljoin(self.base_url, path.lstrip("/"))

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for an `ombuds` command run against this instance's database."""
        return ombuds_env(self.database_url, **extra)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@contextmanager
def _database_for_instance() -> Iterator[str | None]:
    """A fresh PostgreSQL database when DATABASE_URL is set (dropped afterwards); else None."""
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        yield None
        return
    import psycopg

    name = f"ombuds_e2e_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(server_url)
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"ombuds demo exited with {process.returncode} before answering; its output:\n"
                + log_path.read_text(errors="replace")
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own http://127.0.0.1
                return
        except urllib.error.HTTPError:
            return  # it answered, even if not with 200: the test will say what is wrong
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"ombuds demo did not answer {url} within {START_TIMEOUT:.0f} s; its output:\n"
                + log_path.read_text(errors="replace")
            )
        time.sleep(0.1)


def _demo_logins(output: str, data_dir: Path) -> tuple[str, str]:
    receipt = _RECEIPT_LINE.search(output)
    name = _SIGN_IN_LINE.search(output)
    if receipt and name:
        return receipt["receipt"].strip(), name["name"]
    saved = (data_dir / "demo-logins.txt").read_text().splitlines()
    return saved[0].strip(), saved[1].strip()


def _demo_staff(output: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\S+)\s+([a-z_]+)$", output, flags=re.MULTILINE))


@contextmanager
def start_instance(data_dir: Path) -> Iterator[LiveInstance]:
    """Run `ombuds demo` in data_dir on a free port until the block ends."""
    with (
        _database_for_instance() as database_url,
        serve_instance(data_dir, database_url) as instance,
    ):
        yield instance


def ombuds_command(clock_days: int = 0) -> list[str]:
    """The `ombuds` entry point; with `clock_days`, its clock runs that many days ahead
    (tests/e2e/shifted_clock.py), for journeys in which time must have passed."""
    if clock_days:
        return [sys.executable, "-m", "tests.e2e.shifted_clock", str(clock_days)]
    return [sys.executable, "-m", "ombuds.cli"]


@contextmanager
def serve_instance(
    data_dir: Path, database_url: str | None, *, clock_days: int = 0
) -> Iterator[LiveInstance]:
    """Run `ombuds demo` in data_dir (on `database_url`, None for SQLite in data_dir) on a
    free port until the block ends; run again on the same data, it serves what is there."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    port = _free_port()
    command = [*ombuds_command(clock_days), "demo", "--data-dir", str(data_dir)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=ROOT,
            env=ombuds_env(database_url),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    instance: LiveInstance | None = None
    try:
        base_url = f"http://127.0.0.1:{port}/"
        _wait_until_answering(process, base_url, log_path)
        output = log_path.read_text(errors="replace")
        receipt, sign_in_name = _demo_logins(output, data_dir)
        instance = LiveInstance(
            base_url=base_url,
            data_dir=data_dir,
            log_path=log_path,
            receipt=receipt,
            sign_in_name=sign_in_name,
            password=DEMO_PASSWORD,
            staff=_demo_staff(output),
            database_url=database_url,
            process=process,
        )
        yield instance
    finally:
        if instance is not None:
            instance.stop()
        elif process.poll() is None:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def live_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveInstance]:
    """One demo server for the whole session (e2e and browser tests share it)."""
    with start_instance(tmp_path_factory.mktemp("live") / "data") as instance:
        yield instance


# --- a plain HTTP client -------------------------------------------------------------


class Page:
    """An HTTP response, read once."""

    def __init__(self, url: str, status: int, headers: Message, body: bytes) -> None:
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path

    def visible_text(self) -> str:
        """The page's text with tags removed and entities decoded, whitespace collapsed."""
        without = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", self.text)
        without = re.sub(r"(?s)<[^>]+>", " ", without)
        return re.sub(r"\s+", " ", html.unescape(without)).strip()

    def csrf_token(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', self.text) or re.search(
            r'value="([^"]+)"\s+name="csrfmiddlewaretoken"', self.text
        )
        assert match, f"no CSRF token on {self.url}:\n{self.text[:2000]}"
        return match.group(1)

    def forms(self) -> list[str]:
        return re.findall(r"(?is)<form\b.*?</form>", self.text)

    def form_with(self, needle: str) -> str:
        for form in self.forms():
            if needle in form:
                return form
        raise AssertionError(f"no form containing {needle!r} on {self.url}:\n{self.text[:3000]}")

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.url}>"


def form_action(form: str, page_url: str) -> str:
    match = re.search(r'(?is)<form\b[^>]*\baction="([^"]*)"', form)
    return urllib.parse.urljoin(page_url, html.unescape(match.group(1)) if match else page_url)


def form_fields(form: str) -> dict[str, str]:
    """The values a browser would send for a form's hidden inputs, text inputs, checked
    radios/checkboxes, textareas and selects (first or selected option), without buttons."""
    values: dict[str, str] = {}
    for tag in re.findall(r"(?is)<input\b[^>]*>", form):
        name = re.search(r'\bname="([^"]*)"', tag)
        if not name:
            continue
        kind = re.search(r'\btype="([^"]*)"', tag)
        kind_value = kind.group(1).lower() if kind else "text"
        if kind_value in {"submit", "button", "image", "reset", "file"}:
            continue
        if kind_value in {"radio", "checkbox"} and not re.search(r"\bchecked\b", tag):
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        default = "on" if kind_value in {"radio", "checkbox"} else ""
        values[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else default
    textareas = r'(?is)<textarea\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</textarea>'
    for name, body in re.findall(textareas, form):
        values[html.unescape(name)] = html.unescape(body).removeprefix("\n")
    for name, body in re.findall(r'(?is)<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', form):
        options = re.findall(r"(?is)<option\b([^>]*)>", body)
        chosen = next((o for o in options if re.search(r"\bselected\b", o)), None)
        chosen = chosen if chosen is not None else (options[0] if options else "")
        value = re.search(r'\bvalue="([^"]*)"', chosen)
        values[html.unescape(name)] = html.unescape(value.group(1)) if value else ""
    return values


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A cookie-keeping client over plain HTTP that follows redirects (like a browser)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def url(self, path: str) -> str:
        return urllib.parse.urljoin(self.base_url, path)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self._opener.open(request, timeout=60) as response:
                return Page(response.geturl(), response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Page(request.full_url, error.code, error.headers, error.read())

    def request(self, path: str, data: Mapping[str, str] | None = None) -> Page:
        """One request, redirects followed (a POST becomes a GET after 302/303)."""
        url = self.url(path)
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"User-Agent": "ombuds-e2e"}
        if encoded is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks the Origin of an unsafe request against the host.
            headers["Origin"] = self.base_url.rstrip("/")
        for _ in range(10):
            request = urllib.request.Request(url, data=encoded, headers=headers)  # noqa: S310
            page = self._open(request)
            if page.status not in {301, 302, 303, 307, 308}:
                return page
            url = urllib.parse.urljoin(url, page.headers["Location"])
            if page.status in {301, 302, 303}:
                encoded = None
                headers.pop("Content-Type", None)
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str) -> Page:
        return self.request(path)

    def post(self, path: str, data: Mapping[str, str], *, csrf_from: Page | None = None) -> Page:
        """POST with the CSRF token of `csrf_from` (else of a fresh GET of `path`)."""
        source = csrf_from or self.get(path)
        return self.request(path, {"csrfmiddlewaretoken": source.csrf_token(), **data})

    def submit(
        self, page: Page, form: str, changes: Mapping[str, str] | None = None, button: str = ""
    ) -> Page:
        """Send `form` of `page` as a browser would: its current values with `changes`,
        and the named submit button (name=value) if given."""
        data = form_fields(form)
        data.update(changes or {})
        if button:
            name, _, value = button.partition("=")
            data[name] = value
        return self.request(form_action(form, page.url), data)


def answer_report_pages(browser: Browser, page: Page, answers: Mapping[str, str]) -> Page:
    """From the report's first page, each question page answered and continued as a
    browser with JavaScript off does, up to check answers (or a page that refuses)."""
    for _ in range(20):
        if "Check your answers" in page.text or "error-summary" in page.text:
            return page
        form = next(f for f in page.forms() if 'name="step"' in f and 'name="back"' not in f)
        page = browser.submit(page, form, answers)
        if page.status != 200:
            return page
    raise AssertionError(f"the report's pages never reached check answers:\n{page.text[:2000]}")


# --- second factor for the demo's staff -------------------------------------------------

# The live instance's staff set up their authenticator at their first sign-in, as people
# do; the tests keep each one's secret here and the last time step they used (the server
# takes each code once).
_AUTHENTICATORS: dict[str, list[Any]] = {}


def remember_authenticator(base_url: str, username: str, secret: str) -> None:
    _AUTHENTICATORS[f"{base_url}|{username}"] = ["".join(secret.split()), 0]


def authenticator_code(base_url: str, username: str) -> str:
    """The code the person's authenticator app shows, never one already used."""
    import pyotp

    held = _AUTHENTICATORS[f"{base_url}|{username}"]
    while True:
        now = int(time.time()) // 30
        fresh = [s for s in (now, now + 1) if s > held[1]]
        if fresh:
            held[1] = fresh[0]
            return str(pyotp.TOTP(held[0]).generate_otp(fresh[0]))
        time.sleep(30 - time.time() % 30 + 0.1)


def staff_sign_in(browser: Browser, username: str, password: str) -> Page:
    """Sign a member of staff in over plain HTTP: password, then (first time) setting up
    her authenticator from the secret shown beside the QR code, or a code from it."""
    page = browser.get("/sign-in/")
    page = browser.submit(
        page, page.form_with('name="username"'), {"username": username, "password": password}
    )
    if page.path == "/sign-in/set-up/":
        secret = re.search(r'class="secret-key">([A-Z2-7 ]+)<', page.text)
        assert secret, page.text[:3000]
        remember_authenticator(browser.base_url, username, secret.group(1))
        page = browser.submit(
            page,
            page.form_with('name="code"'),
            {"code": authenticator_code(browser.base_url, username)},
        )
        assert page.path == "/sign-in/recovery-codes/", page.text[:3000]
        page = browser.submit(page, page.form_with("saved my recovery codes"))
    elif page.path == "/sign-in/code/":
        page = browser.submit(
            page,
            page.form_with('name="code"'),
            {"code": authenticator_code(browser.base_url, username)},
        )
    return page
