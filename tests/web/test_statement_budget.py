"""The case manager's "Acknowledge" POST stays within its SQL budget: the case is loaded
once, its events folded once, and the read models written without reading them back."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ombuds.cases.models import Case
from ombuds.intake.services import Submission
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.record import events
from tests.conftest import PASSWORD, Cast, sign_in

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
