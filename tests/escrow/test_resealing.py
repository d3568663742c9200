"""A counsellor given a new key pair (her password reset), or appointed after the entries
were made, gets her copies of a match's shares from the first colleague who opens it; a
counsellor the signed record does not prove gets none, ever."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ombuds.cases.leavers import password_reset
from ombuds.escrow.counselling import NOT_YOURS, match_open
from ombuds.escrow.keyholder import share_holder
from ombuds.escrow.models import Mark, Match
from ombuds.escrow.services import escrow_entry_add
from ombuds.ledger.models import Event
from ombuds.ledger.verify import verify_ledger
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.people.session import ComplainantAccess
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db
Make = Callable[[int], list[ComplainantAccess]]
NEW_PASSWORD = "a brand new staff passphrase 77"


def _match(complainants: Make) -> Match:
    alice, bea = complainants(2)
    for access in (alice, bea):
        escrow_entry_add(access=access, identifiers=[("name", "John Doe")], account="Words.")
    (match,) = Match.objects.all()
    return match


def _accounts(person: User, password: str, match: Match) -> set[str]:
    key = person_unlock_key(person=person, password=password)
    return {o.account for o in match_open(counsellor=person, private_key=key, match_id=match.id)}


def test_after_a_password_reset_a_colleague_reseals_her_shares(
    complainants: Make, counsellor: User, make_person: Callable[..., User], cast: Cast
) -> None:
    colleague = make_person(Role.MATCHING_COUNSELLOR)
    match = _match(complainants)
    assert _accounts(counsellor, PASSWORD, match) == {"Words."}

    password_reset(actor=cast.administrator, person=counsellor, new_password=NEW_PASSWORD)
    counsellor.refresh_from_db()
    with pytest.raises(Exception, match=NOT_YOURS[:30]):
        _accounts(counsellor, NEW_PASSWORD, match)  # her copies are sealed to her old key

    assert _accounts(colleague, PASSWORD, match) == {"Words."}  # opening reseals them
    assert _accounts(counsellor, NEW_PASSWORD, match) == {"Words."}
    resealed = Event.objects.filter(type=events_scheme.ESCROW_SHARES_RESEALED.type)
    assert [json.loads(e.metadata)["to"] for e in resealed] == [counsellor.pseudonym]
    assert json.loads(resealed[0].metadata)["marks"] == 2
    assert verify_ledger().ok


def test_a_counsellor_appointed_later_gets_copies_once_a_colleague_opens_the_match(
    complainants: Make, counsellor: User, counsellor_key: bytes, make_person: Callable[..., User]
) -> None:
    match = _match(complainants)
    late = make_person(Role.MATCHING_COUNSELLOR)
    with pytest.raises(Exception, match=NOT_YOURS[:30]):
        _accounts(late, PASSWORD, match)
    match_open(counsellor=counsellor, private_key=counsellor_key, match_id=match.id)
    assert _accounts(late, PASSWORD, match) == {"Words."}
    # Opening it again reseals nothing more: everyone already has a copy.
    match_open(counsellor=counsellor, private_key=counsellor_key, match_id=match.id)
    assert Event.objects.filter(type=events_scheme.ESCROW_SHARES_RESEALED.type).count() == 1


def test_a_counsellor_written_into_the_table_by_hand_gets_no_share(
    complainants: Make, counsellor: User, counsellor_key: bytes, cast: Cast
) -> None:
    # An insider turns an existing account into a counsellor, without a signed record.
    forged = cast.liaison
    User.objects.filter(pk=forged.pk).update(role=Role.MATCHING_COUNSELLOR.value)
    forged.refresh_from_db()
    match = _match(complainants)
    match_open(counsellor=counsellor, private_key=counsellor_key, match_id=match.id)
    for mark in Mark.objects.all():
        holders = json.loads(mark.sealed_shares)
        assert share_holder(counsellor) in holders
        assert not any(h.startswith(forged.pseudonym) for h in holders)
