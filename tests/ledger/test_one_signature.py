"""Checkpoints signed since 1 December 2026 carry one Ed25519 signature (over the C2SP
note with the signing time as an extension line, published in both forms); older ones
carry two, and both are still checked. A full verify with many checkpoints checks them
and builds the tree in a worker, and finds exactly what the single-process run finds."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from ombuds import vault
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger import merkle, note, verify
from ombuds.ledger.checkpoints import (
    checkpoint_as_dict,
    checkpoint_as_note,
    checkpoint_create,
    checkpoint_signature_valid,
    checkpoint_text,
    head_sign_once,
)
from ombuds.ledger.models import Checkpoint
from ombuds.ledger.services import current_root
from ombuds.ledger.signing import signing_identity
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import Organisation
from tests.conftest import an_account
from tests.insider import insider_sql


def _old_checkpoint() -> Checkpoint:
    """A checkpoint as signed before 1 December 2026: the JSON form's signature over
    `checkpoint_text`, and a second one over the note without the time."""
    size, root = current_root()
    identity = signing_identity()
    origin, signed_at = settings.OMBUDS_LOG_ORIGIN, "2026-11-30T12:00:00.000000Z"
    text = checkpoint_text(origin=origin, size=size, root=root.hex(), signed_at=signed_at)
    note_text = note.checkpoint_note_text(origin=origin, size=size, root=root)
    old = Checkpoint.objects.create(
        size=size,
        root=root.hex(),
        signed_at=signed_at,
        origin=origin,
        public_key=identity.public_key.hex(),
        signature=vault.sign(identity.seed, text).hex(),
        note_signature=vault.sign(identity.seed, note_text).hex(),
    )
    # Then the upgrade: `ombuds migrate` signs the head, which was never signed, naming it.
    insider_sql("UPDATE ledger_ledgerhead SET signature = '' WHERE id = 1", [])
    assert head_sign_once()
    return old


def test_a_new_checkpoint_carries_one_signature_in_both_forms(
    anonymous_report: Submission,
) -> None:
    checkpoint = checkpoint_create()
    assert checkpoint.signature == checkpoint.note_signature
    text = checkpoint_as_note(checkpoint)
    assert text is not None
    parsed = note.parse_checkpoint_note(text)
    assert parsed.text.decode().splitlines()[3] == f"signed-at {checkpoint.signed_at}"
    assert parsed.signed_at == checkpoint.signed_at
    assert (parsed.size, parsed.root.hex()) == (checkpoint.size, checkpoint.root)
    key = bytes.fromhex(checkpoint.public_key)
    assert note.note_signed_by(parsed, checkpoint.origin, key)
    assert checkpoint_signature_valid(checkpoint_as_dict(checkpoint))
    moved = {**checkpoint_as_dict(checkpoint), "signed_at": "2001-01-01T00:00:00.000000Z"}
    assert not checkpoint_signature_valid(moved)
    assert verify_ledger().ok


def test_a_checkpoint_with_two_signatures_still_verifies_and_both_are_checked(
    anonymous_report: Submission,
) -> None:
    old = _old_checkpoint()
    assert verify_ledger().ok
    assert checkpoint_signature_valid(checkpoint_as_dict(old))
    text = checkpoint_as_note(old)
    assert text is not None and "signed-at" not in text
    parsed = note.parse_checkpoint_note(text)
    assert note.note_signed_by(parsed, old.origin, bytes.fromhex(old.public_key))
    label = f"checkpoint {old.id} (size {old.size}): the signature is not valid"
    # Only the note signature wrong (a signature of this key over other bytes).
    stranger = vault.sign(signing_identity().seed, b"something else").hex()
    insider_sql(
        "UPDATE ledger_checkpoint SET note_signature = %s WHERE id = %s", [stranger, old.id]
    )
    assert verify_ledger().problems == [label]
    # Only the JSON signature wrong.
    insider_sql(
        "UPDATE ledger_checkpoint SET note_signature = %s, signature = %s WHERE id = %s",
        [old.note_signature, stranger, old.id],
    )
    assert verify_ledger().problems == [label]


def test_a_one_signature_checkpoint_altered_is_named(anonymous_report: Submission) -> None:
    checkpoint = checkpoint_create()
    label = f"checkpoint {checkpoint.id} (size {checkpoint.size}): the signature is not valid"
    other = Checkpoint.objects.exclude(id=checkpoint.id).first()
    assert other is not None
    # Its signature made to look like an old checkpoint's pair, or swapped for another's.
    for signature, note_signature in (
        (checkpoint.signature, other.note_signature),
        (other.signature, checkpoint.signature),
        (other.signature, other.signature),
    ):
        insider_sql(
            "UPDATE ledger_checkpoint SET signature = %s, note_signature = %s WHERE id = %s",
            [signature, note_signature, checkpoint.id],
        )
        assert label in verify_ledger().problems
    insider_sql(
        "UPDATE ledger_checkpoint SET signature = %s, note_signature = %s, signed_at = %s"
        " WHERE id = %s",
        [checkpoint.signature, checkpoint.signature, "2001-01-01T00:00:00.000000Z", checkpoint.id],
    )
    assert verify_ledger().problems == [label]


def _reports(monkeypatch: pytest.MonkeyPatch) -> tuple[verify.VerifyReport, verify.VerifyReport]:
    """The same ledger verified in one process, and with the checkpoints in a worker."""
    monkeypatch.setattr(verify, "_ASIDE_FROM", 10**9)
    alone = verify_ledger()
    monkeypatch.setattr(verify, "_ASIDE_FROM", 1)
    return alone, verify_ledger()


def test_a_worker_checking_the_checkpoints_finds_what_one_process_finds(
    anonymous_report: Submission, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_checkpoint()  # the upgrade, then new checkpoints linked after the old ones
    for _ in range(3):
        report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)
    alone, aside = _reports(monkeypatch)
    assert alone.ok and aside.ok, (alone.problems, aside.problems)
    assert (aside.root, aside.frontier, aside.events, aside.streams, aside.checkpoints) == (
        alone.root,
        alone.frontier,
        alone.events,
        alone.streams,
        alone.checkpoints,
    )
    first, last = Checkpoint.objects.order_by("id")[0], Checkpoint.objects.order_by("-id")[0]
    insider_sql("UPDATE ledger_checkpoint SET signed_at = %s WHERE id = %s", ["x", first.id])
    insider_sql("UPDATE ledger_checkpoint SET root = %s WHERE id = %s", ["00" * 32, last.id])
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = 3", [])
    alone, aside = _reports(monkeypatch)
    assert aside.problems == alone.problems
    assert any(p.startswith(f"checkpoint {first.id} ") for p in aside.problems)
    assert any(p.startswith(f"checkpoint {last.id} ") for p in aside.problems)
    assert "event 3 does not match its hash: it was altered" in aside.problems


def test_a_tree_extended_in_pieces_is_the_tree_built_at_once() -> None:
    leaves = [merkle.leaf_hash(bytes([i % 256, i // 256])) for i in range(1000)]
    for cut in (1, 3, 64, 333, 999):
        tree = merkle.MerkleLevels([])
        for start in range(0, len(leaves), cut):
            tree.extend(leaves[start : start + cut])
        assert tree.levels == merkle.MerkleLevels(leaves).levels


def test_many_signatures_are_each_checked_as_one_would_be() -> None:
    seed = vault.new_signing_seed()
    key = vault.signing_public_key(seed)
    good = vault.sign(seed, b"message")
    items = [
        (key, b"message", good),
        (key, b"messagE", good),
        (key, b"message", good[:-1] + bytes([good[-1] ^ 1])),
        (key[:31], b"message", good),
        (key, b"message", good[:63]),
        (vault.signing_public_key(vault.new_signing_seed()), b"message", good),
        ("not bytes", b"message", good),
    ]
    expected = [vault.verify_signature(*item) for item in items]  # type: ignore[arg-type]
    assert vault.verify_signatures(items) == expected == [True] + [False] * 6  # type: ignore[arg-type]


def test_a_run_that_fails_while_the_worker_waits_leaves_no_worker_behind(
    anonymous_report: Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    def broken(*args: Any, **kwargs: Any) -> list[bytes]:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(verify, "_ASIDE_FROM", 1)
    monkeypatch.setattr(verify, "_walk_rows", broken)
    with pytest.raises(RuntimeError, match="the disk went away"):
        verify_ledger()
    assert not multiprocessing.active_children()
    monkeypatch.undo()
    assert verify_ledger().ok


def test_verify_leaves_the_garbage_collector_as_it_found_it(
    anonymous_report: Submission,
) -> None:
    import gc

    assert gc.isenabled()
    assert verify_ledger().ok
    assert gc.isenabled()
    gc.disable()
    try:
        assert verify_ledger().ok
        assert not gc.isenabled()
    finally:
        gc.enable()
