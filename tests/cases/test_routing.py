"""Routing: informal resolution with her agreement, investigation, referral with consent or
two safeguarding overrides, withdrawal that becomes a request when others are at risk."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant, handler_participant
from ombuds.cases.routing import (
    complainant_agree_informal,
    complainant_consent_referral,
    complainant_withdraw,
    complainant_withdraw_referral_consent,
    refer,
    risk_record,
    route,
    safeguarding_override_record,
    withdrawal_decide,
)
from ombuds.intake.services import Submission
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.conftest import PASSWORD, Cast


def on(person: User, case: Case) -> Participant:
    fresh = Case.objects.get(pk=case.pk)
    return handler_participant(person, fresh, person_unlock_key(person=person, password=PASSWORD))


@pytest.fixture
def assessed(anonymous_report: Submission, cast: Cast) -> Case:
    cm = cast.case_manager
    key = person_unlock_key(person=cm, password=PASSWORD)
    case = case_services.case_acknowledge(actor=cm, case=anonymous_report.case)
    return case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="high", notes=""
    )


def her(report: Submission) -> Participant:
    return complainant_participant(report.access)


def test_informal_resolution_needs_her_agreement(
    assessed: Case, cast: Cast, anonymous_report: Submission
) -> None:
    with pytest.raises(TransitionRefused, match="agreement"):
        route(participant=on(cast.case_manager, assessed), to="informal")
    complainant_agree_informal(complainant=her(anonymous_report))
    case = route(participant=on(cast.case_manager, assessed), to="informal")
    assert case.stage == Stage.INFORMAL_RESOLUTION
    with pytest.raises(TransitionRefused, match="investigator"):
        route(participant=on(cast.case_manager, case), to="escalate", reason="It did not work.")


def test_investigation_needs_an_investigator(assessed: Case, cast: Cast) -> None:
    with pytest.raises(TransitionRefused, match="investigator"):
        route(participant=on(cast.case_manager, assessed), to="investigation")
    case_services.case_allocate(
        actor=cast.case_manager,
        case=Case.objects.get(pk=assessed.pk),
        private_key=person_unlock_key(person=cast.case_manager, password=PASSWORD),
        role=Role.INVESTIGATOR,
    )
    case = route(participant=on(cast.case_manager, assessed), to="investigation")
    assert case.stage == Stage.INVESTIGATION


def test_referral_with_consent(assessed: Case, cast: Cast, anonymous_report: Submission) -> None:
    with pytest.raises(TransitionRefused, match="consent"):
        refer(participant=on(cast.case_manager, assessed), reason="Criminal assault.")
    complainant_consent_referral(complainant=her(anonymous_report))
    with pytest.raises(TransitionRefused, match="reason"):
        refer(participant=on(cast.case_manager, assessed), reason=" ")
    case = refer(participant=on(cast.case_manager, assessed), reason="Criminal assault.")
    assert case.stage == Stage.REFERRED


def test_she_may_take_her_consent_back_until_the_case_is_referred(
    assessed: Case, cast: Cast, anonymous_report: Submission
) -> None:
    with pytest.raises(InvalidInput, match="not consented"):
        complainant_withdraw_referral_consent(complainant=her(anonymous_report))
    complainant_consent_referral(complainant=her(anonymous_report))
    complainant_withdraw_referral_consent(complainant=her(anonymous_report))
    with pytest.raises(TransitionRefused, match="consent"):
        refer(participant=on(cast.case_manager, assessed), reason="Criminal assault.")
    complainant_consent_referral(complainant=her(anonymous_report))  # and give it again
    case = refer(participant=on(cast.case_manager, assessed), reason="Criminal assault.")
    assert case.stage == Stage.REFERRED


def test_referral_without_consent_needs_risk_and_two_different_people(
    assessed: Case, cast: Cast
) -> None:
    with pytest.raises(TransitionRefused, match="risk"):
        safeguarding_override_record(participant=on(cast.case_manager, assessed), reason="Risk.")
    risk_record(participant=on(cast.case_manager, assessed), details="He has access to minors.")
    safeguarding_override_record(participant=on(cast.case_manager, assessed), reason="Risk.")
    with pytest.raises(InvalidInput, match="second person"):
        safeguarding_override_record(participant=on(cast.case_manager, assessed), reason="Again.")
    with pytest.raises(TransitionRefused):
        refer(participant=on(cast.case_manager, assessed), reason="Safeguarding.")
    safeguarding_override_record(participant=on(cast.advocate, assessed), reason="I agree.")
    case = refer(participant=on(cast.case_manager, assessed), reason="Safeguarding.")
    assert case.stage == Stage.REFERRED


def test_withdrawal_is_immediate_without_a_recorded_risk(
    assessed: Case, anonymous_report: Submission
) -> None:
    case = complainant_withdraw(complainant=her(anonymous_report))
    assert case.stage == Stage.WITHDRAWN


def test_with_a_risk_withdrawal_is_a_request_the_case_manager_decides(
    assessed: Case, cast: Cast, anonymous_report: Submission
) -> None:
    risk_record(participant=on(cast.case_manager, assessed), details="Others at risk.")
    case = complainant_withdraw(complainant=her(anonymous_report), reason="I can't go on.")
    assert case.stage == Stage.ASSESSED
    with pytest.raises(InvalidInput):
        complainant_withdraw(complainant=her(anonymous_report))
    with pytest.raises(InvalidInput):
        withdrawal_decide(participant=on(cast.case_manager, case), accept=False, reason="")
    case = withdrawal_decide(
        participant=on(cast.case_manager, case), accept=False, reason="Others remain at risk."
    )
    assert case.stage == Stage.ASSESSED
    # Her request was decided; she may ask again, and this time it is accepted.
    complainant_withdraw(complainant=her(anonymous_report))
    case = withdrawal_decide(participant=on(cast.case_manager, case), accept=True)
    assert case.stage == Stage.WITHDRAWN


def test_wrong_roles_are_refused(assessed: Case, cast: Cast, anonymous_report: Submission) -> None:
    with pytest.raises(NotPermitted):
        risk_record(participant=on(cast.advocate, assessed), details="x")
    with pytest.raises(NotPermitted):
        route(participant=on(cast.advocate, assessed), to="investigation")
    with pytest.raises(NotPermitted):
        complainant_agree_informal(complainant=on(cast.case_manager, assessed))
    with pytest.raises(NotPermitted):
        withdrawal_decide(participant=her(anonymous_report), accept=True)
