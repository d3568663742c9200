"""Independence through the services: conflicts, recusal, a different advocate."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ombuds.cases.allocation import allocation_seed, choose
from ombuds.cases.assignments import submission_root
from ombuds.cases.independence import (
    advocate_change_request,
    case_parties,
    case_record_parties,
    handler_recuse,
)
from ombuds.cases.keys import person_holder
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.participants import complainant_participant, handler_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.intake.services import Submission, report_submit
from ombuds.ledger.services import event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.models import Organisation, User
from ombuds.people.services import interests_declare, interests_of, person_unlock_key
from ombuds.record import events as registry
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, an_account


def key(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def advocate_on(case: Case) -> User:
    return Assignment.objects.get(case=case, role=Role.ADVOCATE).person


def test_declarations_are_versioned_tokens_readable_only_by_their_author(cast: Cast) -> None:
    first = interests_declare(actor=cast.advocate, interests=[("unit", "Brighton branch")])
    second = interests_declare(
        actor=cast.advocate, interests=[("unit", "Brighton branch"), ("person", "John Smith")]
    )
    assert (first.version, second.version) == (1, 2)
    assert len(second.tokens) == 2 and "Brighton" not in str(second.tokens)
    assert interests_of(person=cast.advocate, private_key=key(cast.advocate)) == [
        ("unit", "Brighton branch"),
        ("person", "John Smith"),
    ]
    with pytest.raises(NotPermitted):
        interests_declare(actor=cast.liaison, interests=[("unit", "x")])
    with pytest.raises(InvalidInput):
        interests_declare(actor=cast.advocate, interests=[("faction-ish", "x")])


def test_recording_parties_replaces_a_conflicted_handler(
    make_person: Callable[..., User], cast: Cast, anonymous_report: Submission
) -> None:
    case = anonymous_report.case
    first = advocate_on(case)
    spare = make_person(Role.ADVOCATE, "spare-advocate")
    interests_declare(actor=first, interests=[("person", "Councillor Grey")])
    cm = handler_participant(cast.case_manager, case, key(cast.case_manager))
    replaced = case_record_parties(
        participant=cm, parties={"respondent_name": "councillor  grey", "respondent_units": "HQ"}
    )
    assert replaced == ["advocate"]
    case = Case.objects.get(pk=case.pk)
    assert advocate_on(case) == spare
    assert not CaseKey.objects.filter(case=case, holder=person_holder(first)).exists()
    assert (
        case_parties(handler_participant(cast.case_manager, case, key(cast.case_manager)))[
            "respondent_name"
        ]
        == "councillor grey"
    )
    # The conflicted advocate is never allocated to this case again.
    state = case_state(case.id)
    assert first.pseudonym in {p for p, _ in state.handled}


def test_declaring_an_interest_that_conflicts_takes_her_off_her_case(
    make_person: Callable[..., User], cast: Cast, anonymous_report: Submission
) -> None:
    case = anonymous_report.case
    first = advocate_on(case)
    spare = make_person(Role.ADVOCATE, "spare-advocate")
    cm = handler_participant(cast.case_manager, case, key(cast.case_manager))
    case_record_parties(
        participant=cm, parties={"respondent_name": "Councillor Grey", "respondent_units": "HQ"}
    )
    # An interest that touches nothing of hers changes nothing.
    interests_declare(actor=first, interests=[("unit", "Brighton branch")])
    assert advocate_on(Case.objects.get(pk=case.pk)) == first
    # She learns she knows him, and says so: the system takes her off, someone else is on.
    interests_declare(actor=first, interests=[("person", "councillor grey")])
    case = Case.objects.get(pk=case.pk)
    assert advocate_on(case) == spare
    assert not CaseKey.objects.filter(case=case, holder=person_holder(first)).exists()
    taken_off = [e for e in case_events(case.id) if e.type == registry.UNASSIGNED.type]
    assert [event_metadata(e)["why"] for e in taken_off] == ["conflict of interest"]
    assert [e.actor_role for e in taken_off] == ["system"]
    assert verify_ledger().ok


def test_a_conflicted_handler_is_never_allocated_at_submission(
    make_person: Callable[..., User], organisation: Organisation, cast: Cast
) -> None:
    conflicted = make_person(Role.ADVOCATE, "close-to-him")
    interests_declare(actor=conflicted, interests=[("unit", "Leeds West")])
    # Parties are recorded after submission; allocation for later rounds must exclude.
    report = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )
    cm = handler_participant(cast.case_manager, report.case, key(cast.case_manager))
    case_record_parties(
        participant=cm, parties={"respondent_name": "X", "respondent_units": "leeds west"}
    )
    case = Case.objects.get(pk=report.case.pk)
    assert advocate_on(case) != conflicted


def test_allocation_is_reproducible_from_the_recorded_seed(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = anonymous_report.case
    assigned = [event_metadata(e) for e in case_events(case.id) if e.type == registry.ASSIGNED.type]
    for meta in assigned:
        seed = allocation_seed(
            submission_root=submission_root(case),
            case_id=str(case.id),
            role=meta["role"],
            round_number=meta["round"],
        )
        assert seed == meta["seed"]
        pool = [p.pseudonym for p in User.objects.filter(role=meta["role"], is_active=True)]
        assert meta["eligible"] == len(pool)
        assert choose(pool, seed) == meta["person"]


def test_recusal_replaces_the_handler_and_records_the_reason(
    make_person: Callable[..., User], cast: Cast, anonymous_report: Submission
) -> None:
    case = anonymous_report.case
    spare = make_person(Role.ADVOCATE, "second-advocate")
    advocate = handler_participant(cast.advocate, case, key(cast.advocate))
    with pytest.raises(InvalidInput):
        handler_recuse(participant=advocate, reason="  ")
    chosen = handler_recuse(participant=advocate, reason="I know the respondent socially.")
    assert chosen == spare
    case = Case.objects.get(pk=case.pk)
    assert advocate_on(case) == spare
    assert cast.advocate.pseudonym in case_state(case.id).recused


def test_complainant_changes_advocate_once(
    make_person: Callable[..., User], cast: Cast, anonymous_report: Submission
) -> None:
    spares = {make_person(Role.ADVOCATE, "another-advocate"), make_person(Role.ADVOCATE, "third")}
    complainant = complainant_participant(anonymous_report.access)
    new = advocate_change_request(complainant=complainant)
    assert new in spares
    case = Case.objects.get(pk=anonymous_report.case.pk)
    assert advocate_on(case) == new
    assert not CaseKey.objects.filter(case=case, holder=person_holder(cast.advocate)).exists()
    with pytest.raises(InvalidInput, match="already changed"):
        advocate_change_request(complainant=complainant_participant(anonymous_report.access))
    with pytest.raises(NotPermitted):
        advocate_change_request(
            complainant=handler_participant(cast.case_manager, case, key(cast.case_manager))
        )


def test_only_the_case_manager_records_parties(cast: Cast, anonymous_report: Submission) -> None:
    advocate = handler_participant(cast.advocate, anonymous_report.case, key(cast.advocate))
    with pytest.raises(NotPermitted):
        case_record_parties(participant=advocate, parties={"respondent_name": "X"})
    cm = handler_participant(cast.case_manager, anonymous_report.case, key(cast.case_manager))
    with pytest.raises(InvalidInput):
        case_record_parties(participant=cm, parties={"respondent_name": " "})


@pytest.mark.parametrize(
    ("declared", "answers"),
    [
        (("person", "Councillor Grey"), {"respondent_name": "councillor grey"}),
        (("unit", "Leeds West"), {"respondent_unit": "Hull, Leeds West"}),
        (("group", "Leeds West"), {"your_unit": "leeds west"}),
    ],
)
def test_the_first_allocation_excludes_handlers_connected_to_what_she_reported(
    make_person: Callable[..., User],
    organisation: Organisation,
    declared: tuple[str, str],
    answers: dict[str, str],
) -> None:
    # Two case managers and two advocates; one of each is connected to the report.
    connected = [make_person(Role.CASE_MANAGER, "cm-near"), make_person(Role.ADVOCATE, "adv-near")]
    free = {make_person(Role.CASE_MANAGER, "cm-free"), make_person(Role.ADVOCATE, "adv-free")}
    for person in connected:
        interests_declare(actor=person, interests=[declared])
    for _ in range(4):  # the seed differs per case; none may ever pick a connected handler
        report = report_submit(
            organisation_slug=organisation.slug, account=an_account(**answers), anonymous=True
        )
        assigned = {a.person for a in Assignment.objects.filter(case=report.case)}
        assert assigned == free
        events = case_events(report.case.id)
        assert "Grey" not in events[0].metadata and "Leeds" not in events[0].metadata
        conflicted = [
            event_metadata(e)["conflicted"] for e in events if e.type == registry.ASSIGNED.type
        ]
        assert conflicted == [1, 1]
