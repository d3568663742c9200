"""Malformed events are reported by number and the rest still checked; stored checkpoints
with a signature that does not match are refused; incremental runs check only what is
new, and their results are stored for the auditor's page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from ombuds import cli
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.checkpoints import checkpoint_as_dict, checkpoint_as_note, checkpoint_create
from ombuds.ledger.models import Checkpoint, Event, Verification
from ombuds.ledger.services import append_event, event_metadata
from ombuds.ledger.verification import request_full_verification, run_verification
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import MalformedEvent
from ombuds.people.models import Organisation
from tests.conftest import an_account
from tests.insider import insider_sql

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL cannot store these at all"
)


def _another_report(organisation: Organisation) -> Submission:
    return report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


def _goes_on(problems: list[str], seq: int, words: str) -> None:
    """The malformed event is named, and a later altered event is still found."""
    assert any(p.startswith(f"event {seq} ") and words in p for p in problems), problems
    assert any("event 3 does not match its hash" in p for p in problems), problems


@SQLITE_ONLY
def test_metadata_that_is_not_utf8_is_reported_and_the_rest_checked(
    anonymous_report: Submission,
) -> None:
    insider_sql("UPDATE ledger_event SET metadata = CAST(X'7b22ff223a317d' AS TEXT) WHERE seq = 1")
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = 3")
    _goes_on(verify_ledger().problems, 1, "metadata is not valid UTF-8")


def test_metadata_that_is_not_json_is_reported_and_the_rest_checked(
    anonymous_report: Submission,
) -> None:
    insider_sql("UPDATE ledger_event SET metadata = %s WHERE seq = 2", ["{not json"])
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = 3")
    _goes_on(verify_ledger().problems, 2, "metadata is not a JSON object")
    with pytest.raises(MalformedEvent) as raised:
        event_metadata(Event.objects.get(seq=2))
    assert raised.value.seq == 2 and "Entry 2" in raised.value.message


@SQLITE_ONLY
def test_a_column_of_the_wrong_type_is_reported_and_the_rest_checked(
    anonymous_report: Submission,
) -> None:
    insider_sql("UPDATE ledger_event SET stream_version = 'two' WHERE seq = 1")
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = 3")
    _goes_on(verify_ledger().problems, 1, "stream_version missing or of the wrong type")


def test_a_stored_checkpoint_whose_signature_does_not_match_its_fields_is_refused(
    anonymous_report: Submission,
) -> None:
    checkpoint = checkpoint_create()
    assert verify_ledger().ok
    insider_sql(
        "UPDATE ledger_checkpoint SET signed_at = %s WHERE id = %s",
        ["2001-01-01T00:00:00.000000Z", checkpoint.id],
    )
    assert verify_ledger().problems == [
        f"checkpoint {checkpoint.id} (size {checkpoint.size}): the signature is not valid"
    ]


def test_a_stored_checkpoint_whose_note_signature_does_not_match_is_refused(
    anonymous_report: Submission,
) -> None:
    checkpoint = checkpoint_create()
    other = Checkpoint.objects.exclude(id=checkpoint.id).first()
    assert other is not None and other.note_signature != checkpoint.note_signature
    insider_sql(
        "UPDATE ledger_checkpoint SET note_signature = %s WHERE id = %s",
        [other.note_signature, checkpoint.id],
    )
    assert any("the signature is not valid" in p for p in verify_ledger().problems)


def test_incremental_runs_check_only_what_is_new_and_are_stored(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    first, report = run_verification()
    assert report.ok and first.kind == "full" and first.size == Event.objects.count()
    _another_report(organisation)
    second, report = run_verification()
    assert report.ok, report.problems
    assert second.kind == "incremental" and second.from_size == first.size
    assert second.events == Event.objects.count() - first.size
    assert second.root == verify_ledger().root and second.checkpoints >= 1
    # A new event altered: the next incremental run finds it.
    _another_report(organisation)
    last = Event.objects.order_by("-seq").first()
    assert last is not None
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = %s", [last.seq])
    third, report = run_verification()
    assert not third.ok
    assert f"event {last.seq} does not match its hash: it was altered" in json.loads(third.problems)


def test_an_old_event_altered_is_left_to_the_full_run(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    run_verification()
    insider_sql("UPDATE ledger_event SET actor_role = 'altered' WHERE seq = 0")
    _another_report(organisation)
    assert run_verification()[1].ok  # by design: incremental trusts what it verified
    request = request_full_verification(requested_by="auditor-pseudonym")
    assert request_full_verification(requested_by="someone-else").id == request.id
    row, report = run_verification(full=True)
    assert row.id == request.id and row.kind == "full" and row.state == "done"
    assert "event 0 does not match its hash: it was altered" in report.problems


def test_a_new_checkpoint_with_a_bad_signature_fails_the_incremental_run(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    run_verification()
    _another_report(organisation)
    checkpoint = Checkpoint.objects.order_by("-id").first()
    assert checkpoint is not None
    insider_sql(
        "UPDATE ledger_checkpoint SET signed_at = %s WHERE id = %s",
        ["2001-01-01T00:00:00.000000Z", checkpoint.id],
    )
    assert any("the signature is not valid" in p for p in run_verification()[1].problems)


def _edge_verified(organisation: Organisation) -> Checkpoint:
    """A run verified; returns the last checkpoint it checked."""
    row, report = run_verification()
    assert report.ok, report.problems
    last = Checkpoint.objects.get(pk=row.last_checkpoint)
    assert last == Checkpoint.objects.order_by("-id").first()
    return last


def test_the_first_new_checkpoint_must_link_to_the_last_one_verified(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    """The checkpoint stored right after the edge removed: the incremental run sees the
    broken link (before, only the next full run did)."""
    last = _edge_verified(organisation)
    _another_report(organisation)
    _another_report(organisation)
    first_new, second_new = Checkpoint.objects.filter(id__gt=last.id).order_by("id")
    insider_sql("DELETE FROM ledger_checkpoint WHERE id = %s", [first_new.id])
    problems = run_verification()[1].problems
    assert problems == [
        f"checkpoint {second_new.id} (size {second_new.size}) does not link to checkpoint"
        f" {last.id}, checked by an earlier run: that checkpoint was changed,"
        " or one between them was removed"
    ], problems


@pytest.mark.parametrize("appended", ["report", "no checkpoint"])
def test_the_last_checkpoint_verified_changed_after_its_run_is_found(
    anonymous_report: Submission, organisation: Organisation, appended: str
) -> None:
    last = _edge_verified(organisation)
    if appended == "report":
        _another_report(organisation)
    else:
        append_event(stream="test/edge", event_type="test.noted", actor=SYSTEM)
    insider_sql(
        "UPDATE ledger_checkpoint SET signed_at = %s WHERE id = %s",
        ["2001-01-01T00:00:00.000000Z", last.id],
    )
    problems = run_verification()[1].problems
    assert len(problems) == 1, problems
    if appended == "report":
        assert problems[0].endswith(
            f"does not link to checkpoint {last.id}, checked by an earlier run: that"
            " checkpoint was changed, or one between them was removed"
        ), problems
    else:
        assert problems[0].startswith(
            f"the ledger head does not name the newest checkpoint ({last.id})"
        )


def test_the_last_checkpoint_verified_removed_after_its_run_is_found(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    last = _edge_verified(organisation)
    insider_sql("DELETE FROM ledger_checkpoint WHERE id = %s", [last.id])
    _another_report(organisation)
    problems = run_verification()[1].problems
    assert problems == [
        f"checkpoint {last.id}, checked by an earlier run, is no longer stored: it was removed"
    ], problems


@pytest.mark.parametrize("form", ["json", "note"])
def test_verify_accepts_a_kept_checkpoint_in_either_format(
    anonymous_report: Submission,
    organisation: Organisation,
    tmp_path: Path,
    form: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kept = checkpoint_create()
    text = json.dumps(checkpoint_as_dict(kept)) if form == "json" else checkpoint_as_note(kept)
    assert text
    path = tmp_path / "kept"
    path.write_text(text)
    _another_report(organisation)
    for flags in (["--full"], []):
        assert cli.main(["verify", "--checkpoint", str(path), *flags]) == 0, capsys.readouterr()
    if form == "json":
        forged = text.replace(kept.root, "00" * 32)
    else:
        forged = text.replace(f"\n{kept.size}\n", f"\n{kept.size + 1}\n")
    path.write_text(forged)
    assert cli.main(["verify", "--checkpoint", str(path)]) == 1
    assert "the given checkpoint" in capsys.readouterr().out
    assert Verification.objects.filter(ok=False).exists()
