"""Checkpoints form a hash chain under their signatures, and every command leaves the log
covered by one.

Each checkpoint signs the digest of the one stored before it, after checking that one's
signature, so `ombuds verify` checks the newest signature and the links instead of one
signature per submission, and still names any checkpoint altered, forged or removed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from ombuds import vault
from ombuds.cases.participants import assigned_handler
from ombuds.cases.reads import read_record
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger import checkpoint_checks, note, verify
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.checkpoints import (
    checkpoint_as_dict,
    checkpoint_as_note,
    checkpoint_create,
    checkpoint_digest,
    checkpoint_signature_valid,
    signing_identity,
)
from ombuds.ledger.models import Checkpoint, LedgerHead
from ombuds.ledger.services import Append, append_event, append_events
from ombuds.ledger.staging import CHECKPOINT_COLUMNS
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import Organisation
from tests.conftest import Cast, an_account

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., Any]


def _columns(checkpoint: Checkpoint) -> list[Any]:
    return [getattr(checkpoint, name) for name in CHECKPOINT_COLUMNS]


def _stored() -> list[Checkpoint]:
    return list(Checkpoint.objects.order_by("id"))


@pytest.fixture
def chained(anonymous_report: Submission, organisation: Organisation) -> list[Checkpoint]:
    """Five submissions and two checkpoints on demand: a chain of about a dozen."""
    for _ in range(4):
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    checkpoint_create()
    checkpoint_create()
    return _stored()


def _tampered(*statements: tuple[str, list[Any]]) -> Iterator[list[str]]:
    """verify's problems in each shape of a full run, with `statements` run on the
    checkpoint table (its guard dropped), all rolled back afterwards."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS ledger_checkpoint_no_update")
                cursor.execute("DROP TRIGGER IF EXISTS ledger_checkpoint_no_delete")
            else:
                cursor.execute(
                    "DROP TRIGGER IF EXISTS ledger_checkpoint_append_only ON ledger_checkpoint"
                )
            for sql, params in statements:
                cursor.execute(sql, params)
        for aside in (10**9, 1):  # alone, and with the checkpoint worker
            original = verify._ASIDE_FROM
            verify._ASIDE_FROM = aside
            try:
                yield verify_ledger().problems
            finally:
                verify._ASIDE_FROM = original
        transaction.set_rollback(True)


def _named(problems: list[str]) -> list[int]:
    return sorted(int(p.split()[1]) for p in problems if p.startswith("checkpoint "))


def test_each_checkpoint_signs_the_digest_of_the_one_before(chained: list[Checkpoint]) -> None:
    assert chained[0].previous == ""  # the first has none before it
    for before, after in itertools.pairwise(chained):
        assert after.previous == checkpoint_digest(_columns(before))
    head = LedgerHead.objects.get(pk=1)
    assert head.checkpoint == checkpoint_digest(_columns(chained[-1]))
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.checkpoints == len(chained)


