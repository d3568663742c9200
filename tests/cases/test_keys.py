"""Who holds which of a case's three keys, and what each opens."""

from __future__ import annotations

from collections.abc import Callable

from ombuds.cases import services as case_services
from ombuds.cases.independence import advocate_change_request, case_record_parties
from ombuds.cases.keys import open_event
from ombuds.cases.models import Assignment, Case
from ombuds.cases.participants import complainant_participant, handler_participant
from ombuds.cases.read_models import case_events
from ombuds.cases.routing import risk_record
from ombuds.intake.services import Submission
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from tests.conftest import PASSWORD, Cast


def key(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def test_the_complainant_holds_only_the_case_key_and_opens_none_of_the_scheme_working(
    anonymous_report: Submission, cast: Cast
) -> None:
    cm = cast.case_manager
    case = case_services.case_acknowledge(actor=cm, case=anonymous_report.case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key(cm), scope="in_scope", risk="high",
        notes="SECRET-ASSESSMENT",
    )  # fmt: skip
    risk_record(participant=handler_participant(cm, case, key(cm)), details="SECRET-RISK")
    case_record_parties(
        participant=handler_participant(cm, Case.objects.get(pk=case.pk), key(cm)),
        parties={"respondent_name": "SECRET-NAME"},
    )
    her = complainant_participant(anonymous_report.access)
    assert set(her.keys()) == {Key.CASE}
    manager = handler_participant(cm, Case.objects.get(pk=case.pk), key(cm))
    working = {events.ASSESSED.type, events.RISK_RECORDED.type, events.PARTIES_RECORDED.type}
    for event in case_events(case.id):
        if event.type in working:
            assert open_event(event, her.keys()) is None, event.type
            assert open_event(event, manager.keys()), event.type
    # What she wrote stays hers to read.
    assert open_event(case_events(case.id)[0], her.keys())


def test_an_advocate_she_chose_gets_the_working_key_when_a_colleague_opens_the_case(
    anonymous_report: Submission, cast: Cast, make_person: Callable[..., User]
) -> None:
    make_person(Role.ADVOCATE, "her-choice")
    new = advocate_change_request(complainant=complainant_participant(anonymous_report.access))
    assert new is not None
    case = Case.objects.get(pk=anonymous_report.case.pk)
    assert set(handler_participant(new, case, key(new)).keys()) == {Key.CASE}
    case_services.case_read(actor=cast.case_manager, case=case, private_key=key(cast.case_manager))
    assert set(handler_participant(new, case, key(new)).keys()) == {Key.CASE, Key.HANDLERS}
    assert Assignment.objects.get(case=case, role=Role.ADVOCATE).person == new
