"""A full verify reads SQLite's events in row-id order, and checks checkpoints' signatures
in whichever process is free: neither may change what it reports."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from ombuds.intake.services import Submission, report_submit
from ombuds.ledger import checkpoint_checks, rows, verify
from ombuds.ledger.models import Checkpoint, Event
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import Organisation
from tests.conftest import an_account
from tests.insider import insider_sql


class _Undo(Exception):
    """Rolls a savepoint back after each tampering."""


def _verified_after(*statements: tuple[str, list[Any]]) -> list[list[str]]:
    """Problems found by verify read in stored order, and by seq, with `statements` run."""
    found = []
    try:
        with transaction.atomic():
            for sql, params in statements:
                insider_sql(sql, params)
            found.append(verify_ledger().problems)
            found.append(verify._verify_everything(against=None, stored_order=False).problems)
            raise _Undo
    except _Undo:
        pass
    return found


@pytest.fixture
def three_reports(anonymous_report: Submission, organisation: Organisation) -> None:
    for _ in range(2):
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


# How a full run is shaped: one process; checkpoints to a worker; events hashed by a pool.
RUN_SHAPES = {"alone": {}, "aside": {"_ASIDE_FROM": 1}, "pool": {"_PARALLEL_FROM": 1}}


@pytest.fixture(params=sorted(RUN_SHAPES))
def run_shape(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in RUN_SHAPES[request.param].items():
        monkeypatch.setattr(verify, name, value)


@pytest.mark.usefixtures("three_reports", "run_shape")
def test_events_whose_row_ids_were_swapped_raise_no_alarm() -> None:
    # The id is not part of an event; a swap (a restored dump, a reorganised table)
    # leaves the log as its seqs say. Stored order sees seqs out of turn and reads again.
    first, second = Event.objects.order_by("seq").values_list("id", flat=True)[:2]
    swapped, by_seq = _verified_after(
        ("UPDATE ledger_event SET id = -1 WHERE id = %s", [first]),
        ("UPDATE ledger_event SET id = %s WHERE id = %s", [first, second]),
        ("UPDATE ledger_event SET id = %s WHERE id = -1", [second]),
    )
    assert swapped == by_seq == []


@pytest.mark.usefixtures("three_reports", "run_shape")
def test_a_deleted_event_is_reported_as_a_read_by_seq_reports_it() -> None:
    swapped, by_seq = _verified_after(("DELETE FROM ledger_event WHERE seq = %s", [2]))
    assert swapped == by_seq
    assert "event 3 is at position 2: missing events" in swapped
    assert not multiprocessing.active_children()


@pytest.mark.usefixtures("three_reports")
def test_a_seq_stored_as_text_is_reported_as_a_read_by_seq_reports_it() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses text in a number column")
    swapped, by_seq = _verified_after(("UPDATE ledger_event SET seq = 'one' WHERE seq = 1", []))
    assert swapped == by_seq
    assert swapped


@pytest.mark.usefixtures("three_reports")
def test_stored_order_is_one_batch_after_another_in_seq_order() -> None:
    read = [r for batch in rows.event_batches(batch=3, stored_order=True) for r in batch]
    assert [r[0] for r in read] == list(range(Event.objects.count()))
    assert read == list(rows.event_rows())


@given(st.integers(0, 300), st.lists(st.booleans(), min_size=1, max_size=400))
def test_claims_from_both_ends_take_every_checkpoint_once(count: int, turns: list[bool]) -> None:
    claims = checkpoint_checks._Claims(multiprocessing.get_context("fork"), 3 * count + 1)
    assert claims.front() is None  # nothing to claim before the worker publishes
    wanted = [3 * i + 1 for i in range(count)]  # the checkpoints the chain leaves unvouched
    claims.publish(wanted)
    taken: list[int] = []
    for front in turns * (count // len(turns) + 2):
        claim = claims.front() if front else claims.back()
        if claim is not None:
            taken.extend(claim)
    assert claims.front() is None and claims.back() is None
    assert sorted(taken) == wanted


def test_altered_checkpoints_are_named_whichever_process_checks_them(
    anonymous_report: Submission, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    ids = list(Checkpoint.objects.order_by("size", "id").values_list("id", flat=True))
    altered = [ids[0], ids[len(ids) // 2], ids[-1]]
    monkeypatch.setattr(verify, "_ASIDE_FROM", 1)
    monkeypatch.setattr(checkpoint_checks, "_CLAIM", 1)  # both processes take some
    with transaction.atomic():
        insider_sql(
            "UPDATE ledger_checkpoint SET signed_at = 'x' WHERE id IN (%s, %s, %s)", altered
        )
        for _ in range(3):
            problems = verify_ledger().problems
            named = sorted(int(p.split()[1]) for p in problems if p.startswith("checkpoint "))
            assert named == sorted(altered), problems
            assert all("signature is not valid" in p for p in problems)
        transaction.set_rollback(True)
    assert not multiprocessing.active_children()
