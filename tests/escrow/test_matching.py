"""The matching escrow end to end through its services."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection

from ombuds import vault
from ombuds.escrow.counselling import NOT_YOURS, match_open, person_contact
from ombuds.escrow.entries import open_entry_event
from ombuds.escrow.keyholder import share_holder
from ombuds.escrow.models import Entry, Mark, Match
from ombuds.escrow.selectors import own_entries
from ombuds.escrow.services import escrow_decide, escrow_entry_add, escrow_entry_withdraw
from ombuds.escrow.streams import entry_stream
from ombuds.intake.status import complainant_case_view
from ombuds.ledger.models import Event
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.people.session import ComplainantAccess
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
Make = Callable[[int], list[ComplainantAccess]]


def name(access: ComplainantAccess, who: str, account: str = "He followed me home.") -> bool:
    return escrow_entry_add(access=access, identifiers=[("name", who)], account=account).matched


def test_two_people_under_different_spellings_match_and_the_counsellor_reads_both(
    complainants: Make, counsellor: User, counsellor_key: bytes
) -> None:
    alice, bea = complainants(2)
    assert not name(alice, "Rt Hon Jöhn Doe MP", "Years of unwanted attention.")
    assert not Match.objects.exists()
    assert name(bea, "Doe, John", "He cornered me at conference.")
    (match,) = Match.objects.all()
    assert match.people == 2
    opened = match_open(counsellor=counsellor, private_key=counsellor_key, match_id=match.id)
    assert {o.account for o in opened} == {
        "Years of unwanted attention.",
        "He cornered me at conference.",
    }
    assert (
        Event.objects.filter(
            type=events_scheme.ESCROW_ENTRIES_READ.type, actor_id=counsellor.pseudonym
        ).count()
        == 1
    )
    assert Event.objects.filter(type=events_scheme.ESCROW_MATCH_FOUND.type).count() == 1
    # The escrow's streams are part of the one ledger, and it still verifies.
    assert Event.objects.filter(stream__startswith="escrow/").count() == 4
    report = verify_ledger()
    assert report.ok, report.problems


def test_one_person_naming_the_same_person_twice_never_matches(complainants: Make) -> None:
    (alice,) = complainants(1)
    assert not name(alice, "John Doe")
    assert not name(alice, "Doe John MP")
    assert not escrow_entry_add(
        access=alice, identifiers=[("name", "J. Doe, John")], account="x"
    ).matched
    assert not Match.objects.exists()


def test_below_threshold_neither_the_counsellor_key_nor_the_whole_database_opens_an_entry(
    complainants: Make, counsellor: User, counsellor_key: bytes
) -> None:
    alice, bea = complainants(2)
    name(alice, "John Doe", "Secret words of Alice.")
    name(bea, "Jane Roe", "Secret words of Bea.")  # another person: no match
    assert not Match.objects.exists()
    # The counsellor's key: she can open her shares, but one share per token is not enough.
    for mark in Mark.objects.all():
        sealed = bytes.fromhex(json.loads(mark.sealed_shares)[share_holder(counsellor)])
        share = vault.open_share_for_counsellor(sealed, private_key=counsellor_key)
        others = [
            vault.open_share_for_counsellor(
                bytes.fromhex(json.loads(m.sealed_shares)[share_holder(counsellor)]),
                private_key=counsellor_key,
            )
            for m in Mark.objects.exclude(pk=mark.pk)
        ]
        with pytest.raises(DecryptionFailed):
            vault.reconstruct_match_key([share], threshold=2)
        # Mixing in another person's share gives a key that opens nothing.
        wrong = vault.reconstruct_match_key([share, *others], threshold=2)
        with pytest.raises(DecryptionFailed):
            vault.open_record_key(
                wrong, bytes(mark.wrapped_record_key), bound_to=entry_stream(mark.entry_id)
            )
    # The whole database: every stored byte string tried as a key against every wrap and body.
    blobs: set[bytes] = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        blobs.add(bytes(value))
                    elif isinstance(value, str) and len(value) == 64:
                        blobs.add(
                            bytes.fromhex(value)
                            if all(c in "0123456789abcdef" for c in value)
                            else b""
                        )
    candidates = {
        b[i : i + 32] for b in blobs for i in range(0, max(len(b) - 31, 0), 32) if len(b) >= 32
    }
    with pytest.raises(NotFound):  # no match row, so nothing for the counsellor to open
        match_open(counsellor=counsellor, private_key=counsellor_key, match_id=Match().id)
    assert len(candidates) > 50
    for mark in Mark.objects.all():
        (added,) = Event.objects.filter(
            stream=entry_stream(mark.entry_id), type=events_scheme.ESCROW_ENTRY_ADDED.type
        )
        for key in candidates:
            with pytest.raises(DecryptionFailed):
                vault.open_record_key(
                    key, bytes(mark.wrapped_record_key), bound_to=entry_stream(mark.entry_id)
                )
            with pytest.raises(DecryptionFailed):
                open_entry_event(added, key)


def test_withdrawal_removes_an_entry_from_future_matches(complainants: Make) -> None:
    alice, bea = complainants(2)
    name(alice, "John Doe")
    (entry,) = Entry.objects.all()
    escrow_entry_withdraw(access=alice, entry_id=entry.id)
    assert not Mark.objects.filter(entry=entry).exists()
    assert not name(bea, "John Doe")
    assert not Match.objects.exists()
    with pytest.raises(InvalidInput):
        escrow_entry_withdraw(access=alice, entry_id=entry.id)
    with pytest.raises(NotFound):  # someone else's entry is not hers to withdraw
        escrow_entry_withdraw(access=bea, entry_id=entry.id)


def test_a_third_and_fourth_join_and_a_different_person_stays_sealed(
    complainants: Make, counsellor: User, counsellor_key: bytes
) -> None:
    people = complainants(5)
    for i, access in enumerate(people[:4]):
        name(access, ["John Doe", "doe john", "Dr John Doe", "DOE, JOHN MP"][i], f"account {i}")
    name(people[4], "John Smith", "about someone else")
    (match,) = Match.objects.all()
    assert match.people == 4
    assert Event.objects.filter(type=events_scheme.ESCROW_MATCH_JOINED.type).count() == 2
    opened = match_open(counsellor=counsellor, private_key=counsellor_key, match_id=match.id)
    assert sorted(o.account for o in opened) == [f"account {i}" for i in range(4)]


def test_matching_on_any_identifier_and_refusals(
    complainants: Make, counsellor: User, counsellor_key: bytes
) -> None:
    alice, bea = complainants(2)
    escrow_entry_add(
        access=alice,
        identifiers=[("email", "J.Doe@Example.org"), ("phone", "07700 900123")],
        account="a",
    )
    assert escrow_entry_add(
        access=bea, identifiers=[("phone", "+44 7700 900123")], account="b"
    ).matched
    with pytest.raises(InvalidInput, match="first name alone"):
        escrow_entry_add(access=bea, identifiers=[("name", "John")], account="b")
    with pytest.raises(InvalidInput, match="at least one"):
        escrow_entry_add(access=bea, identifiers=[("name", " ")], account="b")
    with pytest.raises(InvalidInput, match="Write what happened"):
        escrow_entry_add(access=bea, identifiers=[("name", "John Doe")], account=" ")
    assert Entry.objects.count() == 2


def test_contact_and_the_persons_decision(
    complainants: Make, counsellor: User, counsellor_key: bytes
) -> None:
    alice, bea = complainants(2)
    name(alice, "John Doe", "Alice's account.")
    name(bea, "John Doe", "Bea's account.")
    (match,) = Match.objects.all()
    alice_entry = Entry.objects.get(author=own_entries(alice)[0].entry.author)
    person_contact(
        counsellor=counsellor,
        private_key=counsellor_key,
        match_id=match.id,
        entry_id=alice_entry.id,
        message="Can we talk?",
    )
    (mine,) = own_entries(alice)
    assert mine.awaiting_decision and mine.messages[0][1] == "Can we talk?"
    assert not own_entries(bea)[0].messages
    escrow_decide(access=alice, entry_id=alice_entry.id, decision="go_on")
    texts = json.dumps([e.__dict__ for e in complainant_case_view(alice).timeline], default=str)
    assert "Alice's account." in texts
    with pytest.raises(InvalidInput):
        escrow_decide(access=alice, entry_id=alice_entry.id, decision="go_on")


def test_only_a_counsellor_opens_and_an_unsealed_counsellor_cannot(
    complainants: Make, make_person: Callable[..., User], counsellor_key: bytes
) -> None:
    alice, bea = complainants(2)
    name(alice, "John Doe")
    name(bea, "John Doe")
    (match,) = Match.objects.all()
    case_manager = make_person(Role.CASE_MANAGER)
    with pytest.raises(NotPermitted):
        match_open(counsellor=case_manager, private_key=counsellor_key, match_id=match.id)
    late = make_person(Role.MATCHING_COUNSELLOR)
    with pytest.raises(InvalidInput, match=NOT_YOURS[:20]):
        match_open(
            counsellor=late,
            private_key=person_unlock_key(person=late, password=PASSWORD),
            match_id=match.id,
        )
