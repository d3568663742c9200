"""Issue 7, finding 2: access only the signed record can grant.

A database administrator who writes an assignment row, or appends a well-formed
`case.assigned` event herself, gains no key; `verify` names the forged event. And every
party holds exactly the keys her role should, after each kind of handler opens the case.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from ombuds.cases import services as case_services
from ombuds.cases.grant_checks import grant_problems
from ombuds.cases.keys import person_holder
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.read_models import case_refresh
from ombuds.intake.services import Submission
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.models import Event
from ombuds.ledger.services import append_event, case_stream, event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.roles import Role
from tests.conftest import Cast
from tests.respondents.conftest import Respondent, key_of

ALL = {"case", "respondent", "handlers"}


def _keys_of(case: Case, holder: str) -> set[str]:
    return set(CaseKey.objects.filter(case=case, holder=holder).values_list("purpose", flat=True))


def _open_as(person: User, case: Case) -> None:
    case_services.case_read(actor=person, case=case, private_key=key_of(person))


def test_finding_2_an_inserted_assignment_row_gains_no_key(
    disclosed: Respondent, cast: Cast, make_person: Callable[..., User]
) -> None:
    insider = make_person(Role.INVESTIGATOR)
    Assignment.objects.create(case=disclosed.case, person=insider, role=Role.INVESTIGATOR)
    _open_as(cast.case_manager, disclosed.case)  # seals missing keys to colleagues
    assert _keys_of(disclosed.case, person_holder(insider)) == set()
    assert grant_problems() == []


def test_finding_2_a_forged_assigned_event_gains_no_key_and_verify_names_it(
    disclosed: Respondent, cast: Cast, make_person: Callable[..., User]
) -> None:
    insider = make_person(Role.INVESTIGATOR)
    case = disclosed.case
    signed = Event.objects.filter(stream=case_stream(case.id), type=events.ASSIGNED.type).first()
    assert signed is not None and "grant" in event_metadata(signed)
    # What a database administrator can do: append a well-formed event (the hash chain
    # needs no secret), recompute the head, and bring the read models up to date.
    forged_metadata = {
        "person": insider.pseudonym, "role": "investigator", "eligible": 1, "conflicted": 0,
        "excluded": 0, "seed": "0" * 64, "round": 9,
    }  # fmt: skip
    with transaction.atomic():
        forged = append_event(
            stream=case_stream(case.id),
            event_type=events.ASSIGNED.type,
            actor=SYSTEM,
            metadata=forged_metadata,
        )
        case_refresh(case.id)
    assert Assignment.objects.filter(case=case, person=insider).exists()
    _open_as(cast.case_manager, case)
    assert _keys_of(case, person_holder(insider)) == set()
    assert verify_ledger().ok  # the chain and tree are consistent: only the grant is forged
    assert grant_problems() == [f"event {forged.seq} (case.assigned) grants access unsigned"]
    # A signature copied from a real allocation does not fit the forged fields.
    with transaction.atomic():
        copied = append_event(
            stream=case_stream(case.id),
            event_type=events.ASSIGNED.type,
            actor=SYSTEM,
            metadata={**event_metadata(signed), "person": insider.pseudonym},
        )
    assert f"event {copied.seq} (case.assigned) has a forged grant signature" in grant_problems()


def test_a_handler_whose_public_key_was_swapped_is_sealed_nothing(
    disclosed: Respondent, cast: Cast
) -> None:
    investigator = cast.investigator
    CaseKey.objects.filter(case=disclosed.case, holder=person_holder(investigator)).delete()
    User.objects.filter(pk=investigator.pk).update(public_key=cast.auditor.public_key)
    _open_as(cast.case_manager, disclosed.case)
    assert _keys_of(disclosed.case, person_holder(investigator)) == set()


def test_every_party_holds_exactly_her_keys_after_each_handler_opens_the_case(
    disclosed: Respondent, cast: Cast, anonymous_report: Submission
) -> None:
    case = disclosed.case
    expected = {
        person_holder(cast.case_manager): ALL,
        person_holder(cast.advocate): {"case", "handlers"},
        person_holder(cast.investigator): ALL,
        person_holder(disclosed.person): {"respondent"},
        anonymous_report.access.holder: {"case"},
    }
    for opener in (cast.case_manager, cast.advocate, cast.investigator):
        _open_as(opener, case)
        held = {holder: _keys_of(case, holder) for holder in expected}
        assert held == expected, f"after {opener.role} opened the case"
    holders = set(CaseKey.objects.filter(case=case).values_list("holder", flat=True))
    assert holders == set(expected)
    assert grant_problems() == []
