"""The canary: a promise of the product, tested from outside.

A real server gets an anonymous and an identified report in which every answer is a
unique marker, more information, and a case manager who opens both cases (so the content
is decrypted and the read recorded). Then every place the server keeps anything is
searched for the markers and for the anonymous complainant's receipt: the database files
(SQLite, with its WAL) or every row of every table (PostgreSQL), every other file in the
data directory, the server's own output, and the decoded session data. None may be found.
The markers must show on the case manager's page, or the canary proves nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core import signing

from ombuds.intake.report import ReportAccount
from tests.e2e.conftest import (
    Browser,
    LiveInstance,
    Page,
    answer_report_pages,
    staff_sign_in,
    start_instance,
)

pytestmark = pytest.mark.e2e

# Every question of the report, taken from the account itself so that a new question is
# covered by the canary the day it is added.
ACCOUNT_FIELDS = tuple(field.name for field in dataclasses.fields(ReportAccount))
_SESSION_SALT = "django.contrib.sessions.SessionStore"  # SessionBase.key_salt
_REFERENCE = re.compile(r"OMB-[0-9A-Z]{4}-[0-9A-Z]{4}")


def marker(label: str) -> str:
    return f"CANARY-{uuid.uuid4().hex}-{label}"


@dataclass
class Report:
    label: str
    anonymous: bool
    answers: dict[str, str]
    added: str
    password: str = ""
    reference: str = ""
    receipt: str = ""
    sign_in_name: str = ""
    confirmation: Page | None = None
    escrow: dict[str, str] = field(default_factory=dict)  # what she typed in her escrow entry

    def markers(self) -> dict[str, str]:
        found = {f"{self.label} {k}": v for k, v in self.answers.items()}
        found[f"{self.label} added information"] = self.added
        found.update({f"{self.label} escrow {k}": v for k, v in self.escrow.items()})
        if self.password:
            found[f"{self.label} password"] = self.password
        return found

    def readable_markers(self) -> dict[str, str]:
        """What the case manager must be able to read (an anonymous report drops a name
        and a contact: she is never asked for them)."""
        found = {k: v for k, v in self.markers().items() if " escrow " not in k}
        found.pop(f"{self.label} password", None)
        if self.anonymous:
            found.pop(f"{self.label} your_name")
            found.pop(f"{self.label} contact")
        return found


@dataclass
class Haystack:
    """Where something could be found, and its bytes."""

    place: str
    data: bytes


@dataclass
class CanaryRun:
    instance: LiveInstance
    reports: list[Report]
    case_pages: dict[str, Page]
    complainant_pages: dict[str, Page]
    while_running: list[Haystack] = field(default_factory=list)
    after_stop: list[Haystack] = field(default_factory=list)
    sessions: list[Haystack] = field(default_factory=list)
    reads: dict[str, int] = field(default_factory=dict)
    escrow_pages: dict[str, Page] = field(default_factory=dict)  # the counsellor's

    def secrets(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for report in self.reports:
            found.update(report.markers())
            if report.receipt:
                found[f"{report.label} receipt"] = report.receipt
        return found


# --- submitting through the web pages ----------------------------------------------------


def _submit(browser: Browser, report: Report) -> None:
    form_page = browser.get("/report/")
    assert form_page.status == 200, form_page
    answers = {**report.answers, "organisation": "demo-party"}
    answers["anonymous"] = "yes" if report.anonymous else "no"
    check = answer_report_pages(browser, form_page, answers)
    assert check.status == 200, check.text[:3000]
    assert "Check your answers" in check.text, check.visible_text()[:2000]
    send_form = check.form_with('action="/report/send/"')
    password = (
        {}
        if report.anonymous
        else {
            "password": report.password,
            "password_confirm": report.password,
        }
    )
    sent = browser.submit(check, send_form, password)
    assert sent.status == 200, sent.text[:3000]
    assert sent.path == "/report/sent/", sent
    report.confirmation = sent
    reference = _REFERENCE.search(sent.visible_text())
    assert reference, sent.visible_text()
    report.reference = reference.group(0)
    if report.anonymous:
        words = re.search(r'<p class="receipt"[^>]*>([^<]+)</p>', sent.text)
        assert words, sent.text
        report.receipt = " ".join(words.group(1).split())
        assert len(report.receipt.split()) == 7, report.receipt
    else:
        name = re.search(r'<strong class="receipt">([^<]+)</strong>', sent.text)
        assert name, sent.text
        report.sign_in_name = name.group(1).strip()


def _add_information(browser: Browser, report: Report) -> Page:
    page = browser.get("/my-report/add/")
    assert page.status == 200, page
    status = browser.submit(page, page.form_with('name="text"'), {"text": report.added})
    assert status.status == 200, status.text[:3000]
    assert status.path == "/my-report/", status
    return status


def _case_manager_reads(instance: LiveInstance, references: list[str]) -> dict[str, Page]:
    staff = Browser(instance.base_url)
    home = staff_sign_in(staff, "casemanager", instance.password)
    assert home.status == 200, home.text[:2000]
    assert home.path == "/cases/", home
    for reference in references:
        assert f'href="/cases/{reference}/"' in home.text, (reference, home.visible_text())
    pages = {}
    for reference in references:
        page = staff.get(f"/cases/{reference}/")
        assert page.status == 200, page.text[:2000]
        pages[reference] = page
    return pages


def _letters(label: str) -> str:
    """A marker of letters only (a name's words keep only letters and digits)."""
    return "Zq" + uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))


