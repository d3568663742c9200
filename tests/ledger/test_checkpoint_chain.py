"""Checkpoints form a hash chain under their signatures, and every command leaves the log
covered by a signature.

Each checkpoint signs the digest of the one stored before it, after checking that one's
signature, so `ombuds verify` checks the newest signature and the links instead of one
signature per submission, and still names any checkpoint altered, forged or removed.
Every append signs the head it leaves, naming the newest checkpoint; an append refuses
to write on top of a head whose signature is not good.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from ombuds.cases.participants import assigned_handler
from ombuds.cases.reads import read_record
from ombuds.cli_log import cmd_checkpoint
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger import checkpoint_chain, checkpoint_checks, merkle, note, verify
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.checkpoints import (
    checkpoint_as_dict,
    checkpoint_as_note,
    checkpoint_create,
    checkpoint_digest,
    checkpoint_signature_valid,
    head_accept,
    head_sign_once,
)
from ombuds.ledger.models import Checkpoint, LedgerHead
from ombuds.ledger.services import Append, append_event, append_events
from ombuds.ledger.signing import signing_identity, tree_head_signed
from ombuds.ledger.staging import CHECKPOINT_COLUMNS, run_with_appends_at_commit
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import LedgerUnsigned
from ombuds.people.models import Organisation
from tests.conftest import Cast, an_account
from tests.insider import insider_sql

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
    checkpoint table by a database administrator, all rolled back afterwards."""
    with transaction.atomic():
        for sql, params in statements:
            insider_sql(sql, params)
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
    chained: list[Checkpoint], signature_checks: list[int]
) -> None:
    assert verify_ledger().ok
    # The first checkpoint links to nothing, but the second links to it: one signature,
    # the newest's, stands for all of them.
    assert sum(signature_checks) == 1


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
    chain = checkpoint_chain.checkpoint_chain(checkpoint_checks.stored_checkpoints())
    assert len(chain.own) == 1 and chain.broken == []
    unlinked = [{**cp, "previous": ""} for cp in checkpoint_checks.stored_checkpoints()]
    chain = checkpoint_chain.checkpoint_chain(unlinked)
    assert len(chain.own) == len(unlinked)


def _head_signed_over_what_it_stores() -> bool:
    head = LedgerHead.objects.get(pk=1)
    frontier = [bytes.fromhex(h) for h in json.loads(head.frontier)]
    newest = Checkpoint.objects.order_by("-id").first()
    return tree_head_signed(
        size=head.size,
        root=merkle.frontier_root(frontier, head.size),
        previous=head.checkpoint,
        signed_at=head.signed_at,
        signature=head.signature,
    ) and (newest is None or head.checkpoint == checkpoint_digest(_columns(newest)))


def test_every_command_leaves_the_head_signed_over_what_it_stores(
    organisation: Organisation, cast: Cast
) -> None:
    submission = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )  # staged
    assert _head_signed_over_what_it_stores()
    read_record(assigned_handler(cast.case_manager, submission.case, None), part="report")
    assert _head_signed_over_what_it_stores()  # staged, no checkpoint of its own
    with transaction.atomic():  # the head locked, as case commands append
        for n in range(3):
            append_event(
                stream="test/signed", event_type="test.noted", actor=SYSTEM, metadata={"n": n}
            )
    assert _head_signed_over_what_it_stores()
    with transaction.atomic():  # the sweep's batches
        append_events([Append("test/batch", "test.noted", SYSTEM, {}) for _ in range(3)])
    assert _head_signed_over_what_it_stores()
    checkpoint_create()  # the head names the new checkpoint, signed again
    assert _head_signed_over_what_it_stores()
    report = verify_ledger()
    assert report.ok, report.problems
    assert not head_sign_once()  # a signed head is never signed again over whatever it holds
    # Nor one whose signature was removed: checkpoints with links show that this ledger
    # was written by a release that signs every head.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET signature = '', signed_at = '' WHERE id = 1")
    with pytest.raises(LedgerUnsigned):
        head_sign_once()
    assert LedgerHead.objects.get(pk=1).signature == ""
    # Only the operator's deliberate acceptance signs it as it stands.
    assert head_accept() == LedgerHead.objects.get(pk=1).size
    assert _head_signed_over_what_it_stores()


def _forge_an_append() -> None:
    """What an insider with write access can do: a well-formed event appended with the
    product's own code (hash chain, Merkle nodes, head frontier), but the head left with
    the signature it had, since she has no key."""
    head = LedgerHead.objects.get(pk=1)
    with transaction.atomic():
        append_event(
            stream="scheme", event_type="case.assigned", actor=SYSTEM, metadata={"forged": True}
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_ledgerhead SET signed_at = %s, signature = %s WHERE id = 1",
                [head.signed_at, head.signature],
            )


def test_an_event_forged_after_the_newest_checkpoint_is_caught_by_the_head_signature(
    chained: list[Checkpoint],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _forge_an_append()
    problems = verify_ledger().problems
    assert problems == ["the ledger head's signature is not valid for these events"]
    # Nothing is written on top of it, neither with the head locked nor staged, and the
    # operator is told.
    size = LedgerHead.objects.get(pk=1).size
    with pytest.raises(LedgerUnsigned), transaction.atomic():
        append_event(stream="test/after", event_type="test.noted", actor=SYSTEM)
    with pytest.raises(LedgerUnsigned), transaction.atomic():
        checkpoint_create()
    with pytest.raises(LedgerUnsigned):
        run_with_appends_at_commit(
            lambda: append_event(stream="test/after", event_type="test.noted", actor=SYSTEM)
        )
    assert LedgerHead.objects.get(pk=1).size == size
    assert "ledger.head_unsigned" in caplog.text
    # The operator's `ombuds checkpoint` says so, and signs nothing.
    checkpoints = Checkpoint.objects.count()
    with transaction.atomic():
        code = cmd_checkpoint(
            argparse.Namespace(data_dir=None, note=False, output=None, accept_head=False)
        )
    assert code == 2 and "no checkpoint was signed" in capsys.readouterr().err
    assert Checkpoint.objects.count() == checkpoints


def test_a_blanked_head_signature_is_refused_too(chained: list[Checkpoint]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET signature = '' WHERE id = 1")
    assert "the ledger head's signature is not valid for these events" in verify_ledger().problems
    with pytest.raises(LedgerUnsigned), transaction.atomic():
        append_event(stream="test/after", event_type="test.noted", actor=SYSTEM)


def test_a_checkpoint_removed_from_the_end_is_caught_by_the_head(
    chained: list[Checkpoint],
) -> None:
    newest = chained[-1]
    for problems in _tampered(("DELETE FROM ledger_checkpoint WHERE id = %s", [newest.id])):
        assert any("does not name the newest checkpoint" in p for p in problems), problems
