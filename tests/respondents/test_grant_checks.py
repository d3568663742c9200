"""What `ombuds verify` checks about grants of access: a full run every grant the signed
heads do not vouch for (all of them when the ledger has a problem), an incremental run
only those appended since, and in both a copied grant (its nonce seen before) is named,
as is one whose fields no signature could cover; a malformed grant never stops the run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction

from ombuds.cases.grant_checks import grant_problems, verify_grants
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger import checkpoint_checks
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.models import Checkpoint, Event, LedgerHead
from ombuds.ledger.services import append_event, case_stream, event_metadata
from ombuds.ledger.verification import run_verification
from ombuds.people.models import Organisation
from ombuds.record import events
from tests.conftest import an_account
from tests.insider import insider_sql

pytestmark = pytest.mark.django_db


def _verify(*, full: bool = False) -> list[str]:
    """What `ombuds verify` runs: the ledger, then the grants from where the run began."""
    return run_verification(full=full, extra=verify_grants)[1].problems


def _a_signed_assignment(submission: Submission) -> Event:
    found = (
        Event.objects.filter(type=events.ASSIGNED.type, stream=case_stream(submission.case.id))
        .order_by("seq")
        .first()
    )
    assert found is not None and "grant" in event_metadata(found)
    return found


def _append_to(stream: str, metadata: dict[str, Any]) -> Event:
    with transaction.atomic():
        return append_event(
            stream=stream, event_type=events.ASSIGNED.type, actor=SYSTEM, metadata=metadata
        )


def _another_report(organisation: Organisation) -> Submission:
    return report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


def test_an_incremental_run_checks_only_the_grants_appended_since(
    anonymous_report: Submission, organisation: Organisation, signature_checks: list[int]
) -> None:
    assert _verify() == []
    since = Event.objects.count()
    _another_report(organisation)
    new_grants = Event.objects.filter(seq__gte=since, metadata__contains='"grant":').count()
    assert new_grants >= 1
    signature_checks.clear()
    assert _verify() == []
    # The checkpoints' own signature and the new grants: nothing verified before.
    assert sum(signature_checks) == new_grants + 1, signature_checks


@pytest.mark.parametrize("full", [False, True])
def test_a_copied_grant_is_named_by_either_run(anonymous_report: Submission, full: bool) -> None:
    assert _verify() == []
    original = _a_signed_assignment(anonymous_report)
    # A database administrator copies a real allocation, signature and all, to allocate
    # the same person again after she was taken off: the signature fits, the nonce repeats.
    copied = _append_to(original.stream, event_metadata(original))
    assert _verify(full=full) == [f"event {copied.seq} (case.assigned) repeats an earlier grant"]


def test_a_grant_no_signature_could_cover_is_named_and_the_rest_checked(
    anonymous_report: Submission,
) -> None:
    original = _a_signed_assignment(anonymous_report)
    # A number with a decimal point has no canonical form: nothing this instance signs
    # (the product cannot even store one; a database administrator can).
    odd = _append_to(original.stream, {**event_metadata(original), "person": "someone"})
    insider_sql(
        "UPDATE ledger_event SET metadata = %s WHERE seq = %s",
        [json.dumps({**event_metadata(original), "round": 1.5}), odd.seq],
    )
    forged = _append_to(original.stream, {**event_metadata(original), "person": "someone"})
    assert grant_problems() == [
        f"event {odd.seq} (case.assigned) has a forged grant signature",
        f"event {forged.seq} (case.assigned) has a forged grant signature",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL cannot store it")
def test_a_grant_that_is_not_utf8_is_left_to_the_walk_and_the_rest_checked(
    anonymous_report: Submission,
) -> None:
    original = _a_signed_assignment(anonymous_report)
    forged = _append_to(original.stream, {**event_metadata(original), "person": "someone"})
    insider_sql(
        "UPDATE ledger_event SET metadata = CAST(X'7B22FF227D' AS TEXT) WHERE seq = %s",
        [original.seq],
    )
    problems = _verify(full=True)
    assert f"event {original.seq} is malformed: metadata is not valid UTF-8" in problems
    assert f"event {forged.seq} (case.assigned) has a forged grant signature" in problems


def test_many_grants_are_checked_on_both_cores(
    anonymous_report: Submission, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        _another_report(organisation)
    original = _a_signed_assignment(anonymous_report)
    forged = _append_to(original.stream, {**event_metadata(original), "person": "someone"})
    monkeypatch.setattr(checkpoint_checks, "_POOL_FROM", 2)  # a pool of two processes
    assert grant_problems() == [f"event {forged.seq} (case.assigned) has a forged grant signature"]


def test_a_full_run_that_finds_the_ledger_good_checks_only_grants_before_signed_heads(
    anonymous_report: Submission, organisation: Organisation, signature_checks: list[int]
) -> None:
    for _ in range(3):
        _another_report(organisation)
    first_linked = Checkpoint.objects.exclude(previous="").order_by("id").first()
    assert first_linked is not None
    before = Event.objects.filter(seq__lt=first_linked.size, metadata__contains='"grant":')
    after = Event.objects.filter(seq__gte=first_linked.size, metadata__contains='"grant":')
    assert before.count() >= 1 and after.count() >= 1
    signature_checks.clear()
    assert _verify(full=True) == []
    # The newest checkpoint's own signature, and the grants before the first signed head.
    assert sum(signature_checks) == 1 + before.count(), signature_checks


def test_an_insiders_forged_grant_is_named_by_the_full_run(
    anonymous_report: Submission, organisation: Organisation
) -> None:
    for _ in range(3):
        _another_report(organisation)
    original = _a_signed_assignment(anonymous_report)
    head = LedgerHead.objects.get(pk=1)
    # What a database administrator can do: append a well-formed event with the hash
    # chain, the Merkle nodes and the head's frontier, but not sign the head (no key).
    forged = _append_to(original.stream, {**event_metadata(original), "person": "someone"})
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgerhead SET signed_at = %s, signature = %s WHERE id = 1",
            [head.signed_at, head.signature],
        )
    assert _verify(full=True) == [
        "the ledger head's signature is not valid for these events",
        f"event {forged.seq} (case.assigned) has a forged grant signature",
    ]