def escrow_markers(surname: str, number: str, label: str) -> dict[str, str]:
    """The named person (the same for both complainants) and what she wrote. The
    stored needles include each identifier's normal form."""
    return {
        "surname": surname,
        "e-mail": f"{surname.lower()}@example.org",
        "phone": f"447700{number}",
        "handle": f"{surname.lower()}_x",
        "account": marker(f"{label}-escrow-account"),
    }


def _escrow_entry(browser: Browser, report: Report, *, spelling: str) -> None:
    page = browser.get("/my-report/escrow/")
    assert page.status == 200, page
    answers = {
        "name": spelling,
        "email": report.escrow["e-mail"].upper(),
        "phone": f"07700 {report.escrow['phone'][6:]}",
        "handle": "@" + report.escrow["handle"].upper(),
        "account": report.escrow["account"],
    }
    held = browser.submit(page, page.form_with('name="account"'), answers)
    assert held.status == 200 and held.path == "/my-report/escrow/", held.text[:3000]


def _counsellor_reads(instance: LiveInstance) -> dict[str, Page]:
    counsellor = Browser(instance.base_url)
    home = staff_sign_in(counsellor, "counsellor", instance.password)
    assert home.status == 200 and home.path == "/escrow/", home.text[:2000]
    links = re.findall(r'href="(/escrow/[0-9a-f-]{36}/)"', home.text)
    assert len(links) == 1, home.visible_text()
    return {link: counsellor.get(link) for link in links}


# --- where things are kept ------------------------------------------------------------


def _files(instance: LiveInstance) -> list[Haystack]:
    """Every file under the data directory: the database and its WAL and shared memory,
    keys, blobs, the server's captured output."""
    return [
        Haystack(str(path.relative_to(instance.data_dir)), path.read_bytes())
        for path in sorted(instance.data_dir.rglob("*"))
        if path.is_file()
    ]


