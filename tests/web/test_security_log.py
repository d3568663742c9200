"""Errors and security events are logged as JSON lines, with no case content and no
address: a canary drives every logged path with a marker in everything a person types."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ombuds.intake import views as intake_views
from ombuds.lib.logs import JsonLineFormatter
from ombuds.record.outcomes import ALL_CODES, NO_ACTION
from tests.conftest import PASSWORD, Cast, sign_in, walk_report
from tests.e2e.conftest import form_fields

CANARY = "CANARY-9d41c0-log"
ADDRESS = "127.0.0.1"  # the test client's REMOTE_ADDR


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the product writes to stderr: its loggers, through its own formatter."""
    loggers = [str(name) for name in settings.LOGGING["loggers"]]  # type: ignore[attr-defined]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    for name in loggers:
        logging.getLogger(name).addHandler(handler)
    try:
        yield stream
    finally:
        for name in loggers:
            logging.getLogger(name).removeHandler(handler)


def _report(client: Client, organisation: str) -> str:
    answers = {
        "organisation": organisation,
        "anonymous": "yes",
        "what_happened": f"{CANARY} what happened",
        "people_involved": f"{CANARY} who",
        "where": f"{CANARY} where",
    }
    check = walk_report(client, answers)
    html = check.content.decode()
    send = re.search(r'(?is)<form\b[^>]*action="/report/send/".*?</form>', html)
    assert send, html[:2000]
    sent = client.post("/report/send/", form_fields(send.group(0)), follow=True)
    words = re.search(r'<p class="receipt"[^>]*>([^<]+)</p>', sent.content.decode())
    assert words, sent.content[:2000]
    return " ".join(words.group(1).split())


def _events(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_finding_8_security_events_and_errors_are_logged_without_content_or_address(
    cast: Cast,
    log_lines: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    complainant = Client()
    receipt = _report(complainant, cast.liaison.organisation.slug)  # type: ignore[union-attr]

    stranger = Client()
    stranger.post("/return/", {"receipt": f"{CANARY} wrong words"})
    returning = Client()
    assert returning.post("/return/", {"receipt": receipt}).status_code == 302

    staff = Client()
    staff.post("/sign-in/", {"username": CANARY, "password": CANARY})  # typed in the wrong box
    staff.post("/sign-in/", {"username": cast.administrator.username, "password": CANARY})
    sign_in(staff, cast.administrator.username)
    staff.post("/admin-area/organisations/new/", {"name": f"{CANARY} Party"})
    new_staff = {
        "username": "new-advocate",
        "display_name": f"{CANARY} Name",
        "role": "advocate",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    assert staff.post("/admin-area/staff/new/", new_staff).status_code == 302
    slug = cast.liaison.organisation.slug  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        chosen = {"codes": [c for c in ALL_CODES if c != NO_ACTION][:2]}
        assert staff.post(f"/admin-area/organisations/{slug}/sanctions/", chosen).status_code == 302
    changed = {
        "old_password": PASSWORD,
        "new_password": f"{CANARY} new pass",
        "confirm_password": f"{CANARY} new pass",
    }
    assert staff.post("/account/password/", changed).status_code == 302
    staff.post("/sign-out/")

    def broken(receipt: str) -> None:
        raise RuntimeError(f"{CANARY} something a person typed")

    monkeypatch.setattr(intake_views, "receipt_sign_in", broken)
    failing = Client(raise_request_exception=False)
    assert failing.post("/return/", {"receipt": f"{CANARY} words"}).status_code == 500

    text = log_lines.getvalue()
    assert CANARY not in text
    assert receipt not in text
    assert ADDRESS not in text
    events = _events(log_lines)
    names = [e.get("event") for e in events]
    for expected in (
        "receipt.refused",
        "receipt.accepted",
        "sign_in.refused",
        "sign_in.succeeded",
        "admin.organisation_created",
        "admin.staff_created",
        "admin.action",
        "password.changed",
        "signed_out",
    ):
        assert expected in names, names
    refused = [e for e in events if e.get("event") == "sign_in.refused"]
    assert [e["person"] for e in refused] == ["unknown", cast.administrator.pseudonym]
    error = next(e for e in events if e["logger"] == "django.request")
    assert error["level"] == "error" and error["status"] == 500
    assert error["error"] == "builtins.RuntimeError"
    assert any("intake/views.py" in str(frame) for frame in error["where"])  # type: ignore[attr-defined]
