"""An organisation is told of a measure or sanction through its liaisons' sealed copies,
and only liaisons the signed record proves, in that organisation, get one: a database
administrator who writes a liaison row by hand, or moves another organisation's liaison
into this one, is sealed nothing (DESIGN: access only the record can grant)."""

from __future__ import annotations

import json

from ombuds import vault
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.liaison.models import NoticeCopy
from ombuds.people.models import User
from ombuds.people.services import organisation_create, person_create
from ombuds.people.signed_record import signed_people
from ombuds.record import events
from ombuds.record.roles import Role
from tests.conftest import PASSWORD
from tests.insider import insider_sql
from tests.investigation.conftest import World


def _opened(liaison: User, private_key: bytes) -> list[dict[str, object]]:
    return [
        json.loads(vault.open_sealed_for_person(bytes(c.sealed), private_key=private_key))
        for c in NoticeCopy.objects.filter(liaison=liaison)
    ]


def test_a_liaison_row_written_by_hand_is_sealed_no_notice(world: World) -> None:
    keys = vault.new_keypair()
    forged = User.objects.create(
        username="forged-liaison",
        pseudonym="forged-liaison",
        role=Role.LIAISON,
        organisation=world.case.organisation,
        public_key=keys.public_key,
    )
    assert signed_people([forged]) == []
    world.approved_measure()
    assert _opened(forged, keys.private_key) == []
    assert [notice["respondent"] for notice in world.notices()] == ["Pat Doe"]
    told = Event.objects.get(
        stream=case_stream(world.case.id), type=events.ORGANISATION_NOTIFIED.type
    )
    assert event_metadata(told)["liaisons"] == 1


def test_another_organisations_liaison_moved_in_by_hand_is_sealed_no_notice(
    world: World,
) -> None:
    elsewhere = organisation_create(actor=None, name="Another Party")
    liaison = person_create(
        actor=None,
        username="liaison-elsewhere",
        password=PASSWORD,
        role=Role.LIAISON,
        organisation=elsewhere,
    )
    # Her role and key are signed; her organisation in the people table is not the one
    # her signed creation names.
    insider_sql(
        "UPDATE people_user SET organisation_id = %s WHERE id = %s",
        [world.case.organisation.pk, liaison.pk],
    )
    world.approved_measure()
    assert not NoticeCopy.objects.filter(liaison=liaison).exists()
    assert len(world.notices()) == 1