def _postgresql_rows(instance: LiveInstance) -> list[Haystack]:
    import psycopg

    assert instance.database_url
    found = []
    with psycopg.connect(instance.database_url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        assert "ledger_event" in tables, tables
        for table in tables:
            rows = conn.execute(f'SELECT t::text FROM "{table}" t').fetchall()  # noqa: S608
            text = "\n".join(row[0] for row in rows)
            found.append(Haystack(f"table {table}", text.encode()))
    return found


def _query(instance: LiveInstance, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the instance's own database, read directly."""
    if instance.database_url:
        import psycopg

        with psycopg.connect(instance.database_url, autocommit=True) as conn:
            return [tuple(row) for row in conn.execute(sql)]
    import sqlite3

    db = sqlite3.connect(f"file:{instance.sqlite_path}?mode=ro", uri=True)
    try:
        return list(db.execute(sql))
    finally:
        db.close()


def _session_rows(instance: LiveInstance) -> list[str]:
    return [row[0] for row in _query(instance, "SELECT session_data FROM django_session")]


def _reads_by_reference(instance: LiveInstance) -> dict[str, int]:
    """How many times each case's content was read, by its `case.content_read` events."""
    references = {
        stream.removeprefix("case/"): json.loads(metadata)["reference"]
        for stream, metadata in _query(
            instance, "SELECT stream, metadata FROM ledger_event WHERE type = 'case.submitted'"
        )
    }
    reads = dict.fromkeys(references.values(), 0)
    for (metadata,) in _query(
        instance, "SELECT metadata FROM ledger_event WHERE type = 'case.content_read'"
    ):
        reads[references[json.loads(metadata)["case"]]] += 1
    return reads


def _sessions(instance: LiveInstance) -> list[Haystack]:
    """Each stored session, raw and decoded (it is signed, maybe compressed, base64)."""
    secret_key = (instance.data_dir / "demo-secret-key").read_text().strip()
    found = []
    rows = _session_rows(instance)
    assert rows, "no sessions were stored: the canary did not sign anybody in"
    for i, data in enumerate(rows):
        found.append(Haystack(f"session {i} (raw)", data.encode()))
        payload = data.split(":", 1)[0]
        compressed = payload.startswith(".")
        try:
            raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload) % 4))
        except ValueError:
            raw = b""
        if not compressed:
            found.append(Haystack(f"session {i} (base64-decoded)", raw))
        decoded = signing.loads(
            data, key=secret_key, salt=_SESSION_SALT, serializer=signing.JSONSerializer
        )
        found.append(Haystack(f"session {i} (decoded)", repr(decoded).encode()))
    return found


def _everything(instance: LiveInstance) -> list[Haystack]:
    found = _files(instance)
    if instance.postgresql:
        found += _postgresql_rows(instance)
    found.append(Haystack("server output", instance.log().encode()))
    return found


def _needles(secret: str) -> list[bytes]:
    forms = {secret, secret.lower(), secret.upper()}
    needles = [form.encode() for form in forms]
    # A bytea column shows as hex in text; plain text in it would only show so.
    needles += [form.encode().hex().encode() for form in forms]
    if " " in secret:  # a receipt, also as hyphenated words
        needles.append(secret.replace(" ", "-").encode())
    return needles


def _hits(secrets: dict[str, str], haystacks: list[Haystack]) -> list[str]:
    hits = []
    for label, secret in secrets.items():
        for needle in _needles(secret):
            hits += [f"{label} found in {h.place}" for h in haystacks if needle in h.data]
    return sorted(set(hits))


# --- the run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CanaryRun]:
    anonymous = Report(
        label="anonymous report",
        anonymous=True,
        answers={name: marker(f"anon-{name}") for name in ACCOUNT_FIELDS},
        added=marker("anon-added"),
    )
    identified = Report(
        label="identified report",
        anonymous=False,
        answers={name: marker(f"named-{name}") for name in ACCOUNT_FIELDS},
        added=marker("named-added"),
        password=marker("named-password"),
    )
    # Both name the same person in the matching escrow, spelt differently.
    surname, number = _letters("escrow"), f"9{uuid.uuid4().int % 100000:05d}"
    anonymous.escrow = escrow_markers(surname, number, "anon")
    identified.escrow = escrow_markers(surname, number, "named")
    spellings = {
        "anonymous report": f"Canary {surname}",
        "identified report": f"{surname.upper()}, Canary MP",
    }
    data_dir: Path = tmp_path_factory.mktemp("canary") / "data"
    with start_instance(data_dir) as instance:
        complainant_pages = {}
        for report in (anonymous, identified):
            complainant = Browser(instance.base_url)
            _submit(complainant, report)
            complainant_pages[report.reference] = _add_information(complainant, report)
            _escrow_entry(complainant, report, spelling=spellings[report.label])
        case_pages = _case_manager_reads(instance, [anonymous.reference, identified.reference])
        run = CanaryRun(instance, [anonymous, identified], case_pages, complainant_pages)
        run.escrow_pages = _counsellor_reads(instance)
        run.while_running = _everything(instance)
        run.sessions = _sessions(instance)
        instance.stop()
        run.after_stop = _everything(instance)
        run.sessions += _sessions(instance)
        run.reads = _reads_by_reference(instance)
        yield run


