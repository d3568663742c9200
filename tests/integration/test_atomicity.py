"""A failure in the middle of a command leaves nothing half-written."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.models import Case, CaseKey
from ombuds.intake import services as intake_services
from ombuds.intake.models import ReceiptCredential
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger.models import Checkpoint, Event, LedgerHead
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import Organisation, User
from ombuds.people.services import person_unlock_key
from tests.conftest import PASSWORD, Cast, an_account


class Crash(Exception):
    pass


def _snapshot() -> tuple[int, ...]:
    head = LedgerHead.objects.filter(pk=1).first()
    return (
        Event.objects.count(),
        Case.objects.count(),
        CaseKey.objects.count(),
        ReceiptCredential.objects.count(),
        Checkpoint.objects.count(),
        User.objects.count(),
        head.size if head else 0,
    )


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_crash_during_submission_leaves_no_case(
    cast: Cast, organisation: Organisation, monkeypatch: pytest.MonkeyPatch, anonymous: bool
) -> None:
    before = _snapshot()

    def crash(**kwargs: object) -> None:
        raise Crash

    # The crash comes after the case, its keys, credential and checkpoint were written.
    monkeypatch.setattr(intake_services, "allocate_handler", crash)
    with pytest.raises(Crash):
        report_submit(
            organisation_slug=organisation.slug,
            account=an_account(your_name="" if anonymous else "Sam"),
            anonymous=anonymous,
            password=None if anonymous else PASSWORD,
        )
    assert _snapshot() == before
    assert verify_ledger().ok


def test_a_crash_during_a_staff_command_changes_nothing(
    anonymous_report: Submission, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ombuds.cases import commands

    before = _snapshot()
    stage = Case.objects.get(pk=anonymous_report.case.pk).stage

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    monkeypatch.setattr(commands, "store_read_models", crash)
    with pytest.raises(Crash):
        case_services.case_close(
            actor=cast.case_manager,
            case=anonymous_report.case,
            private_key=person_unlock_key(person=cast.case_manager, password=PASSWORD),
            reason="Closing.",
        )
    assert _snapshot() == before
    assert Case.objects.get(pk=anonymous_report.case.pk).stage == stage
    assert verify_ledger().ok
