"""Repeat complaints: the person a report names is kept as a token; cases naming the same
person (under any spelling) are linked for their case managers; access between them is
asked for, and the oversight officer decides."""

from __future__ import annotations

from typing import Any

import pytest

from ombuds.cases.assignments import unassign
from ombuds.cases.models import Assignment, Case
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.models import Event
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.models import Organisation, User
from ombuds.people.services import organisation_create
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.vetting.models import NamedPerson
from ombuds.vetting.repeats import link_access_decide, link_access_request
from ombuds.vetting.selectors import has_linked_cases, linked_cases_for
from tests.conftest import Cast
from tests.vetting.conftest import NAMED, report_naming


@pytest.mark.parametrize(
    "spelling",
    ["Jane Grey", "Grey, Jane", "jane grey MP", "Jáne Gréy", "  JANE   GREY  ", "Dr Jane Grey"],
)
def test_spellings_of_the_same_person_link(
    cast: Cast, organisation: Organisation, spelling: str
) -> None:
    first = report_naming(organisation).case
    second = report_naming(organisation, spelling).case
    assert has_linked_cases(first) and has_linked_cases(second)
    [linked] = linked_cases_for(second, cast.case_manager)
    assert linked.reference == first.reference and linked.stage == first.stage


@pytest.mark.parametrize("other", ["Jane Brown", "Jane", "Grey", "Joan Grey", ""])
def test_different_people_do_not_link(cast: Cast, organisation: Organisation, other: str) -> None:
    first = report_naming(organisation).case
    report_naming(organisation, other)
    assert not has_linked_cases(first)


def test_only_a_token_is_stored_never_the_name(cast: Cast, organisation: Organisation) -> None:
    case = report_naming(organisation).case
    [row] = NamedPerson.objects.filter(case=case)
    assert len(row.token) == 64 and "grey" not in row.token.lower()
    assert "grey" not in str(list(Event.objects.values_list("metadata", flat=True))).lower()


def test_the_same_name_in_another_organisation_does_not_link(
    cast: Cast, organisation: Organisation
) -> None:
    other = organisation_create(actor=None, name="Another Party")
    first = report_naming(organisation).case
    report_naming(other)
    assert not has_linked_cases(first)


def test_access_is_asked_for_and_decided(
    cast: Cast, organisation: Organisation, officer: User, make_person
) -> None:
    first = report_naming(organisation).case
    # A second case manager joins the pool after the first report, then handles the second
    # (the first is deactivated from the pool for the draw by taking her off the scheme).
    cast.case_manager.is_active = False
    cast.case_manager.save(update_fields=["is_active"])
    asking = make_person(Role.CASE_MANAGER)
    second = report_naming(organisation, "jane grey MP").case
    cast.case_manager.is_active = True
    cast.case_manager.save(update_fields=["is_active"])
    assert Assignment.objects.filter(case=second, person=asking).exists()

    with pytest.raises(NotPermitted):
        link_access_request(person=cast.advocate, case=second, other_reference=first.reference)
    with pytest.raises(NotFound):
        link_access_request(person=asking, case=second, other_reference="OMB-0000-0000")
    request = link_access_request(person=asking, case=second, other_reference=first.reference)
    with pytest.raises(InvalidInput, match="already asked"):
        link_access_request(person=asking, case=second, other_reference=first.reference)
    types = list(Event.objects.filter(stream=f"case/{first.id}").values_list("type", flat=True))
    assert events.LINK_ACCESS_REQUESTED.type in types

    with pytest.raises(NotPermitted):
        link_access_decide(officer=cast.case_manager, request_id=request.pk, approve=True)
    link_access_decide(officer=officer, request_id=request.pk, approve=True)
    assert Assignment.objects.filter(case=first, person=asking, role=Role.CASE_MANAGER).exists()
    assert [c.asked for c in linked_cases_for(second, asking)] == [True]
    with pytest.raises(InvalidInput, match="already been decided"):
        link_access_decide(officer=officer, request_id=request.pk, approve=False)


def _asked(cast: Cast, organisation: Organisation, make_person: Any) -> tuple[Case, User, Any]:
    """Two reports naming the same person, each with its own case manager (the first is
    out of the pool for the second's draw); the second's asks to see the first. Returns
    the first case, the asking case manager and her request."""
    first = report_naming(organisation).case
    cast.case_manager.is_active = False
    cast.case_manager.save(update_fields=["is_active"])
    asking = make_person(Role.CASE_MANAGER)
    second = report_naming(organisation, "Grey, Jane").case
    request = link_access_request(person=asking, case=second, other_reference=first.reference)
    return first, asking, request


def test_a_refusal_is_recorded_and_gives_no_access(
    cast: Cast, organisation: Organisation, officer: User, make_person
) -> None:
    first, asking, request = _asked(cast, organisation, make_person)
    link_access_decide(officer=officer, request_id=request.pk, approve=False)
    assert not Assignment.objects.filter(case=first, person=asking).exists()
    types = list(Event.objects.filter(stream=f"case/{first.id}").values_list("type", flat=True))
    assert events.LINK_ACCESS_REFUSED.type in types
    assert NAMED not in str(list(Event.objects.values_list("metadata", flat=True)))


def test_a_request_from_someone_since_taken_off_her_case_cannot_be_approved(
    cast: Cast, organisation: Organisation, officer: User, make_person
) -> None:
    first, asking, request = _asked(cast, organisation, make_person)
    unassign(
        case=request.from_case, person=asking, role=Role.CASE_MANAGER, why="re-allocated",
        actor=SYSTEM, expected_version=None,
    )  # fmt: skip
    before = Event.objects.count()
    with pytest.raises(InvalidInput, match="no longer on the case"):
        link_access_decide(officer=officer, request_id=request.pk, approve=True)
    assert Event.objects.count() == before
    assert not Assignment.objects.filter(case=first, person=asking).exists()
    link_access_decide(officer=officer, request_id=request.pk, approve=False)  # refusing works
