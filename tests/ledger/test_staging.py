"""Appends staged in memory and written at the end take the ledger head for one step only
(`ombuds.ledger.staging`): the same events as appending one by one, nothing written when
another command moved the head meanwhile, and the command run again until it lands."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from ombuds.intake.services import report_submit
from ombuds.ledger import staging
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.checkpoints import checkpoint_create, checkpoint_digest
from ombuds.ledger.models import Checkpoint, Event, LedgerHead, MerkleNode
from ombuds.ledger.services import append_event
from ombuds.ledger.staging import (
    CHECKPOINT_COLUMNS,
    HeadMoved,
    appends_at_commit,
    run_with_appends_at_commit,
)
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import Organisation
from tests.conftest import Cast, an_account

pytestmark = pytest.mark.django_db


def _three_and_a_checkpoint(tag: str) -> tuple[list[Event], Checkpoint]:
    appended = [
        append_event(
            stream=f"staged/{tag}", event_type="staged.noted", actor=SYSTEM, metadata={"n": n}
        )
        for n in range(3)
    ]
    return appended, checkpoint_create()


def _move_the_head() -> None:
    """What another process's append does to the head row, seen from this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET size = size + 1 WHERE id = 1")


def test_staged_appends_are_the_events_and_checkpoint_appending_one_by_one_makes() -> None:
    checkpoint_create()  # the head row exists
    with transaction.atomic():
        _three_and_a_checkpoint("direct")
    before = Event.objects.count()
    with transaction.atomic(), appends_at_commit():
        staged_events, staged_checkpoint = _three_and_a_checkpoint("staged")
        assert Event.objects.count() == before, "nothing is written before the block ends"
    assert [e.id for e in staged_events] == list(
        Event.objects.filter(stream="staged/staged").order_by("seq").values_list("id", flat=True)
    )
    assert [e.stream_version for e in staged_events] == [1, 2, 3]
    assert staged_events[1].prev_hash == staged_events[0].hash
    stored = Checkpoint.objects.get(pk=staged_checkpoint.id)
    assert (stored.size, stored.root) == (before + 3, staged_checkpoint.root)
    head = LedgerHead.objects.get(pk=1)
    assert head.size == Event.objects.count() == before + 3
    assert MerkleNode.objects.filter(level=1).count() == (before + 3) // 2
    assert verify_ledger().ok


def test_nothing_is_written_when_the_head_moved_meanwhile() -> None:
    checkpoint_create()
    events_before = Event.objects.count()
    checkpoints_before = Checkpoint.objects.count()
    with pytest.raises(HeadMoved), transaction.atomic(), appends_at_commit():
        _three_and_a_checkpoint("late")
        _move_the_head()
    assert Event.objects.count() == events_before
    assert Checkpoint.objects.count() == checkpoints_before
    assert verify_ledger().ok


def test_a_command_whose_head_moved_runs_again_and_the_last_time_holds_the_head() -> None:
    checkpoint_create()
    runs: list[bool] = []

    def command() -> list[Event]:
        locked = len(runs) == staging.OPTIMISTIC_ATTEMPTS
        runs.append(locked)
        appended, _ = _three_and_a_checkpoint(f"retried-{len(runs)}")
        if not locked:
            _move_the_head()  # every optimistic attempt loses its race
        return appended

    appended = run_with_appends_at_commit(command)
    assert len(runs) == staging.OPTIMISTIC_ATTEMPTS + 1
    assert Event.objects.filter(stream__startswith="staged/retried-").count() == 3
    assert {e.stream for e in appended} == {f"staged/retried-{len(runs)}"}
    assert verify_ledger().ok


def test_a_failed_command_inside_the_block_writes_nothing() -> None:
    checkpoint_create()
    before = Event.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), appends_at_commit():
        _three_and_a_checkpoint("failed")
        raise ValueError("the command refused")
    assert Event.objects.count() == before
    assert staging.current() is None


def test_a_staged_command_inside_a_staged_block_joins_it() -> None:
    checkpoint_create()
    before = Event.objects.count()
    with transaction.atomic(), appends_at_commit() as outer:
        inner = run_with_appends_at_commit(lambda: _three_and_a_checkpoint("joined"))
        assert outer is not None and outer.events == inner[0]
        assert Event.objects.count() == before
    assert Event.objects.count() == before + 3


def test_blocks_do_not_nest_and_batches_refuse_to_stage() -> None:
    checkpoint_create()
    with transaction.atomic(), appends_at_commit():
        with pytest.raises(RuntimeError), appends_at_commit():
            pass
        from ombuds.ledger.services import Append, append_events

        with pytest.raises(RuntimeError):
            append_events([Append("staged/batch", "staged.noted", SYSTEM, {})])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_all_land_in_one_valid_ledger_postgresql(
    cast: Cast, organisation: Organisation
) -> None:
    checkpoint_create()
    failures: list[BaseException] = []

    def complainant() -> None:
        try:
            for _ in range(4):
                report_submit(
                    organisation_slug=organisation.slug, account=an_account(), anonymous=True
                )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    def signer() -> None:  # `ombuds checkpoint` meanwhile: it appends nothing
        try:
            for _ in range(8):
                checkpoint_create()
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    before = Event.objects.filter(type="case.submitted").count()
    threads = [threading.Thread(target=complainant) for _ in range(6)]
    threads.append(threading.Thread(target=signer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Event.objects.filter(type="case.submitted").count() == before + 24
    report = verify_ledger()
    assert report.ok, report.problems
    # One chain: each checkpoint links to the one stored before it, none twice.
    stored = list(Checkpoint.objects.order_by("id"))
    links = [c.previous for c in stored[1:]]
    assert links == [
        checkpoint_digest([getattr(c, n) for n in CHECKPOINT_COLUMNS]) for c in stored[:-1]
    ]
