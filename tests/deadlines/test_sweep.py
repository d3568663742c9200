"""The sweep with a controlled clock: a reminder before a deadline, an escalation after
it, the reason-before-anything-else rule, extensions, idempotence, a sweep that dies
half-way, and two sweeps at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from ombuds.cases import services as case_services
from ombuds.cases.leavers import person_deactivate
from ombuds.cases.models import Case
from ombuds.cases.participants import handler_participant
from ombuds.cases.read_models import case_events
from ombuds.deadlines.delays import delay_explain, extension_decide, handler_reallocate
from ombuds.deadlines.sweep import LEASE, _claim, _to_escalate, deadlines_sweep
from ombuds.ledger.services import event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.notifications.messages import ESCALATION, MISSED, REMINDER
from ombuds.notifications.models import Outbox
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.timetable.models import Watch
from ombuds.timetable.rules import Escalation, blocking_escalation, refusal_for
from tests.conftest import PASSWORD, Cast
from tests.deadlines.conftest import THURSDAY

TUESDAY = datetime(2026, 11, 24, 9, tzinfo=UTC)


def types(case: Case) -> list[str]:
    return [e.type for e in case_events(case.id)]


def test_the_rule_is_pure() -> None:
    due = datetime(2026, 11, 25, 23, 59, tzinfo=UTC)
    row = Escalation("acknowledge", due, frozenset({"p1"}), blocked=True)
    assert blocking_escalation([row], due + timedelta(hours=1)) == row
    assert blocking_escalation([row], due - timedelta(hours=1)) is None
    later = due + timedelta(hours=1)
    assert refusal_for([row], later, pseudonym="p2", event_type=events.ACKNOWLEDGED.type) is None
    refusal = refusal_for([row], later, pseudonym="p1", event_type=events.ACKNOWLEDGED.type)
    assert refusal and "Record the reason and a new date" in refusal
    assert (
        refusal_for([row], later, pseudonym="p1", event_type=registry.DELAY_EXPLAINED.type) is None
    )


@pytest.mark.django_db
def test_remind_then_escalate_then_explain(cast: Cast, late_case: Case, officer: User) -> None:
    with time_machine.travel(TUESDAY, tick=False):
        first = deadlines_sweep(TUESDAY)
        assert (first.watched, first.reminded, first.escalated) == (1, 1, 0)
        assert deadlines_sweep(TUESDAY) == type(first)(0, 0, 0)  # idempotent
    assert list(Outbox.objects.values_list("kind", flat=True)) == [REMINDER]

    with time_machine.travel(THURSDAY, tick=False):
        missed = deadlines_sweep(THURSDAY)
        assert missed.escalated == 1 and deadlines_sweep(THURSDAY).escalated == 0
        assert types(late_case).count(registry.DEADLINE_MISSED.type) == 1
        kinds = sorted(Outbox.objects.values_list("kind", flat=True))
        assert kinds == sorted([REMINDER, MISSED, ESCALATION])

        # Nothing else until she says why and when.
        with pytest.raises(TransitionRefused, match="Record the reason and a new date"):
            case_services.case_acknowledge(actor=cast.case_manager, case=late_case)
        key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
        me = handler_participant(cast.case_manager, Case.objects.get(pk=late_case.pk), key)
        before = len(case_events(late_case.id))
        for bad, message in (
            (date(2026, 11, 25), "in the future"),
            (date(2026, 11, 28), "not a working day"),  # a Saturday
            (date(2026, 11, 27), None),
        ):
            if message is None:
                with pytest.raises(InvalidInput, match="Choose the reason"):
                    delay_explain(participant=me, reason="", new_date=bad)
                continue
            with pytest.raises(InvalidInput, match=message):
                delay_explain(participant=me, reason="workload", new_date=bad)
        assert len(case_events(late_case.id)) == before  # refused: nothing written
        # Another handler on the case has nothing to explain.
        advocate_key = person_unlock_key(person=cast.advocate, password=PASSWORD)
        advocate = handler_participant(cast.advocate, late_case, advocate_key)
        with pytest.raises(NotPermitted):
            delay_explain(participant=advocate, reason="workload", new_date=date(2026, 11, 27))

        watch = delay_explain(
            participant=me, reason="workload", new_date=date(2026, 11, 30), note="Two cases ahead."
        )
        assert not watch.blocked and not watch.awaiting_approval
        assert watch.effective_due_at.date() == date(2026, 11, 30)
        assert deadlines_sweep(THURSDAY).escalated == 0

    # Missed again: escalated again, blocked again.
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        again = deadlines_sweep(datetime.now(UTC))
        assert again.escalated == 1
        assert Watch.objects.get().misses == 2 and Watch.objects.get().blocked
        with pytest.raises(TransitionRefused):
            case_services.case_acknowledge(actor=cast.case_manager, case=late_case)
        # An extension beyond the service level (2 working days) waits for the officer.
        me = handler_participant(cast.case_manager, Case.objects.get(pk=late_case.pk), key)
        watch = delay_explain(participant=me, reason="complexity", new_date=date(2026, 12, 14))
        assert watch.awaiting_approval and watch.effective_due_at.date() == date(2026, 12, 3)
        with pytest.raises(NotPermitted):
            extension_decide(actor=cast.case_manager, case=late_case, approve=True)
        watch = extension_decide(actor=officer, case=late_case, approve=True)
        assert watch.effective_due_at.date() == date(2026, 12, 14)
        assert registry.EXTENSION_APPROVED.type in types(late_case)
        # Explained: she may act again.
        fresh = Case.objects.get(pk=late_case.pk)
        case_services.case_acknowledge(actor=cast.case_manager, case=fresh)
    assert verify_ledger().ok


@pytest.mark.django_db
def test_a_sweep_that_dies_half_way_is_finished_by_the_next(late_case: Case) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY - timedelta(days=5))  # watched only: nothing due yet
        claimed = _claim("dead-sweep", THURSDAY, _to_escalate(THURSDAY))
        assert len(claimed) == 1  # ...and the process dies here
        assert deadlines_sweep(THURSDAY, worker="b").escalated == 0  # its claim stands
        assert registry.DEADLINE_MISSED.type not in types(late_case)
    later = THURSDAY + LEASE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert deadlines_sweep(later, worker="c").escalated == 1
        assert deadlines_sweep(later, worker="d").escalated == 0
    assert types(late_case).count(registry.DEADLINE_MISSED.type) == 1


@pytest.mark.django_db
def test_two_sweeps_at_once_escalate_once(late_case: Case) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY - timedelta(days=5))
        a = _claim("a", THURSDAY, _to_escalate(THURSDAY))
        b = _claim("b", THURSDAY, _to_escalate(THURSDAY))
        assert (len(a), len(b)) == (1, 0)


@pytest.mark.django_db
def test_the_officer_reallocates_a_handler_who_keeps_missing(
    cast: Cast, late_case: Case, officer: User, make_person: object
) -> None:
    other = make_person(Role.CASE_MANAGER)  # type: ignore[operator]
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        with pytest.raises(NotPermitted):
            handler_reallocate(
                actor=cast.case_manager,
                case=late_case,
                role=Role.CASE_MANAGER,
                why="repeated_misses",
            )
        chosen = handler_reallocate(
            actor=officer, case=late_case, role=Role.CASE_MANAGER, why="repeated_misses"
        )
    assert chosen == other
    holders = set(
        late_case.assignments.filter(role=Role.CASE_MANAGER).values_list("person", flat=True)
    )
    assert holders == {other.pk}
    assert Watch.objects.get().responsible == other.pseudonym


@pytest.mark.django_db
def test_a_blocked_case_manager_allocates_no_one_before_explaining(
    cast: Cast, late_case: Case
) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
        case = Case.objects.get(pk=late_case.pk)
        before = case_events(case.id)
        with pytest.raises(TransitionRefused, match="Record the reason"):
            case_services.case_allocate(
                actor=cast.case_manager, case=case, private_key=key, role=Role.INVESTIGATOR
            )
    assert case_events(case.id) == before


@pytest.mark.django_db
def test_a_leavers_missed_deadline_passes_to_her_successor(
    cast: Cast, late_case: Case, make_person: object
) -> None:
    successor = make_person(Role.CASE_MANAGER)  # type: ignore[operator]
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        person_deactivate(actor=cast.administrator, person=cast.case_manager)
        case = Case.objects.get(pk=late_case.pk)
        assert case.assignments.filter(role=Role.CASE_MANAGER, person=successor).exists()
        assert Watch.objects.get(case=case).responsible == successor.pseudonym
        key = person_unlock_key(person=successor, password=PASSWORD)
        delay_explain(
            participant=handler_participant(successor, case, key),
            reason="handler_absence",
            new_date=date(2026, 11, 27),
        )
    assert not Watch.objects.get(case=case).blocked


@pytest.mark.django_db
def test_the_officer_cannot_replace_a_handler_who_missed_nothing(
    cast: Cast, late_case: Case, officer: User, make_person: object
) -> None:
    make_person(Role.ADVOCATE)  # type: ignore[operator]
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)  # only the case manager's deadline (acknowledge) is missed
        before = case_events(late_case.id)
        with pytest.raises(InvalidInput, match="missed a deadline"):
            handler_reallocate(
                actor=officer, case=late_case, role=Role.ADVOCATE, why="repeated_misses"
            )
    assert case_events(late_case.id) == before
    advocates = late_case.assignments.filter(role=Role.ADVOCATE).values_list("person", flat=True)
    assert set(advocates) == {cast.advocate.pk}


@pytest.mark.django_db
def test_the_reason_the_officer_chooses_is_recorded_on_the_case_as_a_code(
    late_case: Case, officer: User, make_person: object
) -> None:
    make_person(Role.CASE_MANAGER)  # type: ignore[operator]
    why = "no_explanation"
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        handler_reallocate(actor=officer, case=late_case, role=Role.CASE_MANAGER, why=why)
    taken_off = [e for e in case_events(late_case.id) if e.type == events.UNASSIGNED.type]
    assert [event_metadata(e)["why"] for e in taken_off] == [f"oversight: {why}"]
    with pytest.raises(InvalidInput, match="Choose why"):  # never words she typed
        handler_reallocate(actor=officer, case=late_case, role=Role.CASE_MANAGER, why="Typed words")
