"""The ledger refuses edits, and `verify` catches anyone who goes around that."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ombuds.intake.services import Submission
from ombuds.ledger.checkpoints import checkpoint_as_dict, checkpoint_create
from ombuds.ledger.models import Event
from ombuds.ledger.verify import verify_ledger
from tests.insider import insider_sql

TEXT_COLUMNS = (
    "stream",
    "type",
    "recorded_at",
    "actor_id",
    "actor_role",
    "metadata",
    "prev_hash",
    "hash",
)
NUMBER_COLUMNS = ("seq", "stream_version", "schema_version")


class _Undo(Exception):
    """Raised to roll a savepoint back after each tampering."""


def _tampered(sql: str, params: list[Any]) -> Iterator[list[str]]:
    try:
        with transaction.atomic():
            insider_sql(sql, params)
            yield verify_ledger().problems
            raise _Undo
    except _Undo:
        pass


def change_text(seq: int, column: str, position: int, replacement: str) -> list[str]:
    value = Event.objects.values_list(column, flat=True).get(seq=seq)
    assert isinstance(value, str) and value
    position %= len(value)
    if value[position] == replacement:
        replacement = "A" if replacement != "A" else "B"
    changed = value[:position] + replacement + value[position + 1 :]
    sql = f"UPDATE ledger_event SET {column} = %s WHERE seq = %s"  # noqa: S608
    return next(_tampered(sql, [changed, seq]))


def change_body(seq: int, position: int, flip: int) -> list[str]:
    body = bytes(Event.objects.values_list("body", flat=True).get(seq=seq))
    assert body
    position %= len(body)
    changed = bytearray(body)
    changed[position] ^= flip
    sql = "UPDATE ledger_event SET body = %s WHERE seq = %s"
    return next(_tampered(sql, [bytes(changed), seq]))


def test_the_database_refuses_update_and_delete(anonymous_report: Submission) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=0).update(actor_role="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=0).delete()
    assert verify_ledger().ok


def test_an_untouched_ledger_verifies(anonymous_report: Submission) -> None:
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.events == Event.objects.count()


@pytest.mark.parametrize("column", TEXT_COLUMNS)
def test_a_change_to_any_text_column_is_detected(anonymous_report: Submission, column: str) -> None:
    for seq in range(Event.objects.count()):
        assert change_text(seq, column, 0, "Z"), f"{column} of event {seq}"


@pytest.mark.parametrize("column", NUMBER_COLUMNS)
def test_a_change_to_any_number_column_is_detected(
    anonymous_report: Submission, column: str
) -> None:
    last = Event.objects.count() - 1
    sql = f"UPDATE ledger_event SET {column} = {column} + 1000 WHERE seq = %s"  # noqa: S608
    assert next(_tampered(sql, [last]))


def test_a_deleted_event_is_detected(anonymous_report: Submission) -> None:
    assert next(_tampered("DELETE FROM ledger_event WHERE seq = %s", [1]))


def test_cutting_off_the_tail_breaks_a_kept_checkpoint(anonymous_report: Submission) -> None:
    kept = checkpoint_as_dict(checkpoint_create())
    last = Event.objects.count() - 1
    for problems in _tampered("DELETE FROM ledger_event WHERE seq = %s", [last]):
        assert problems
    assert verify_ledger(against=kept).ok


def test_a_forged_checkpoint_is_refused(anonymous_report: Submission) -> None:
    kept = checkpoint_as_dict(checkpoint_create())
    forged = dict(kept, root="00" * 32)
    assert not verify_ledger(against=forged).ok
    assert not verify_ledger(against=dict(kept, size=kept["size"] + 5)).ok


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    column=st.sampled_from((*TEXT_COLUMNS, "body")),
)
def test_every_single_byte_change_is_detected(
    anonymous_report: Submission, data: st.DataObject, column: str
) -> None:
    seqs = list(
        Event.objects.exclude(body=b"").values_list("seq", flat=True)
        if column == "body"
        else Event.objects.values_list("seq", flat=True)
    )
    seq = data.draw(st.sampled_from(seqs))
    position = data.draw(st.integers(min_value=0, max_value=10_000))
    if column == "body":
        problems = change_body(seq, position, data.draw(st.integers(min_value=1, max_value=255)))
    else:
        replacement = data.draw(st.characters(min_codepoint=33, max_codepoint=126))
        problems = change_text(seq, column, position, replacement)
    assert problems, f"{column} of event {seq} at {position}"
