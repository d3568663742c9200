"""How `ombuds serve` runs waitress: the proxy it trusts, buffers held in memory, limits.

Waitress runs in this process here (a thread) with the options `ombuds serve` passes,
so that what it does with bodies can be watched: the one path by which waitress puts a
body on disk is `OverflowableBuffer._set_large_buffer` (a temporary file).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import waitress
import waitress.buffers
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.test import RequestFactory, override_settings

from ombuds.messaging.files import MAX_BYTES
from ombuds.web.serving import waitress_options

BIG_UPLOAD = MAX_BYTES + 512 * 1024  # the largest evidence file and its form


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Reads the whole body and answers with as many bytes (a big upload, a big download)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [b"x" * len(body)]


@contextmanager
def _waitress(
    options: dict[str, Any], app: Callable[..., Iterable[bytes]] = _echo
) -> Iterator[int]:
    server = waitress.create_server(app, **{**options, "port": 0})
    stop = threading.Event()

    def serve() -> None:
        # One poll at a time, so that the loop's own thread closes everything once the
        # test is done: closed from another thread, a socket or the trigger's pipe could
        # vanish under a select already waiting on it (EBADF in one thread or the other).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()  # the listening socket and the trigger
        # Connections the test's clients closed are seen to close, buffers and all.
        deadline = time.monotonic() + 5
        while server._map and time.monotonic() < deadline:
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()  # no worker left to pull a closed trigger
        waitress.wasyncore.close_all(server._map)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "waitress did not stop"


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every time waitress moves a buffer to a temporary file."""
    seen: list[int] = []
    original = waitress.buffers.OverflowableBuffer._set_large_buffer

    def recording(self: waitress.buffers.OverflowableBuffer) -> None:
        seen.append(len(self))
        original(self)

    monkeypatch.setattr(waitress.buffers.OverflowableBuffer, "_set_large_buffer", recording)
    return seen


def _round_trip(port: int, size: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/", body=b"y" * size)
        response = connection.getresponse()
        return len(response.read())
    finally:
        connection.close()


def _options() -> dict[str, Any]:
    return waitress_options(host="127.0.0.1", port=0, threads=2)


def test_finding_4_no_body_spooled_to_disk(spooled: list[int]) -> None:
    with _waitress(_options()) as port:
        assert _round_trip(port, BIG_UPLOAD) == BIG_UPLOAD
    assert spooled == []


def test_finding_4_the_watch_sees_waitress_defaults_spool(spooled: list[int]) -> None:
    # The check above means something: with waitress's own defaults the same request
    # and response go to temporary files.
    with _waitress({"host": "127.0.0.1", "threads": 2}) as port:
        assert _round_trip(port, BIG_UPLOAD) == BIG_UPLOAD
    assert len(spooled) >= 2


def test_a_request_over_the_limit_is_refused_unread() -> None:
    with _waitress(_options()) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/")
        connection.putheader("Content-Length", str(settings.OMBUDS_MAX_REQUEST_BYTES + 1))
        connection.endheaders()
        assert connection.getresponse().status == 413
        connection.close()


def test_finding_4_django_keeps_uploads_in_memory() -> None:
    # Over Django's default 2.5 MB an upload would go to a temporary file in the clear.
    upload = ("evidence.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    request = RequestFactory().post("/", {"file": _named(upload)})
    received = request.FILES["file"]
    assert isinstance(received, InMemoryUploadedFile)
    assert received.size == len(upload[1])
    assert settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler"
    ]


def _named(upload: tuple[str, bytes]) -> Any:
    from io import BytesIO

    handle = BytesIO(upload[1])
    handle.name = upload[0]
    return handle


def test_finding_4_every_buffer_holds_the_largest_body() -> None:
    options = _options()
    assert settings.OMBUDS_MAX_REQUEST_BYTES > MAX_BYTES
    assert options["max_request_body_size"] == settings.OMBUDS_MAX_REQUEST_BYTES
    assert options["inbuf_overflow"] > settings.OMBUDS_MAX_REQUEST_BYTES
    assert options["outbuf_overflow"] > options["outbuf_high_watermark"] > MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.OMBUDS_MAX_REQUEST_BYTES


def test_finding_5_idle_connections_do_not_stop_server() -> None:
    # 150 connections that sent half a request and stopped (more than waitress's default
    # limit of 100, which made it stop accepting until they timed out).
    idle: list[socket.socket] = []
    with _waitress(_options()) as port:
        try:
            for _ in range(150):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
                idle.append(s)
            started = time.monotonic()
            assert _round_trip(port, 10) == 10
            assert time.monotonic() - started < 5
        finally:
            for s in idle:
                s.close()


def test_idle_connections_are_closed_after_the_channel_timeout() -> None:
    options = {**_options(), "channel_timeout": 1, "cleanup_interval": 1}
    with _waitress(options) as port:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        assert s.recv(1) == b""  # closed by the server
        assert time.monotonic() - started < 8
        s.close()


@override_settings(BEHIND_PROXY=True, OMBUDS_TRUSTED_PROXY="127.0.0.1")
def test_finding_1_waitress_trusts_only_the_proxy_scheme() -> None:
    options = _options()
    assert options["trusted_proxy"] == "127.0.0.1"
    assert options["trusted_proxy_headers"] == {"x-forwarded-proto"}  # never the address
    seen: dict[str, str] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(
            scheme=environ["wsgi.url_scheme"],
            remote=environ.get("REMOTE_ADDR", ""),
            forwarded_for=environ.get("HTTP_X_FORWARDED_FOR", ""),
        )
        start_response("200 OK", [])
        return [b""]

    with _waitress(options, app) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        connection.request("GET", "/", headers=headers)
        assert connection.getresponse().status == 200
        connection.close()
    assert seen == {"scheme": "https", "remote": "127.0.0.1", "forwarded_for": ""}


def test_finding_9_csrf_cookie_lasts_the_browser_session(client: Any, db: None) -> None:
    response = client.get("/report/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value
    assert not cookie["expires"] and not cookie["max-age"]


def test_serve_and_demo_run_two_request_threads_per_core() -> None:
    """More threads only queue for the GIL, and the request holding the ledger head waits
    behind them (bench several: 8 threads held it 33-72 ms at p95, 4 threads 10-12 ms)."""
    import os

    from ombuds.cli import _parser

    cores = os.cpu_count() or 1
    for command in ("serve", "demo"):
        assert _parser().parse_args([command]).threads == 2 * cores
    assert _parser().parse_args(["serve", "--threads", "3"]).threads == 3
