"""Passkeys (people/passkeys.py): registration and assertions verified by py_webauthn with
real keys from a software authenticator; the challenge taken once and bound to its person
and purpose; another origin, another relying party, a counter that went back, and broken
input refused without changing anything; adding and removing recorded in the ledger."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

from ombuds.ledger.models import Event
from ombuds.lib.errors import InvalidInput, NotFound
from ombuds.people.models import Passkey, User
from ombuds.people.passkeys import (
    ADD,
    PROVE,
    authentication_options,
    challenge_take,
    passkey_check,
    passkey_print,
    passkey_register,
    passkey_remove,
    registration_options,
)
from ombuds.people.second_factor import second_factor_reset
from ombuds.people.services import actor_of
from ombuds.record.events import scheme as events_scheme
from tests.conftest import Cast
from tests.signin.authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db


def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(
        rp_id=settings.OMBUDS_PASSKEY_RP_ID, origin=settings.OMBUDS_SITE_ORIGIN
    )


def added(person: User, device: SoftAuthenticator, name: str = "Work laptop") -> Passkey:
    session: dict[str, Any] = {}
    response = device.create(registration_options(session, person))
    challenge = challenge_take(session, person=person, purpose=ADD)
    return passkey_register(person=person, name=name, response=response, challenge=challenge)


def proves(person: User, device: SoftAuthenticator, **lie: Any) -> bool:
    session: dict[str, Any] = {}
    options = authentication_options(session, person)
    assert options is not None
    response = device.get(options, **lie)
    challenge = challenge_take(session, person=person, purpose=PROVE)
    return passkey_check(person=person, response=response, challenge=challenge)


def recorded(row: Any) -> list[dict[str, Any]]:
    return [json.loads(e.metadata) for e in Event.objects.filter(type=row.type)]


def test_a_passkey_is_registered_with_its_public_key_and_recorded(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    passkey = added(person, device, "  Work   laptop ")
    assert passkey.name == "Work laptop" and passkey.credential_id == device.id
    assert passkey.sign_count == 0 and bytes(passkey.public_key)
    assert recorded(events_scheme.PASSKEY_REGISTERED) == [
        {"person": person.pseudonym, "passkey": passkey_print(device.id)}
    ]


def test_a_registered_passkey_proves_she_holds_it_and_its_counter_is_kept(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    added(person, device)
    assert proves(person, device)
    assert proves(person, device)
    passkey = Passkey.objects.get(person=person)
    assert passkey.sign_count == 2 and passkey.last_used_at is not None


def test_the_options_name_her_passkeys_and_never_her_name(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    assert authentication_options({}, person) is None  # none yet: no passkey offered
    added(person, device)
    options = json.loads(registration_options({}, person))
    assert [c["id"] for c in options["excludeCredentials"]] == [device.id]
    assert options["rp"]["id"] == settings.OMBUDS_PASSKEY_RP_ID
    assert person.display_name not in json.dumps(options["user"]["id"])
    allowed = json.loads(authentication_options({}, person) or "{}")["allowCredentials"]
    assert [c["id"] for c in allowed] == [device.id]


def test_a_challenge_is_taken_once_and_only_by_its_person_and_purpose(cast: Cast) -> None:
    person, other = cast.investigator, cast.advocate
    session: dict[str, Any] = {}
    registration_options(session, person)
    assert challenge_take(session, person=other, purpose=ADD) is None
    registration_options(session, person)
    assert challenge_take(session, person=person, purpose=PROVE) is None
    registration_options(session, person)
    assert challenge_take(session, person=person, purpose=ADD) is not None
    assert challenge_take(session, person=person, purpose=ADD) is None


def test_a_replayed_registration_is_refused(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    session: dict[str, Any] = {}
    response = device.create(registration_options(session, person))
    challenge = challenge_take(session, person=person, purpose=ADD)
    passkey_register(person=person, name="Laptop", response=response, challenge=challenge)
    again = challenge_take(session, person=person, purpose=ADD)  # spent: None
    with pytest.raises(InvalidInput, match="could not be added"):
        passkey_register(person=person, name="Laptop", response=response, challenge=again)
    assert Passkey.objects.filter(person=person).count() == 1


def test_a_replayed_assertion_is_refused(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    added(person, device)
    session: dict[str, Any] = {}
    response = device.get(authentication_options(session, person) or "")
    first = challenge_take(session, person=person, purpose=PROVE)
    assert passkey_check(person=person, response=response, challenge=first)
    second = challenge_take(session, person=person, purpose=PROVE)
    assert not passkey_check(person=person, response=response, challenge=second)
    # Even given its old challenge back, the counter has not moved on.
    assert not passkey_check(person=person, response=response, challenge=first)


def test_an_answer_to_another_challenge_is_refused(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    added(person, device)
    session: dict[str, Any] = {}
    stale = device.get(authentication_options(session, person) or "")
    authentication_options(session, person)  # a newer page replaced the challenge
    challenge = challenge_take(session, person=person, purpose=PROVE)
    assert not passkey_check(person=person, response=stale, challenge=challenge)
    assert Passkey.objects.get(person=person).sign_count == 0


def test_another_origin_or_relying_party_is_refused(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    session: dict[str, Any] = {}
    phished = device.create(registration_options(session, person), origin="https://0mbuds.test")
    challenge = challenge_take(session, person=person, purpose=ADD)
    with pytest.raises(InvalidInput, match="could not be added"):
        passkey_register(person=person, name="Laptop", response=phished, challenge=challenge)
    session = {}
    elsewhere = device.create(registration_options(session, person), rp_id="0mbuds.test")
    challenge = challenge_take(session, person=person, purpose=ADD)
    with pytest.raises(InvalidInput, match="could not be added"):
        passkey_register(person=person, name="Laptop", response=elsewhere, challenge=challenge)
    assert not Passkey.objects.exists() and not recorded(events_scheme.PASSKEY_REGISTERED)
    added(person, device)
    assert not proves(person, device, origin="https://0mbuds.test")
    assert not proves(person, device, rp_id="0mbuds.test")
    assert proves(person, device)


def test_a_counter_that_goes_back_is_refused(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    added(person, device)
    assert proves(person, device, counter=5)
    assert not proves(person, device, counter=3)  # a copy of the key, behind the original
    assert not proves(person, device, counter=5)
    assert Passkey.objects.get(person=person).sign_count == 5
    assert proves(person, device, counter=6)


def test_someone_elses_passkey_or_another_key_does_not_prove_her(cast: Cast) -> None:
    person, other = cast.investigator, cast.advocate
    hers, theirs = authenticator(), authenticator()
    added(person, hers)
    added(other, theirs)
    assert not proves(person, theirs)  # not among hers, though valid for its owner
    forged = authenticator()
    forged.credential_id = hers.credential_id  # her passkey's id, another private key
    assert not proves(person, forged)
    assert proves(person, hers)


@pytest.mark.parametrize("response", ["", "not json", "{}", "[]", '{"id": 1}', "x" * 30_000])
def test_broken_input_is_refused_plainly(cast: Cast, response: str) -> None:
    person = cast.investigator
    session: dict[str, Any] = {}
    registration_options(session, person)
    challenge = challenge_take(session, person=person, purpose=ADD)
    with pytest.raises(InvalidInput, match="That passkey could not be added"):
        passkey_register(person=person, name="Laptop", response=response, challenge=challenge)
    added(person, authenticator())
    assert not passkey_check(person=person, response=response, challenge=challenge)
    assert Passkey.objects.count() == 1


def test_a_name_is_needed_and_the_number_is_bounded(cast: Cast) -> None:
    person = cast.investigator
    with pytest.raises(InvalidInput, match="Enter a name"):
        added(person, authenticator(), "   ")
    with pytest.raises(InvalidInput, match="under 60"):
        added(person, authenticator(), "x" * 61)
    for n in range(10):
        added(person, authenticator(), f"Key {n}")
    with pytest.raises(InvalidInput, match="Remove one"):
        added(person, authenticator())
    assert Passkey.objects.filter(person=person).count() == 10


def test_the_same_passkey_is_not_added_twice(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    added(person, device)
    with pytest.raises(InvalidInput, match="added already"):
        added(person, device)
    assert len(recorded(events_scheme.PASSKEY_REGISTERED)) == 1


def test_she_removes_her_own_passkey_only_and_it_is_recorded(cast: Cast) -> None:
    person, device = cast.investigator, authenticator()
    passkey = added(person, device)
    with pytest.raises(NotFound):
        passkey_remove(person=cast.advocate, passkey_id=passkey.pk)
    assert not recorded(events_scheme.PASSKEY_REMOVED)
    passkey_remove(person=person, passkey_id=passkey.pk)
    assert not Passkey.objects.exists()
    assert recorded(events_scheme.PASSKEY_REMOVED) == [
        {"person": person.pseudonym, "passkey": passkey_print(device.id)}
    ]
    assert authentication_options({}, person) is None


def test_resetting_the_second_factor_forgets_her_passkeys(cast: Cast) -> None:
    person = cast.investigator
    added(person, authenticator())
    second_factor_reset(person=person, actor=actor_of(cast.administrator))
    assert not Passkey.objects.filter(person=person).exists()


def test_adding_and_removing_are_in_the_security_log_without_the_name(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    person = cast.investigator
    with caplog.at_level("INFO", logger="ombuds.security"):
        passkey = added(person, authenticator(), "Phone of Jo")
        passkey_remove(person=person, passkey_id=passkey.pk)
    logged = [(r.getMessage(), getattr(r, "security", {})) for r in caplog.records]
    assert ("passkey.added", {"event": "passkey.added", "person": person.pseudonym}) in logged
    assert ("passkey.removed", {"event": "passkey.removed", "person": person.pseudonym}) in logged
    assert "Phone of Jo" not in caplog.text
