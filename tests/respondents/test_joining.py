"""The respondent joins with her own password and holds only the respondent key."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.keys import open_event
from ombuds.cases.models import Assignment, Case
from ombuds.cases.participants import Participant, handler_participant, respondent_participant
from ombuds.cases.read_models import case_events
from ombuds.intake.services import Submission
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.respondents.services import respondent_invite, respondent_join
from tests.conftest import PASSWORD, Cast


def under_investigation(report: Submission, cast: Cast) -> Case:
    cm = cast.case_manager
    key = person_unlock_key(person=cm, password=PASSWORD)
    case = case_services.case_acknowledge(actor=cm, case=report.case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=key, role=Role.INVESTIGATOR)
    case = Case.objects.get(pk=case.pk)
    return case_record(handler_participant(cm, case, key), events.INVESTIGATION_OPENED)


def investigator_of(case: Case, cast: Cast) -> Participant:
    key = person_unlock_key(person=cast.investigator, password=PASSWORD)
    return handler_participant(cast.investigator, case, key)


def test_invite_join_and_hold_only_the_respondent_key(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = under_investigation(anonymous_report, cast)
    invitation = respondent_invite(participant=investigator_of(case, cast))
    assert len(invitation.code.split()) == 7
    joined = respondent_join(code=invitation.code, password="her own secret 42")
    assert joined.person.role == Role.RESPONDENT and joined.person.username.startswith("r-")
    assert Assignment.objects.filter(case=case, person=joined.person, role="respondent").exists()
    respondent = respondent_participant(joined.person, joined.private_key)
    assert set(respondent.keys()) == {Key.RESPONDENT}
    with pytest.raises(NotFound):
        respondent.case_key(Key.CASE)
    submitted = case_events(case.id)[0]
    assert open_event(submitted, respondent.keys()) is None  # her key opens nothing of it
    # The password she chose now unlocks her key; the code no longer works.
    assert person_unlock_key(person=joined.person, password="her own secret 42") == (
        joined.private_key
    )
    with pytest.raises(InvalidInput):
        respondent_join(code=invitation.code, password="another secret 42")


def test_handlers_hold_the_respondent_key_but_the_advocate_does_not(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = under_investigation(anonymous_report, cast)
    respondent_invite(participant=investigator_of(case, cast))
    cm_key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
    assert set(handler_participant(cast.case_manager, case, cm_key).keys()) == {
        Key.CASE,
        Key.RESPONDENT,
        Key.HANDLERS,
    }
    # The advocate supports the complainant: the respondent's channel is closed to her.
    advocate_key = person_unlock_key(person=cast.advocate, password=PASSWORD)
    assert set(handler_participant(cast.advocate, case, advocate_key).keys()) == {
        Key.CASE,
        Key.HANDLERS,
    }


def test_only_inviters_invite_and_only_during_investigation(
    anonymous_report: Submission, cast: Cast
) -> None:
    cm_key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
    with pytest.raises(InvalidInput):
        respondent_invite(
            participant=handler_participant(cast.case_manager, anonymous_report.case, cm_key)
        )
    case = under_investigation(anonymous_report, cast)
    advocate_key = person_unlock_key(person=cast.advocate, password=PASSWORD)
    with pytest.raises(NotPermitted):
        respondent_invite(participant=handler_participant(cast.advocate, case, advocate_key))


def test_a_wrong_code_gets_one_generic_refusal(anonymous_report: Submission, cast: Cast) -> None:
    case = under_investigation(anonymous_report, cast)
    respondent_invite(participant=investigator_of(case, cast))
    for code in ("not seven words", "apple " * 7):
        with pytest.raises(InvalidInput, match="not right"):
            respondent_join(code=code, password="her own secret 42")
