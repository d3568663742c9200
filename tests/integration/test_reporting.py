"""Integration tests through the services: submission, access, staff actions, read models."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.participants import handler_participant
from ombuds.cases.read_models import case_refresh, case_state
from ombuds.intake.services import (
    Submission,
    receipt_sign_in,
    report_add_information,
    report_withdraw,
)
from ombuds.intake.status import complainant_case_view, proof_of_receipt
from ombuds.ledger import merkle
from ombuds.ledger.checkpoints import checkpoint_signature_valid
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import ConcurrentChange, NotFound, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.conftest import PASSWORD, Cast


def key_of(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def test_anonymous_report_allocates_case_manager_and_advocate(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = anonymous_report.case
    assert case.stage == Stage.RECEIVED
    roles = dict(Assignment.objects.filter(case=case).values_list("person__username", "role"))
    assert roles == {
        cast.case_manager.username: Role.CASE_MANAGER,
        cast.advocate.username: Role.ADVOCATE,
    }
    assert anonymous_report.receipt is not None
    assert len(anonymous_report.receipt.split()) == 7
    holders = set(CaseKey.objects.filter(case=case).values_list("holder", flat=True))
    assert len(holders) == 3  # complainant's receipt, case manager, advocate


def test_receipt_finds_the_case_and_a_wrong_one_does_not(anonymous_report: Submission) -> None:
    assert anonymous_report.receipt
    access = receipt_sign_in(anonymous_report.receipt)
    assert access is not None and access.case_id == anonymous_report.case.id
    assert receipt_sign_in("apple banana cherry") is None
    words = anonymous_report.receipt.split()
    assert receipt_sign_in(" ".join(reversed(words))) is None


def test_complainant_sees_her_report_and_timeline(anonymous_report: Submission, cast: Cast) -> None:
    view = complainant_case_view(anonymous_report.access)
    assert view.account["what_happened"].startswith("He made comments")
    assert view.advocate == cast.advocate.display_name
    texts = [entry.text for entry in view.timeline]
    assert texts[0] == "You sent your report"
    assert f"{cast.advocate.display_name} was named as your advocate" in texts


def test_case_manager_handles_the_wired_stages(anonymous_report: Submission, cast: Cast) -> None:
    cm, case = cast.case_manager, anonymous_report.case
    case = case_services.case_acknowledge(actor=cm, case=case)
    assert case.stage == Stage.ACKNOWLEDGED
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key_of(cm), scope="in_scope", risk="medium", notes="ok"
    )
    assert case.stage == Stage.ASSESSED
    chosen = case_services.case_allocate(
        actor=cm, case=case, private_key=key_of(cm), role=Role.INVESTIGATOR
    )
    assert chosen == cast.investigator
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(TransitionRefused):
        case_services.case_close(actor=cm, case=case, private_key=key_of(cm), reason="  ")
    case = case_services.case_close(
        actor=cm, case=case, private_key=key_of(cm), reason="Resolved by agreement."
    )
    assert case.stage == Stage.CLOSED
    view = complainant_case_view(anonymous_report.access)
    # Closed with her still in the organisation: her advocate's check-ins follow it.
    assert view.timeline[-2].detail == "Reason: Resolved by agreement."
    assert view.timeline[-1].text.startswith("Your advocate will check in with you")
    assert not view.can_withdraw


def test_case_read_is_recorded_and_decrypts(anonymous_report: Submission, cast: Cast) -> None:
    entries = case_services.case_read(
        actor=cast.advocate, case=anonymous_report.case, private_key=key_of(cast.advocate)
    )
    assert entries[0].content["people_involved"] == "A senior councillor"
    state = case_state(anonymous_report.case.id)
    assert state.version == Case.objects.get(pk=anonymous_report.case.pk).version


def test_people_not_assigned_cannot_reach_the_case(
    anonymous_report: Submission, cast: Cast, outsider: User
) -> None:
    with pytest.raises(NotFound):
        case_services.case_read(
            actor=outsider, case=anonymous_report.case, private_key=key_of(outsider)
        )
    with pytest.raises(NotFound):
        case_services.case_acknowledge(actor=cast.investigator, case=anonymous_report.case)
    with pytest.raises(NotPermitted):
        case_services.case_acknowledge(actor=cast.advocate, case=anonymous_report.case)


def test_stale_version_is_refused(anonymous_report: Submission, cast: Cast) -> None:
    stale = Case.objects.get(pk=anonymous_report.case.pk)
    case_services.case_acknowledge(actor=cast.case_manager, case=anonymous_report.case)
    with pytest.raises(ConcurrentChange):
        case_services.case_close(
            actor=cast.case_manager, case=stale, private_key=key_of(cast.case_manager), reason="x"
        )


def test_a_state_folded_before_another_append_is_refused_and_writes_nothing(
    anonymous_report: Submission, cast: Cast
) -> None:
    """The command appends after the tip it folded, without reading it again: an append
    that came in between makes the stream's (stream, version) pair collide, so the command
    is refused as a concurrent change instead of forking the hash chain."""
    case = Case.objects.get(pk=anonymous_report.case.pk)
    folded = case_state(case.id)
    note = case_services.case_acknowledge(actor=cast.case_manager, case=case)
    with pytest.raises(ConcurrentChange):
        case_record(
            handler_participant(cast.case_manager, note, None),
            events.ACKNOWLEDGED,
            expected_version=folded.version,
            state=folded,
        )
    assert case_state(case.id).version == folded.version + 1
    assert verify_ledger().ok


def test_complainant_adds_information_and_withdraws(anonymous_report: Submission) -> None:
    report_add_information(access=anonymous_report.access, text="He did it again today.")
    case = report_withdraw(access=anonymous_report.access, reason="")
    assert case.stage == Stage.WITHDRAWN
    texts = [e.text for e in complainant_case_view(anonymous_report.access).timeline]
    assert texts[-2:] == ["You added information", "You withdrew your complaint"]


def test_identified_complainant_has_an_account(identified_report: Submission) -> None:
    assert identified_report.receipt is None
    assert identified_report.sign_in_name and identified_report.sign_in_name.startswith("c-")
    view = complainant_case_view(identified_report.access)
    assert view.account["your_name"] == "Alex Example"


def test_read_models_equal_a_rebuild_from_events(anonymous_report: Submission, cast: Cast) -> None:
    case_services.case_acknowledge(actor=cast.case_manager, case=anonymous_report.case)
    stored = Case.objects.get(pk=anonymous_report.case.pk)
    stored_assignments = set(
        Assignment.objects.filter(case=stored).values_list("person__pseudonym", "role")
    )
    Assignment.objects.filter(case=stored).delete()
    Case.objects.filter(pk=stored.pk).update(stage="received", version=0)
    rebuilt = case_refresh(stored.pk)
    assert (rebuilt.stage, rebuilt.version, rebuilt.deadline_at) == (
        stored.stage,
        stored.version,
        stored.deadline_at,
    )
    assert (
        set(Assignment.objects.filter(case=rebuilt).values_list("person__pseudonym", "role"))
        == stored_assignments
    )


def test_proof_of_receipt_verifies(anonymous_report: Submission) -> None:
    proof = proof_of_receipt(anonymous_report.access)
    checkpoint = proof["checkpoint"]
    assert checkpoint_signature_valid(checkpoint)
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["event"]["leaf_hash"]),
        proof["event"]["index"],
        checkpoint["size"],
        [bytes.fromhex(h) for h in proof["inclusion_proof"]],
        bytes.fromhex(checkpoint["root"]),
    )


def test_ledger_verifies_after_a_case(anonymous_report: Submission, cast: Cast) -> None:
    case_services.case_acknowledge(actor=cast.case_manager, case=anonymous_report.case)
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.events > 5 and report.checkpoints == 1