def test_the_case_manager_reads_every_marker(canary: CanaryRun) -> None:
    """Otherwise the canary would be submitting nothing, and finding nothing proves nothing."""
    for report in canary.reports:
        page = canary.case_pages[report.reference].visible_text()
        missing = [label for label, m in report.readable_markers().items() if m not in page]
        assert not missing, f"not on the case page of {report.reference}: {missing}"
    anonymous = canary.reports[0]
    assert anonymous.answers["your_name"] not in canary.case_pages[anonymous.reference].text


def test_the_case_managers_reads_are_recorded(canary: CanaryRun) -> None:
    for report in canary.reports:
        assert canary.reads.get(report.reference, 0) >= 1, (report.reference, canary.reads)


def test_the_complainant_reads_what_she_added(canary: CanaryRun) -> None:
    for report in canary.reports:
        page = canary.complainant_pages[report.reference].visible_text()
        assert report.added in page
        assert report.answers["what_happened"] in page


def test_the_receipt_was_shown_once(canary: CanaryRun) -> None:
    anonymous, identified = canary.reports
    assert anonymous.receipt and anonymous.confirmation is not None
    assert anonymous.receipt in anonymous.confirmation.visible_text()
    assert identified.sign_in_name.startswith("c-")


def test_haystacks_are_real(canary: CanaryRun) -> None:
    """The search looks where the data is: the database and its log are there."""
    places = {h.place for h in canary.while_running}
    assert "server output" in places
    if canary.instance.postgresql:
        assert "table ledger_event" in places
    else:
        assert "ombuds.sqlite3" in places
        assert "ombuds.sqlite3-wal" in places
    references = [r.reference.encode() for r in canary.reports]
    everything = b"".join(h.data for h in canary.while_running)
    assert all(reference in everything for reference in references), "no cases stored?"


def test_no_marker_or_receipt_in_storage_while_running(canary: CanaryRun) -> None:
    assert _hits(canary.secrets(), canary.while_running) == []


def test_no_marker_or_receipt_in_storage_after_stopping(canary: CanaryRun) -> None:
    assert _hits(canary.secrets(), canary.after_stop) == []


def test_no_marker_or_receipt_in_sessions(canary: CanaryRun) -> None:
    assert _hits(canary.secrets(), canary.sessions) == []


def test_no_marker_or_receipt_in_the_server_output(canary: CanaryRun) -> None:
    output = [h for h in canary.after_stop if h.place in {"server output", "server.log"}]
    assert output
    assert _hits(canary.secrets(), output) == []


def test_the_counsellor_reads_both_escrow_entries_and_nobody_else_does(canary: CanaryRun) -> None:
    """The escrow's markers show to the matching counsellor once two people named the
    same person, and on no page of anyone else (the case manager of both cases)."""
    (page,) = canary.escrow_pages.values()
    assert page.status == 200, page.text[:2000]
    for report in canary.reports:
        assert report.escrow["account"] in page.visible_text()
    assert canary.reports[0].escrow["surname"].lower() in page.visible_text()
    for other in canary.case_pages.values():
        for report in canary.reports:
            assert not [m for m in report.escrow.values() if m.lower() in other.text.lower()]
