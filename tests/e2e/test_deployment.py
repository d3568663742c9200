"""The production set-up of docs/DEPLOY.md, for real: nginx over HTTPS in front of
`ombuds serve` in production mode.

nginx runs the repository's own `deploy/nginx/ombuds.conf` on loopback with a throwaway
self-signed certificate; the complainant's journey (report, receipt, return with the
receipt, status page) goes through it with urllib trusting only that certificate.
`ombuds serve` runs with OMBUDS_ENV=production: a real secret, HTTPS, the production
Argon2id cost, keys in their own directory. Tests that need nginx are skipped, saying
so, where it is not installed (`scripts/test.sh` installs it when it runs as root).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import stat
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e import production
from tests.e2e.conftest import (
    Browser,
    Page,
    _database_for_instance,
    _NoRedirect,
    answer_report_pages,
)
from tests.e2e.nginx import SITE_CONFIG, Proxy, nginx_binary, start_proxy

pytestmark = pytest.mark.e2e

needs_nginx = pytest.mark.skipif(
    nginx_binary() is None,
    reason="nginx is not installed (apt-get install nginx-light): HTTPS deployment not tested",
)
_REFERENCE = re.compile(r"OMB-[0-9A-Z]{4}-[0-9A-Z]{4}")
SECRET_ANSWER = "CANARY-deployment-7f3a He followed me to the car park"


class HttpsBrowser(Browser):
    """The e2e Browser over HTTPS, trusting only the throwaway certificate."""

    def __init__(self, base_url: str, certificate: Path) -> None:
        super().__init__(base_url)
        context = ssl.create_default_context(cafile=str(certificate))
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect(),
        )


@dataclass
class Deployment:
    server: production.Server
    proxy: Proxy

    def browser(self) -> HttpsBrowser:
        return HttpsBrowser(self.proxy.base_url, self.proxy.certificate)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[production.Server]:
    folder = tmp_path_factory.mktemp("production")
    with _database_for_instance() as database_url:
        env = production.prepare(folder, database_url)
        with production.serve(folder, env) as running:
            yield running


@pytest.fixture(scope="module")
def deployment(server: production.Server) -> Iterator[Deployment]:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light): HTTPS not tested")
    with start_proxy(server.folder / "nginx", [server.port]) as proxy:
        yield Deployment(server=server, proxy=proxy)


def report_anonymously(browser: Browser, what_happened: str = SECRET_ANSWER) -> tuple[str, str]:
    """Report through the pages; the reference and the seven-word receipt."""
    form_page = browser.get("/report/")
    assert form_page.status == 200, form_page
    answers = {
        "organisation": production.ORGANISATION,
        "anonymous": "yes",
        "what_happened": what_happened,
        "when": "Last week",
        "where": "Head office",
        "people_involved": "A senior councillor",
    }
    check = answer_report_pages(browser, form_page, answers)
    assert "Check your answers" in check.text, check.visible_text()[:2000]
    sent = browser.submit(check, check.form_with('action="/report/send/"'))
    assert sent.status == 200 and sent.path == "/report/sent/", sent
    reference = _REFERENCE.search(sent.visible_text())
    words = re.search(r'<p class="receipt"[^>]*>([^<]+)</p>', sent.text)
    assert reference and words, sent.visible_text()[:2000]
    return reference.group(0), " ".join(words.group(1).split())


def return_with(browser: Browser, receipt: str) -> Page:
    page = browser.get("/return/")
    return browser.submit(page, page.form_with('name="receipt"'), {"receipt": receipt})


@needs_nginx
def test_finding_1_https_behind_proxy(deployment: Deployment) -> None:
    """The complainant's whole journey over HTTPS through nginx: no redirect loop."""
    complainant = deployment.browser()
    reference, receipt = report_anonymously(complainant)
    assert len(receipt.split()) == 7

    # Later, on another device: back with the receipt, to the status page.
    later = deployment.browser()
    status = return_with(later, receipt)
    assert status.status == 200 and status.path == "/my-report/", status
    assert reference in status.visible_text()
    assert SECRET_ANSWER not in status.url
    again = later.get("/my-report/")
    assert again.status == 200 and reference in again.visible_text()

    # Served as HTTPS all the way: secure cookies, HSTS, session-only cookies.
    assert again.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = {c.name: c for c in later.cookies}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure
    assert cookies["csrftoken"].expires is None and cookies["sessionid"].expires is None


