"""Check-ins after closure through the services: closure schedules them, leaving cancels
those not yet due, the advocate records one, the complainant answers nothing or
something, and something opens a linked case with the same advocate (a signed
assignment) while the ledger still verifies; a missed check-in escalates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine

from ombuds.cases.grants import signed_handlers
from ombuds.cases.keys import person_holder, share_missing_keys
from ombuds.cases.leavers import person_deactivate
from ombuds.cases.models import Case, CaseKey
from ombuds.cases.participants import complainant_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.cases.selectors import linked_cases
from ombuds.checkins.services import checkin_answer, checkin_record, checkins_decline
from ombuds.deadlines.delays import delay_explain
from ombuds.deadlines.selectors import escalated
from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.intake.services import Submission, report_submit
from ombuds.intake.status import complainant_case_view, linked_case_access
from ombuds.ledger.services import case_stream, event_content, event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import InvalidInput, NotFound, TransitionRefused
from ombuds.people.models import Organisation, User
from ombuds.record import checkins as rules
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.services import grant_is_signed
from ombuds.record.stages import Stage
from ombuds.timetable.models import Watch
from tests.checkins.conftest import (
    CLOSED_AT,
    FIRST_DUE,
    MONDAY,
    SECOND_DUE,
    THIRD_DUE,
    advocate_of,
    close,
    complainant_of,
)
from tests.conftest import Cast, an_account

pytestmark = pytest.mark.django_db


def types(case: Case) -> list[str]:
    return [e.type for e in case_events(case.id)]


def test_closure_schedules_three_checkins(closed: Submission) -> None:
    case = Case.objects.get(pk=closed.case.pk)
    assert types(case)[-2:] == [events.CLOSED.type, events.CHECKINS_SCHEDULED.type]
    meta = event_metadata(case_events(case.id)[-1])
    assert meta["days"] == [30, 60, 90]
    state = case_state(case.id)
    assert [c.due_at for c in state.checkins] == [FIRST_DUE, SECOND_DUE, THIRD_DUE]
    # The first check-in is the closed case's deadline (the read model says so too).
    assert (case.stage, case.deadline_name, case.deadline_at) == (
        Stage.CLOSED,
        "checkin_first",
        FIRST_DUE,
    )


def test_an_organisations_own_days(cast: Cast, organisation: Organisation) -> None:
    from ombuds.timetable.services import service_levels_set

    service_levels_set(
        actor=cast.administrator, organisation=organisation, values={"checkin_first": 14}
    )
    with time_machine.travel(MONDAY, tick=False):
        report = report_submit(
            organisation_slug=organisation.slug, account=an_account(), anonymous=True
        )
    with time_machine.travel(CLOSED_AT, tick=False):
        close(report.case, cast.case_manager)
    assert event_metadata(case_events(report.case.id)[-1])["days"] == [14, 60, 90]


def test_no_checkins_when_she_left_before_closure(cast: Cast, organisation: Organisation) -> None:
    with time_machine.travel(MONDAY, tick=False):
        report = report_submit(
            organisation_slug=organisation.slug, account=an_account(), anonymous=True
        )
        checkins_decline(participant=complainant_of(report), why="left")
    with time_machine.travel(CLOSED_AT, tick=False):
        case = close(report.case, cast.case_manager)
    assert events.CHECKINS_SCHEDULED.type not in types(case)
    assert case.deadline_at is None


def test_leaving_cancels_the_checkins_not_yet_due(cast: Cast, closed: Submission) -> None:
    with time_machine.travel(FIRST_DUE - timedelta(days=2), tick=False):
        checkin_record(participant=advocate_of(closed.case, cast.advocate))
    with time_machine.travel(SECOND_DUE + timedelta(days=1), tick=False):
        # The second is missed already; she then says she has left.
        checkins_decline(participant=complainant_of(closed), why="left")
        state = case_state(closed.case.id)
        assert [(c.recorded, c.cancelled) for c in state.checkins] == [
            (True, False),
            (False, False),  # already due: still owed, its miss stands
            (False, True),
        ]
        assert Case.objects.get(pk=closed.case.pk).deadline_name == "checkin_second"
        with pytest.raises(TransitionRefused):
            checkins_decline(participant=complainant_of(closed), why="left")
        checkin_record(participant=advocate_of(closed.case, cast.advocate))
    case = Case.objects.get(pk=closed.case.pk)
    assert (case.deadline_name, case.deadline_at) == ("", None)


def test_an_advocate_who_leaves_passes_the_owed_checkins_to_another(
    cast: Cast, closed: Submission, make_person: Callable[..., User]
) -> None:
    successor = make_person(Role.ADVOCATE)
    released = person_deactivate(actor=cast.administrator, person=cast.advocate)
    assert (released.cases, released.reallocated) == (1, 1)
    case = Case.objects.get(pk=closed.case.pk)
    assert case.stage == Stage.CLOSED
    assert case_state(case.id).holders(Role.ADVOCATE) == [successor.pseudonym]
    # The complainant opens her report: the newcomer is sealed the case key, as when she
    # changes her advocate.
    share_missing_keys(case, complainant_of(closed).keys())
    with time_machine.travel(FIRST_DUE - timedelta(days=2), tick=False):
        checkin_record(participant=advocate_of(case, successor))
    assert [c.recorded for c in case_state(case.id).checkins] == [True, False, False]
    assert verify_ledger().ok


def test_the_advocate_records_in_the_window_only(cast: Cast, closed: Submission) -> None:
    advocate = advocate_of(closed.case, cast.advocate)
    too_early = time_machine.travel(FIRST_DUE - timedelta(days=10), tick=False)
    with too_early, pytest.raises(TransitionRefused, match="You can record it from 7 days before"):
        checkin_record(participant=advocate)
    with time_machine.travel(FIRST_DUE - timedelta(days=3), tick=False):
        with pytest.raises(InvalidInput):
            checkin_record(participant=advocate, message="x" * (rules.MAX_MESSAGE + 1))
        checkin_record(participant=advocate, message="Just checking in. How are you?")
    case = Case.objects.get(pk=closed.case.pk)
    assert (case.deadline_name, case.deadline_at) == ("checkin_second", SECOND_DUE)
    # She sees it, with the message sealed with the case key.
    view = complainant_case_view(closed.access)
    assert view.checkin is not None and view.checkin.number == 1
    assert any("How are you?" in entry.detail for entry in view.timeline)
    recorded = case_events(case.id)[-1]
    assert recorded.type == events.CHECKIN_RECORDED.type
    assert b"How are you" not in bytes(recorded.body)
    # Only the advocate records a check-in.
    manager = advocate_of(closed.case, cast.case_manager)
    with time_machine.travel(SECOND_DUE, tick=False), pytest.raises(Exception, match="advocate"):
        checkin_record(participant=manager)


def test_she_answers_nothing_has_happened(cast: Cast, closed: Submission) -> None:
    with time_machine.travel(FIRST_DUE, tick=False):
        checkin_record(participant=advocate_of(closed.case, cast.advocate))
    me = complainant_of(closed)
    with pytest.raises(InvalidInput, match="Tell us what has happened"):
        checkin_answer(participant=me, number=1, something_happened=True, account="  ")
    assert checkin_answer(participant=me, number=1, something_happened=False) is None
    assert complainant_case_view(closed.access).checkin is None
    with pytest.raises(TransitionRefused):
        checkin_answer(participant=me, number=1, something_happened=False)
    assert Case.objects.count() == 1


def test_something_opens_a_linked_case_with_the_same_advocate(
    cast: Cast, closed: Submission, make_person: object
) -> None:
    make_person(Role.ADVOCATE)  # type: ignore[operator]  # the pool has a choice now
    make_person(Role.ADVOCATE)  # type: ignore[operator]
    with time_machine.travel(FIRST_DUE, tick=False):
        checkin_record(participant=advocate_of(closed.case, cast.advocate))
    account = "Since the case closed I have been left off every rota by his friends."
    new = checkin_answer(
        participant=complainant_of(closed), number=1, something_happened=True, account=account
    )
    assert new is not None and new.reference != closed.case.reference
    old = Case.objects.get(pk=closed.case.pk)
    # A registry event on each side, naming the other.
    assert [(c.reference, c.relation) for c in linked_cases(old)] == [
        (new.reference, rules.REPORTED_FROM_HERE)
    ]
    assert [(c.reference, c.relation) for c in linked_cases(new)] == [
        (old.reference, rules.FOLLOWS)
    ]
    # The same advocate, by a signed assignment; a case manager from the pool.
    state = case_state(new.id)
    assert state.holders(Role.ADVOCATE) == [cast.advocate.pseudonym]
    assert state.holders(Role.CASE_MANAGER) == [cast.case_manager.pseudonym]
    assert (cast.advocate.pseudonym, Role.ADVOCATE.value) in signed_handlers(new.id)
    assigned = [event_metadata(e) for e in case_events(new.id) if e.type == events.ASSIGNED.type]
    kept = next(m for m in assigned if m["role"] == Role.ADVOCATE)
    assert kept["seed"] == f"continues:{old.reference}"
    assert grant_is_signed(case_stream(new.id), events.ASSIGNED.type, kept)
    assert CaseKey.objects.filter(case=new, holder=person_holder(cast.advocate)).count() == 2
    # Her account is the new case's report, readable by the advocate with her own key.
    advocate = advocate_of(new, cast.advocate)
    report = event_content(case_events(new.id)[0], advocate.case_key())
    assert report["what_happened"] == account
    # She reaches it with the same receipt: no new secret.
    moved = linked_case_access(closed.access, new.reference)
    assert complainant_participant(moved).case.pk == new.pk
    view = complainant_case_view(moved)
    assert view.account["what_happened"] == account
    assert [c.reference for c in view.linked] == [old.reference]
    with pytest.raises(NotFound):
        linked_case_access(closed.access, "OMB-0000-0000")
    assert verify_ledger().ok


def test_something_for_an_identified_complainant(cast: Cast, identified_report: Submission) -> None:
    with time_machine.travel(CLOSED_AT, tick=False):
        close(identified_report.case, cast.case_manager)
    with time_machine.travel(FIRST_DUE, tick=False):
        checkin_record(participant=advocate_of(identified_report.case, cast.advocate))
    new = checkin_answer(
        participant=complainant_participant(identified_report.access),
        number=1,
        something_happened=True,
        account="I was moved to another office.",
    )
    assert new is not None
    moved = linked_case_access(identified_report.access, new.reference)
    assert complainant_case_view(moved).account["your_name"] == "Alex Example"
    assert verify_ledger().ok


def test_a_missed_checkin_escalates_through_the_sweep(
    cast: Cast, closed: Submission, make_person: object
) -> None:
    make_person(Role.OVERSIGHT_OFFICER)  # type: ignore[operator]
    after = FIRST_DUE + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        result = deadlines_sweep(after)
        assert result.escalated == 1 and deadlines_sweep(after).escalated == 0
        missed = case_events(closed.case.id)[-1]
        assert missed.type == events.DEADLINE_MISSED.type
        meta = event_metadata(missed)
        assert (meta["deadline"], meta["responsible"]) == (
            "checkin_first",
            [cast.advocate.pseudonym],
        )
        # On the oversight officer's list, with the advocate responsible.
        rows = list(escalated())
        assert [(w.case_id, w.deadline_name) for w in rows] == [(closed.case.id, "checkin_first")]
        # The reason before anything else: no check-in until she explains.
        advocate = advocate_of(closed.case, cast.advocate)
        with pytest.raises(TransitionRefused, match="Record the reason and a new date"):
            checkin_record(participant=advocate)
        delay_explain(participant=advocate, reason="handler_absence", new_date=date(2026, 12, 30))
        checkin_record(participant=advocate)
    # Recorded: no more escalation of the first; the second is the deadline now.
    later = SECOND_DUE - timedelta(days=5)
    with time_machine.travel(later, tick=False):
        assert deadlines_sweep(later).escalated == 0
    assert Watch.objects.filter(case=closed.case, deadline_name="checkin_first").count() == 1
    assert verify_ledger().ok
