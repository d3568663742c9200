"""The sweep in batches: several missed deadlines escalated together give the same
record, read models and notifications as one at a time, and a sweep that dies between
two batches (or inside one) leaves the committed batches standing, nothing of the
failed one, and the rest to the next sweep once its claims' lease has run out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from ombuds.cases import read_models
from ombuds.cases.models import Assignment, Case, CaseCourse
from ombuds.cases.read_models import case_events, case_refresh
from ombuds.deadlines import sweep
from ombuds.deadlines.sweep import LEASE, deadlines_sweep
from ombuds.intake.services import report_submit
from ombuds.ledger.models import LedgerHead
from ombuds.ledger.verify import verify_ledger
from ombuds.notifications.messages import ESCALATION, MISSED
from ombuds.notifications.models import Outbox
from ombuds.people.models import Organisation, User
from ombuds.record import events as registry
from ombuds.timetable.models import Watch
from tests.conftest import Cast, an_account
from tests.deadlines.conftest import MONDAY, THURSDAY

CASES = 5


@pytest.fixture
def late_cases(cast: Cast, organisation: Organisation, officer: User) -> list[Case]:
    from ombuds.notifications.services import contact_address_set

    contact_address_set(actor=cast.case_manager, email="cm@example.org")
    with time_machine.travel(MONDAY, tick=False):
        return [
            report_submit(
                organisation_slug=organisation.slug, account=an_account(), anonymous=True
            ).case
            for _ in range(CASES)
        ]


def missed(case: Case) -> int:
    return [e.type for e in case_events(case.id)].count(registry.DEADLINE_MISSED.type)


def read_model(case: Case) -> tuple[object, ...]:
    stored = Case.objects.get(pk=case.pk)
    course = CaseCourse.objects.get(case_id=case.pk)
    people = sorted(Assignment.objects.filter(case=case).values_list("person_id", "role"))
    return (stored.stage, stored.version, stored.deadline_at, course.deadline_missed, people)


@pytest.mark.django_db
def test_a_batch_writes_what_one_at_a_time_would(
    late_cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep, "BATCH", 2)  # three batches: 2, 2, 1
    with time_machine.travel(THURSDAY, tick=False):
        assert deadlines_sweep(THURSDAY).escalated == CASES
        assert deadlines_sweep(THURSDAY).escalated == 0  # idempotent
    assert [missed(case) for case in late_cases] == [1] * CASES
    batched = [read_model(case) for case in late_cases]
    assert [(version, missed_) for _, version, _, missed_, _ in batched] == [
        (len(case_events(case.id)), True) for case in late_cases
    ]
    for case in late_cases:  # the per-case refold agrees with the batched one
        case_refresh(case.id)
    assert [read_model(case) for case in late_cases] == batched
    assert Watch.objects.filter(blocked=True, misses=1).count() == CASES
    # The case manager and the officer are each told once, however many were missed.
    assert sorted(Outbox.objects.values_list("kind", flat=True)) == [ESCALATION, MISSED]
    report = verify_ledger()
    assert report.ok, report.problems


@pytest.mark.django_db
def test_a_sweep_killed_between_batches_is_finished_by_the_next(
    late_cases: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep, "BATCH", 2)
    calls = {"n": 0}
    refresh = read_models.cases_refresh

    def dies_in_the_second_batch(case_ids: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # after the second batch's events and watch rows are written
            raise SystemExit("the sweep's process is killed")
        refresh(case_ids)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep, "cases_refresh", dies_in_the_second_batch)
    size_before = None
    with time_machine.travel(THURSDAY, tick=False):
        with pytest.raises(SystemExit):
            deadlines_sweep(THURSDAY, worker="dies")
        size_before = LedgerHead.objects.get().size
        # The first batch stands, whole; nothing of the second was kept.
        assert sorted(missed(case) for case in late_cases) == [0, 0, 0, 1, 1]
        assert Watch.objects.filter(escalated_at__isnull=False).count() == 2
        assert Outbox.objects.filter(kind=MISSED).count() == 1
        monkeypatch.setattr(sweep, "cases_refresh", refresh)
        # The claims of the dead sweep stand until their lease runs out.
        assert deadlines_sweep(THURSDAY, worker="b").escalated == 0
    later = THURSDAY + LEASE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert deadlines_sweep(later, worker="c").escalated == CASES - 2
        assert deadlines_sweep(later, worker="d").escalated == 0
    assert [missed(case) for case in late_cases] == [1] * CASES
    assert LedgerHead.objects.get().size == size_before + CASES - 2
    assert not Watch.objects.exclude(claimed_by="").exists()
    report = verify_ledger()
    assert report.ok, report.problems


@pytest.mark.django_db
def test_a_claim_lost_to_a_later_sweep_is_left_to_it(late_cases: list[Case]) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY - timedelta(days=5))  # watched only
        claimed = sweep._claim("slow", THURSDAY, sweep._to_escalate(THURSDAY))
        assert len(claimed) == CASES
        Watch.objects.filter(pk=claimed[0].pk).update(claimed_by="faster")  # lease lost
        assert sweep._escalate(claimed, "slow", THURSDAY, []) == CASES - 1
    assert sorted(missed(case) for case in late_cases) == [0] + [1] * (CASES - 1)