@needs_nginx
def test_plain_http_goes_to_https(deployment: Deployment) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", _port(deployment.proxy.http_url))
    connection.request("GET", "/report/", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location", "").startswith("https://127.0.0.1/report/")
    connection.close()


def _port(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def test_finding_1_the_server_redirects_to_https_unless_the_proxy_says_it_is(
    server: production.Server,
) -> None:
    # Straight to `ombuds serve` (no nginx needed): a request the trusted proxy marks as
    # HTTPS is served; one without the mark is sent to HTTPS, never answered in clear.
    assert production.answers(server.port, "/report/", {"X-Forwarded-Proto": "https"}) == 200
    assert production.answers(server.port, "/report/") == 301


@needs_nginx
def test_finding_4_nginx_spools_no_body_to_disk(deployment: Deployment) -> None:
    # A request body of several MiB (the report's text is too long, so it is refused, but
    # every byte passes through nginx and waitress first).
    browser = deployment.browser()
    form_page = browser.get("/report/")
    big = {"what_happened": "x" * (6 * 1024 * 1024), "organisation": production.ORGANISATION}
    refused = browser.submit(form_page, form_page.form_with('name="what_happened"'), big)
    assert refused.status in {200, 400} and "There is a problem" in refused.text, refused
    log = deployment.proxy.log()
    assert "buffered to a temporary file" not in log, log
    assert deployment.proxy.temporary_files() == []


@needs_nginx
def test_a_form_over_the_proxys_limit_gets_a_page_that_says_what_to_do(
    deployment: Deployment,
) -> None:
    # Over nginx's 12 MB a form never reaches Ombuds; what comes back is Ombuds's own page
    # (in the language of the page it was sent from), with nginx's 413 kept.
    browser = deployment.browser()
    for prefix, words in (("", "What you sent was too large"), ("/cy", "rhy fawr")):
        form_page = browser.get(f"{prefix}/report/")
        big = {"what_happened": "x" * (13 * 1024 * 1024)}
        refused = browser.submit(form_page, form_page.form_with('name="what_happened"'), big)
        assert refused.status == 413 and words in refused.text, refused
        assert "nginx" not in refused.text


def _half_sent_tls(port: int, context: ssl.SSLContext) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
    return tls


@needs_nginx
def test_finding_5_idle_connections_do_not_stop_server(deployment: Deployment) -> None:
    context = ssl.create_default_context(cafile=str(deployment.proxy.certificate))
    https_port = _port(deployment.proxy.base_url)
    idle: list[socket.socket] = []
    try:
        for _ in range(120):  # to nginx, which holds them without asking `ombuds serve`
            idle.append(_half_sent_tls(https_port, context))
        for _ in range(150):  # and straight to `ombuds serve`, past waitress's old limit
            s = socket.create_connection(("127.0.0.1", deployment.server.port), timeout=10)
            s.sendall(b"GET /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Pr")
            idle.append(s)
        started = time.monotonic()
        page = deployment.browser().get("/report/")
        assert page.status == 200, page
        assert production.answers(deployment.server.port, "/", {"X-Forwarded-Proto": "https"})
        assert time.monotonic() - started < 10
    finally:
        for s in idle:
            s.close()


@needs_nginx
def test_finding_3_files_are_owner_only(deployment: Deployment) -> None:
    report_anonymously(deployment.browser(), "A second report, so the database has been written")
    server = deployment.server
    checked = [server.data_dir, server.keys_dir, *server.data_dir.rglob("*")]
    checked += list(server.keys_dir.iterdir())
    for path in checked:
        if path.name.endswith(".log") or path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    if "DATABASE_URL" not in server.env:
        names = {p.name for p in server.data_dir.iterdir()}
        assert "ombuds.sqlite3" in names and "ombuds.sqlite3-wal" in names, names


def test_the_server_log_is_json_lines_without_addresses(server: production.Server) -> None:
    production.answers(server.port, "/report/", {"X-Forwarded-Proto": "https"})
    lines = [line for line in server.log().splitlines() if line.startswith("{")]
    for line in lines:
        json.loads(line)
    assert "127.0.0.1" not in "\n".join(lines)


def test_finding_10_a_broken_key_stops_the_server_at_start(tmp_path: Path) -> None:
    env = production.prepare(tmp_path, None)
    key = tmp_path / "keys" / "conflict-token.key"
    for broken in ("", "00" * 16):
        key.write_text(broken)
        started = production.run(env, "serve", "--port", "1", timeout=60)
        assert started.returncode == 2, started.stdout + started.stderr
        message = started.stderr.strip()
        assert message.startswith("ombuds: conflict-token key:") and "\n" not in message
        assert "Traceback" not in started.stderr
    key.unlink()
    missing = production.run(env, "measures-sweep", timeout=60)
    assert missing.returncode == 2 and "ombuds keys" in missing.stderr


def test_finding_6_keys_beside_the_database_are_refused_in_production(tmp_path: Path) -> None:
    env = production.production_env(tmp_path, None)
    del env["OMBUDS_SIGNING_KEY_FILE"], env["OMBUDS_CONFLICT_KEY_FILE"]  # the defaults
    del env["OMBUDS_ESCROW_KEY_FILE"], env["OMBUDS_SECOND_FACTOR_KEY_FILE"]
    del env["OMBUDS_RECEIPT_TAG_KEY_FILE"]
    del env["OMBUDS_CONTACT_KEY_FILE"]
    refused = production.run(env, "migrate", timeout=60)
    assert refused.returncode == 2
    assert "OMBUDS_SIGNING_KEY_FILE and OMBUDS_CONFLICT_KEY_FILE" in refused.stderr
    assert "OMBUDS_SECOND_FACTOR_KEY_FILE and OMBUDS_RECEIPT_TAG_KEY_FILE" in refused.stderr
    assert "OMBUDS_CONTACT_KEY_FILE" in refused.stderr
    assert "OMBUDS_ALLOW_KEYS_BESIDE_DATABASE" in refused.stderr
    assert not (tmp_path / "data" / "conflict-token.key").exists()
    assert not (tmp_path / "data" / "second-factor.key").exists()

    env["OMBUDS_ALLOW_KEYS_BESIDE_DATABASE"] = "1"  # the operator says so explicitly
    allowed = production.run(env, "migrate", timeout=120)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert (tmp_path / "data" / "conflict-token.key").exists()


def test_finding_6_each_key_alone_beside_the_database_is_refused(tmp_path: Path) -> None:
    """The TOTP seeds' key and the receipt-tag key count too, not only the first three."""
    for setting in ("OMBUDS_SECOND_FACTOR_KEY_FILE", "OMBUDS_RECEIPT_TAG_KEY_FILE"):
        env = production.production_env(tmp_path / setting, None)
        del env[setting]  # its default is in the data directory, beside the database
        refused = production.run(env, "migrate", timeout=60)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert f"{setting} point" in refused.stderr


def test_the_nginx_configuration_keeps_no_address() -> None:
    text = SITE_CONFIG.read_text()
    assert text.count("access_log off;") == 2
    assert re.findall(r"error_log \S+ (\w+);", text) == ["crit", "crit"]
    assert 'proxy_set_header X-Forwarded-For "";' in text
    assert "proxy_max_temp_file_size 0;" in text
    assert "client_body_buffer_size 12m;" in text and "client_max_body_size 12m;" in text
    assert os.path.exists(SITE_CONFIG.parent.parent / "systemd" / "ombuds@.service")