def test_verify_checks_only_the_signatures_nobody_links_to(
    chained: list[Checkpoint], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    real = vault.verify_signatures

    def counting(items: list[tuple[bytes, bytes, bytes]]) -> list[bool]:
        checked.append(len(items))
        return real(items)

    monkeypatch.setattr(vault, "verify_signatures", counting)
    assert verify_ledger().ok
    # The first checkpoint links to nothing, but the second links to it: one signature,
    # the newest's, stands for all of them.
    assert sum(checked) == 1


def test_the_published_forms_carry_the_link_and_their_signature_covers_it(
    chained: list[Checkpoint],
) -> None:
    latest = chained[-1]
    published = checkpoint_as_dict(latest)
    assert published["previous"] == latest.previous
    assert checkpoint_signature_valid(published)
    assert not checkpoint_signature_valid(dict(published, previous="00" * 32))
    assert not checkpoint_signature_valid({k: v for k, v in published.items() if k != "previous"})
    text = checkpoint_as_note(latest)
    assert text is not None and "\nprevious " in text
    parsed = note.parse_checkpoint_note(text)
    assert parsed.previous == bytes.fromhex(latest.previous)
    key = signing_identity().public_key
    assert note.note_signed_by(parsed, parsed.origin, key)
    assert verify_ledger(against={"note": text}).ok
    assert verify_ledger(against=published).ok


@pytest.mark.parametrize("column", ["signature", "note_signature", "signed_at", "previous"])
def test_a_checkpoint_altered_in_the_middle_of_the_chain_is_named(
    chained: list[Checkpoint], column: str
) -> None:
    middle = chained[len(chained) // 2]
    value = getattr(middle, column)
    altered = ("0" if value[:1] != "0" else "1") + value[1:]
    sql = f"UPDATE ledger_checkpoint SET {column} = %s WHERE id = %s"  # noqa: S608
    for problems in _tampered((sql, [altered, middle.id])):
        assert _named(problems) == [middle.id], problems
        assert "signature is not valid" in problems[0]


def test_a_removed_checkpoint_is_reported_at_the_link_it_breaks(
    chained: list[Checkpoint],
) -> None:
    middle = chained[len(chained) // 2]
    after = chained[len(chained) // 2 + 1]
    for problems in _tampered(("DELETE FROM ledger_checkpoint WHERE id = %s", [middle.id])):
        assert _named(problems) == [after.id], problems
        assert "was removed" in problems[0]


def test_a_forged_newest_checkpoint_with_a_copied_link_is_named_alone(
    chained: list[Checkpoint],
) -> None:
    latest = chained[-1]
    forged = dict(zip(CHECKPOINT_COLUMNS, _columns(latest), strict=True))
    forged.update(signed_at="2030-01-01T00:00:00Z", previous=checkpoint_digest(_columns(latest)))
    names = ", ".join(CHECKPOINT_COLUMNS)
    marks = ", ".join(["%s"] * len(CHECKPOINT_COLUMNS))
    sql = f"INSERT INTO ledger_checkpoint ({names}) VALUES ({marks})"  # noqa: S608
    for problems in _tampered((sql, list(forged.values()))):
        forged_id = Checkpoint.objects.order_by("-id").values_list("id", flat=True)[0]
        assert _named(problems) == [forged_id], problems


def test_a_new_checkpoint_passes_over_a_forged_one_and_verify_names_it(
    chained: list[Checkpoint],
) -> None:
    latest = chained[-1]
    forged = dict(zip(CHECKPOINT_COLUMNS, _columns(latest), strict=True))
    forged.update(signature="ab" * 64, note_signature="ab" * 64)
    with transaction.atomic():
        Checkpoint.objects.create(**forged)
        fresh = checkpoint_create()
        # The signer checked the newest stored row, found it bad and linked past it.
        assert fresh.previous == checkpoint_digest(_columns(latest))
        problems = verify_ledger().problems
        forged_id = Checkpoint.objects.get(signature="ab" * 64).id
        assert _named(problems) == [forged_id], problems
        transaction.set_rollback(True)


def test_the_checkpoint_table_refuses_update_and_delete(chained: list[Checkpoint]) -> None:
    # On SQLite, a migration that rebuilds the table drops its triggers: 0004 puts them back.
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=chained[0].id).update(signed_at="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=chained[0].id).delete()


def test_checkpoints_signed_before_links_are_each_checked(
    chained: list[Checkpoint], monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = checkpoint_checks.checkpoint_chain(checkpoint_checks.stored_checkpoints())
    assert len(chain.own) == 1 and chain.broken == []
    unlinked = [{**cp, "previous": ""} for cp in checkpoint_checks.stored_checkpoints()]
    chain = checkpoint_checks.checkpoint_chain(unlinked)
    assert len(chain.own) == len(unlinked)


def _covered() -> bool:
    head = LedgerHead.objects.get(pk=1)
    latest = Checkpoint.objects.order_by("-id").first()
    return latest is not None and latest.size == head.size


def test_a_submission_leaves_the_log_covered(organisation: Organisation, cast: Cast) -> None:
    before = LedgerHead.objects.get(pk=1).size if LedgerHead.objects.exists() else 0
    report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    assert _covered()
    # The checkpoint right after the submission (its first event, at `before`) is still
    # signed first: it is the proof of receipt and the allocation's seed.
    first = Checkpoint.objects.filter(size__gt=before).order_by("size", "id").first()
    assert first is not None and first.size == before + 1


def test_a_recorded_read_leaves_the_log_covered(anonymous_report: Submission, cast: Cast) -> None:
    handler = assigned_handler(cast.case_manager, anonymous_report.case, private_key=None)
    read_record(handler, part="report")
    assert _covered()


def test_commands_appending_with_the_head_locked_are_covered_once_they_commit(
    anonymous_report: Submission, django_capture_on_commit_callbacks: OnCommit
) -> None:
    connection.run_on_commit.clear()  # the fixtures' callbacks: this test never commits
    before = Checkpoint.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            append_event(
                stream="test/covered", event_type="test.noted", actor=SYSTEM, metadata={"n": n}
            )
        assert not _covered()
    assert len(callbacks) == 1  # one per transaction, however many it appended
    assert _covered() and Checkpoint.objects.count() == before + 1
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        append_events([Append("test/batch", "test.noted", SYSTEM, {}) for _ in range(3)])
    assert _covered() and Checkpoint.objects.count() == before + 2
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        checkpoint_create()  # signs, appends nothing: nothing more to cover
    assert Checkpoint.objects.count() == before + 3
    assert verify_ledger().ok
