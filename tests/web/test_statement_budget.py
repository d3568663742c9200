"""The case manager's "Acknowledge" POST stays within its SQL budget: the case is loaded
once, its events folded once, and the read models written without reading them back."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ombuds.cases.models import Case
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.people.models import Organisation
from ombuds.record import events
from tests.conftest import PASSWORD, Cast, an_account, sign_in

# 10, including the INSERT of the interior Merkle node(s) that every second append stores
# (so that proofs read O(log n) rows: ledger/proofs.py); the stream's tip comes from the
# fold instead of a second read.
BUDGET = 10


def test_acknowledge_post_runs_at_most_ten_statements(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = anonymous_report.case
    client = Client()
    sign_in(client, cast.case_manager.username, PASSWORD)
    url = f"/cases/{case.reference}/acknowledge/"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"version": case.version})
    assert response.status_code == 302
    folds = [q for q in queries.captured_queries if 'FROM "ledger_event"' in q["sql"]]
    # SAVEPOINTs are the test's own transaction around each command; in production the
    # command's transaction begins and commits instead.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= BUDGET, "\n".join(statements)
    assert len(folds) == 1, "the case's events are read once per request"
    last = Event.objects.filter(stream=case_stream(case.id)).order_by("-stream_version").first()
    assert last is not None and last.type == events.ACKNOWLEDGED.type
    assert Case.objects.get(pk=case.pk).stage == "acknowledged"


def _head_taken_at(statements: list[str]) -> int:
    """Where the ledger head is taken, once: the head is only read (not locked) until the
    end, where one step moves it and the ledger's rows are written; nothing else runs
    while it is held (ledger/staging.py)."""
    taken = [
        i
        for i, q in enumerate(statements)
        if "ledger_ledgerhead" in q and ("UPDATE" in q.upper() or "FOR UPDATE" in q.upper())
    ]
    assert len(taken) == 1, statements
    held = statements[taken[0] + 1 :]
    tables = ("ledger_event", "ledger_merklenode", "ledger_checkpoint")
    assert all(q.startswith("INSERT INTO") and any(t in q for t in tables) for q in held), held
    return taken[0]


# An anonymous report: the organisation, the reference's uniqueness, the pools and their
# grants, the case's rows, its key wraps in one upsert and her receipt credential, then the
# ledger head moved and three events and a checkpoint written at the end.
SUBMISSION_BUDGET = 22


def test_an_anonymous_submission_runs_at_most_its_budget(
    cast: Cast, organisation: Organisation
) -> None:
    report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    with CaptureQueriesContext(connection) as queries:
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= SUBMISSION_BUDGET, "\n".join(statements)
    pools = [q for q in statements if 'FROM "people_user"' in q]
    assert len(pools) <= 1, "both roles' pools are read at once"
    taken = _head_taken_at(statements)
    assert taken > statements.index(pools[0]), "pools are read before the head is taken"


def test_a_handlers_read_record_holds_the_head_for_its_write_alone(
    cast: Cast, organisation: Organisation
) -> None:
    from ombuds.cases.participants import assigned_handler
    from ombuds.cases.reads import read_record

    submission = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )
    handler = assigned_handler(cast.case_manager, submission.case, private_key=None)
    with CaptureQueriesContext(connection) as queries:
        read_record(handler, part="report")
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    _head_taken_at(statements)
    last = Event.objects.order_by("-seq").first()
    assert last is not None and last.type == events.CONTENT_READ.type
