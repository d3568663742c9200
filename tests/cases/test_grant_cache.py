"""What the signed grants prove about the pools is kept between allocations, by the scheme
stream's tip: a later signed change must count at once, and a forged row never."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from ombuds.cases.assignments import candidates_for
from ombuds.cases.leavers import person_set_role
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.services import SCHEME_STREAM, append_event
from ombuds.people.models import User
from ombuds.people.signed_record import signed_people
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from tests.conftest import Cast


def test_a_signed_change_of_role_counts_at_once(cast: Cast) -> None:
    manager = cast.case_manager
    assert manager.pseudonym in candidates_for((Role.CASE_MANAGER,))[Role.CASE_MANAGER]
    person_set_role(actor=cast.administrator, person=manager, role=Role.ADVOCATE)
    pools = candidates_for((Role.CASE_MANAGER, Role.ADVOCATE))
    assert manager.pseudonym not in pools[Role.CASE_MANAGER]
    assert manager.pseudonym in pools[Role.ADVOCATE]


def test_a_forged_change_of_role_after_a_kept_answer_is_refused(cast: Cast) -> None:
    advocate = cast.advocate
    assert signed_people([advocate]) == [advocate]  # the answer is now kept
    with transaction.atomic():  # an insider's row: well formed, unsigned
        append_event(
            stream=SCHEME_STREAM,
            event_type=events_scheme.PERSON_ROLE_CHANGED.type,
            actor=SYSTEM,
            metadata={"person": advocate.pseudonym, "old": "advocate", "new": "case_manager"},
        )
        User.objects.filter(pk=advocate.pk).update(role=Role.CASE_MANAGER.value)
    advocate.refresh_from_db()
    assert signed_people([advocate]) == []
    assert advocate.pseudonym not in candidates_for((Role.CASE_MANAGER,))[Role.CASE_MANAGER]


def test_a_person_whose_creation_was_rolled_back_is_not_proven_for_her_successor(
    make_person: Callable[..., User], cast: Cast
) -> None:
    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            gone = make_person(Role.CASE_MANAGER, "gone")
            assert signed_people([gone]) == [gone]
            raise Undo
    except Undo:
        pass
    successor = make_person(Role.CASE_MANAGER, "successor")
    assert signed_people([successor]) == [successor]
    assert signed_people([gone]) == []  # her row and her grant are gone with the rollback
