"""Vetting checks: every answer class, expiry, refusals that record nothing, the rate
limit, and the person checked (told, her comment, what a check would answer today)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from ombuds import vault
from ombuds.cases.models import Assignment, Case
from ombuds.decisions.panels import panel_allocate
from ombuds.decisions.services import OutcomeChoice
from ombuds.intake.services import report_withdraw
from ombuds.ledger.models import Event
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.notifications.models import Outbox
from ombuds.notifications.services import contact_address_set
from ombuds.people.models import Organisation, User
from ombuds.people.services import organisation_create, person_create, person_unlock_key
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.respondents.services import Joined
from ombuds.vetting import rules
from ombuds.vetting.models import Check, CheckCopy, Comment, Permission
from ombuds.vetting.selectors import checks_about, own_answer_today, own_comment, vetting_list
from ombuds.vetting.services import (
    OtherOrganisation,
    TooManyChecks,
    vetting_comment_share,
    vetting_comment_write,
    vetting_permission_grant,
    vetting_permission_withdraw,
    vetting_policy_set,
    vetting_purposes_share,
)
from tests.conftest import PASSWORD, Cast
from tests.decisions.conftest import (
    ACCEPT_ALL,
    as_handler,
    bring_to_findings,
    decide_case,
)
from tests.vetting.conftest import NAMED, PURPOSE, check, report_naming


def _checks() -> int:
    return Event.objects.filter(type=events_scheme.VETTING_CHECKED.type).count()


def test_no_record(vetter: User, organisation: Organisation, cast: Cast) -> None:
    report_naming(organisation, "Someone Else")
    answer = check(vetter)
    assert answer.kinds == () and answer.check.answer == rules.NO_RECORD
    assert _checks() == 1


def test_a_complaint_not_investigated_is_no_record(
    vetter: User, organisation: Organisation
) -> None:
    report_naming(organisation)
    assert check(vetter, "Grey, Jane").kinds == ()


@pytest.fixture
def investigated(cast: Cast, organisation: Organisation) -> tuple[Case, Joined]:
    report = report_naming(organisation)
    return bring_to_findings(report, cast)


def test_an_open_investigation(vetter: User, investigated: tuple[Case, Joined]) -> None:
    assert check(vetter, "jane grey MP").kinds == (rules.OPEN_INVESTIGATION,)


@pytest.fixture
def decided(
    investigated: tuple[Case, Joined], make_person: Callable[..., User], cast: Cast
) -> Joined:
    case, joined = investigated
    for _ in range(5):
        make_person(Role.PANEL_MEMBER)
    panel = panel_allocate(participant=as_handler(cast.case_manager, case))
    decide_case(case, panel, sanctions=("reprimand",))
    return joined


def test_an_upheld_finding_and_an_active_sanction_then_expiry(
    vetter: User, decided: Joined, cast: Cast
) -> None:
    both = (rules.UPHELD_FINDING, rules.ACTIVE_SANCTION)
    assert check(vetter).kinds == both
    # A reprimand is in force for two years; the finding counts for five.
    with time_machine.travel(timezone.now() + timedelta(days=3 * 365)):
        assert check(vetter).kinds == (rules.UPHELD_FINDING,)
    with time_machine.travel(timezone.now() + timedelta(days=6 * 365)):
        assert check(vetter).kinds == ()


@pytest.mark.parametrize(
    ("outcomes", "kinds"),
    [
        (ACCEPT_ALL, (rules.UPHELD_FINDING,)),  # allegation 1 upheld, no action taken
        (
            [OutcomeChoice(number=1, outcome="not_upheld", reasons="Not proven."),
             OutcomeChoice(number=2, outcome="accept")],
            (),
        ),
    ],
)  # fmt: skip
def test_an_upheld_finding_with_no_action_is_still_a_record(
    vetter: User,
    investigated: tuple[Case, Joined],
    make_person: Callable[..., User],
    cast: Cast,
    outcomes: list[OutcomeChoice],
    kinds: tuple[str, ...],
) -> None:
    case, _ = investigated
    for _ in range(5):
        make_person(Role.PANEL_MEMBER)
    panel = panel_allocate(participant=as_handler(cast.case_manager, case))
    decide_case(case, panel, sanctions=("no_action",), outcomes=outcomes)
    assert check(vetter).kinds == kinds


def test_the_person_checked_is_told_and_her_comment_accompanies_a_record(
    vetter: User, decided: Joined, cast: Cast
) -> None:
    person = decided.person
    contact_address_set(actor=person, email="her@example.org")
    vetting_comment_write(person=person, comment="The reprimand is under appeal to the party.")
    answer = check(vetter)
    assert answer.comments == ["The reprimand is under appeal to the party."]
    assert answer.check.people_told == 1
    [about] = checks_about(person, decided.private_key)
    assert about.purpose == PURPOSE and about.kinds == answer.kinds
    assert Outbox.objects.filter(recipient=person).count() == 1
    assert own_comment(person, decided.private_key).startswith("The reprimand")
    assert own_answer_today(person, timezone.now()) == answer.check.answer
    with pytest.raises(InvalidInput):
        vetting_comment_write(person=person, comment="x" * 1001)


def test_a_comment_is_not_given_with_no_record(vetter: User, cast: Cast) -> None:
    assert check(vetter, "Nobody Named").comments == []


def test_refused_without_permission_across_organisations_without_purpose(
    vetter: User, cast: Cast, organisation: Organisation
) -> None:
    other = organisation_create(actor=None, name="Other Party")
    with pytest.raises(OtherOrganisation):
        check(vetter, organisation=other.slug)
    with pytest.raises(InvalidInput, match="Say why"):
        check(vetter, purpose="   ")
    with pytest.raises(InvalidInput, match="first name alone"):
        check(vetter, "Jane")
    vetting_permission_withdraw(actor=cast.administrator, person=vetter)
    with pytest.raises(NotPermitted):
        check(vetter)
    with pytest.raises(NotPermitted):
        check(cast.case_manager)
    assert _checks() == 0 and not Check.objects.exists()


@override_settings(OMBUDS_VETTING_CHECKS_PER_DAY=3)
def test_the_rate_limit_is_per_liaison(vetter: User, organisation: Organisation) -> None:
    for _ in range(3):
        check(vetter)
    with pytest.raises(TooManyChecks):
        check(vetter)
    assert _checks() == 3
    another = person_create(
        actor=None, username="liaison-two", password=PASSWORD, role=Role.LIAISON,
        organisation=organisation,
    )  # fmt: skip
    admin = User.objects.get(role=Role.ADMINISTRATOR)
    vetting_permission_grant(actor=admin, person=another)
    check(another)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        check(vetter)


def test_the_lists(vetter: User, cast: Cast, officer: User) -> None:
    check(vetter)
    officer_rows = vetting_list(officer, person_unlock_key(person=officer, password=PASSWORD))
    auditor_rows = vetting_list(
        cast.auditor, person_unlock_key(person=cast.auditor, password=PASSWORD)
    )
    assert officer_rows[0].purpose == PURPOSE and officer_rows[0].asked_by == str(vetter)
    assert auditor_rows[0].purpose == PURPOSE and auditor_rows[0].asked_by == ""
    assert vetting_list(cast.case_manager, None) == []
    assert CheckCopy.objects.count() == 3  # liaison, officer, auditor: nobody was checked
    assert NAMED.lower() not in str(list(Event.objects.values_list("metadata", flat=True)))


def test_the_rules_as_a_table() -> None:
    """Each kind of case at each age gives the kinds of record the policy says."""
    now = timezone.now()
    policy = rules.Policy(finding_years=5)

    def kinds(stage: str, sanctions: tuple[str, ...] = (), days_ago: int = 0) -> set[str]:
        decided = now - timedelta(days=days_ago) if sanctions else None
        return rules.record_kinds(
            rules.CaseRecord(stage, sanctions, decided), now=now, policy=policy
        )

    assert kinds("received") == set()
    assert kinds("investigation") == {rules.OPEN_INVESTIGATION}
    assert kinds("findings") == {rules.OPEN_INVESTIGATION}
    assert kinds("closed", ("no_action",)) == set()
    assert kinds("closed", ("training",), 100) == {rules.UPHELD_FINDING, rules.ACTIVE_SANCTION}
    assert kinds("closed", ("training",), 400) == {rules.UPHELD_FINDING}
    assert kinds("closed", ("exclusion",), 10 * 365) == {rules.ACTIVE_SANCTION}
    assert kinds("withdrawn", ("reprimand",), 1) == set()
    # The decision says whether it upheld an allegation, whatever its sanction.
    said = rules.CaseRecord("closed", ("no_action",), now, upheld=True)
    assert rules.record_kinds(said, now=now, policy=policy) == {rules.UPHELD_FINDING}
    cleared = rules.CaseRecord("closed", ("no_action",), now, upheld=False)
    assert rules.record_kinds(cleared, now=now, policy=policy) == set()
    assert rules.answer([], now=now, policy=policy) == rules.NO_RECORD
    assert rules.answer_kinds("upheld_finding active_sanction") == (
        rules.UPHELD_FINDING,
        rules.ACTIVE_SANCTION,
    )
    with pytest.raises(InvalidInput):
        rules.check_purpose("x" * (rules.MAX_PURPOSE + 1))


def test_a_policy_that_does_not_tell_the_person_tells_nobody(
    vetter: User, investigated: tuple[Case, Joined], cast: Cast, organisation: Organisation
) -> None:
    vetting_policy_set(
        actor=cast.administrator, organisation=organisation, finding_years=5, tell_person=False
    )
    answer = check(vetter)
    assert answer.kinds == (rules.OPEN_INVESTIGATION,) and answer.check.people_told == 0
    assert checks_about(investigated[1].person, investigated[1].private_key) == []


def test_a_decided_case_cannot_be_withdrawn_out_of_a_vetting_check(
    vetter: User, cast: Cast, organisation: Organisation, make_person: Callable[..., User]
) -> None:
    report = report_naming(organisation)
    case, _ = bring_to_findings(report, cast)
    for _ in range(5):
        make_person(Role.PANEL_MEMBER)
    panel = panel_allocate(participant=as_handler(cast.case_manager, case))
    decide_case(case, panel, sanctions=("reprimand",))
    assert check(vetter).kinds == (rules.UPHELD_FINDING, rules.ACTIVE_SANCTION)
    with pytest.raises(TransitionRefused):
        report_withdraw(access=report.access, reason="I was told it would harm my career")
    assert check(vetter).kinds == (rules.UPHELD_FINDING, rules.ACTIVE_SANCTION)


def test_her_comment_reaches_a_liaison_allowed_later_when_she_next_opens_her_page(
    vetter: User, investigated: tuple[Case, Joined], cast: Cast, organisation: Organisation
) -> None:
    joined = investigated[1]
    vetting_comment_write(person=joined.person, comment="My side of it.")
    later = person_create(
        actor=None, username="liaison-later", password=PASSWORD, role=Role.LIAISON,
        organisation=organisation,
    )  # fmt: skip
    vetting_permission_grant(actor=cast.administrator, person=later)
    assert check(later).comments == []
    assert vetting_comment_share(person=joined.person, private_key=joined.private_key) == 1
    assert vetting_comment_share(person=joined.person, private_key=joined.private_key) == 0
    assert check(later).comments == ["My side of it."]


def test_a_respondent_row_written_by_hand_is_told_nothing(
    vetter: User, investigated: tuple[Case, Joined]
) -> None:
    case, joined = investigated
    keys = vault.new_keypair()
    forged = User.objects.create(
        username="forged-respondent", pseudonym="forged-respondent", role=Role.RESPONDENT,
        public_key=keys.public_key,
    )  # fmt: skip
    Assignment.objects.create(case=case, person=forged, role=Role.RESPONDENT)
    answer = check(vetter)
    assert answer.check.people_told == 1  # the real respondent only
    assert not CheckCopy.objects.filter(reader=forged).exists()
    assert CheckCopy.objects.filter(reader=joined.person, about_reader=True).exists()


def test_her_comment_is_sealed_to_no_liaison_the_signed_record_does_not_prove(
    vetter: User, investigated: tuple[Case, Joined], organisation: Organisation
) -> None:
    # A database administrator writes a liaison, and her permission to vet, into the tables.
    keys = vault.new_keypair()
    forged = User.objects.create(
        username="forged-liaison", pseudonym="forged-liaison", role=Role.LIAISON,
        organisation=organisation, public_key=keys.public_key,
    )  # fmt: skip
    Permission.objects.create(person=forged, granted_at=timezone.now())
    joined = investigated[1]
    vetting_comment_write(person=joined.person, comment="My side of it.")
    assert vetting_comment_share(person=joined.person, private_key=joined.private_key) == 0
    assert not Comment.objects.filter(reader=forged).exists()
    assert check(vetter).comments == ["My side of it."]


def test_an_officer_appointed_later_reads_earlier_purposes_once_a_colleague_opens_hers(
    vetter: User, officer: User, cast: Cast, make_person: Callable[..., User]
) -> None:
    check(vetter)
    later = make_person(Role.OVERSIGHT_OFFICER)
    # A row written into the people table by hand, with a key of its own: never sealed to.
    forged = User.objects.create(
        username="forged-auditor", role=Role.AUDITOR, pseudonym="forged", public_key=bytes(32)
    )
    later_key = person_unlock_key(person=later, password=PASSWORD)
    assert [row.purpose for row in vetting_list(later, later_key)] == [None]
    shared = vetting_purposes_share(
        reader=officer, private_key=person_unlock_key(person=officer, password=PASSWORD)
    )
    assert shared >= 1
    assert [row.purpose for row in vetting_list(later, later_key)] == [PURPOSE]
    assert not CheckCopy.objects.filter(reader=forged).exists()
