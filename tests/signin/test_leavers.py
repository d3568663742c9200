"""Finding 4: leavers lose their access. Deactivating a staff account or changing her role
re-allocates her cases under the independence rules and removes her key wraps; a reset
password gives her a new key pair that colleagues re-share her cases with, and the
administrator never gains access to a case by doing any of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client

from ombuds import cli, vault
from ombuds.cases.grant_checks import grant_problems
from ombuds.cases.keys import person_holder
from ombuds.cases.leavers import password_reset, person_deactivate, person_set_role
from ombuds.cases.models import Assignment, CaseKey
from ombuds.cases.services import case_read
from ombuds.intake.services import Submission
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.services import SCHEME_STREAM, append_event
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.people.signed_record import signed_people
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from tests.conftest import PASSWORD, Cast, sign_in

NEW_PASSWORD = "a fresh start for maple 42"


def _holders(submission: Submission, role: Role) -> list[User]:
    return [
        a.person
        for a in Assignment.objects.filter(case=submission.case, role=role.value).select_related(
            "person"
        )
    ]


def test_finding_4_deactivation_reallocates_and_removes_key_wraps(
    cast: Cast, anonymous_report: Submission, make_person: Callable[..., User]
) -> None:
    leaving = cast.advocate
    newcomer = make_person(Role.ADVOCATE)
    assert CaseKey.objects.filter(holder=person_holder(leaving)).exists()
    released = person_deactivate(actor=cast.administrator, person=leaving)
    assert released.cases == 1 and released.reallocated == 1 and released.unfilled == []
    assert released.wraps_removed >= 1
    assert _holders(anonymous_report, Role.ADVOCATE) == [newcomer]
    assert not CaseKey.objects.filter(holder=person_holder(leaving)).exists()
    assert not User.objects.get(pk=leaving.pk).is_active
    client = Client()
    response = client.post("/sign-in/", {"username": leaving.username, "password": PASSWORD})
    assert response.status_code == 400  # she can no longer sign in

    # The newcomer has no key until a colleague who holds them opens the case.
    newcomer_key = person_unlock_key(person=newcomer, password=PASSWORD)
    with pytest.raises(NotFound):
        case_read(actor=newcomer, case=anonymous_report.case, private_key=newcomer_key)
    manager_key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
    case_read(actor=cast.case_manager, case=anonymous_report.case, private_key=manager_key)
    assert case_read(actor=newcomer, case=anonymous_report.case, private_key=newcomer_key)


def test_changing_a_role_reallocates_her_cases(
    cast: Cast, anonymous_report: Submission, make_person: Callable[..., User]
) -> None:
    newcomer = make_person(Role.CASE_MANAGER)
    released = person_set_role(
        actor=cast.administrator, person=cast.case_manager, role=Role.AUDITOR
    )
    assert released.reallocated == 1
    assert _holders(anonymous_report, Role.CASE_MANAGER) == [newcomer]
    assert User.objects.get(pk=cast.case_manager.pk).role == Role.AUDITOR
    assert not CaseKey.objects.filter(holder=person_holder(cast.case_manager)).exists()


def test_a_signed_role_change_puts_her_in_the_pool_and_a_written_row_does_not(
    cast: Cast, anonymous_report: Submission, make_person: Callable[..., User]
) -> None:
    """Keys follow the signed record (issue 7, finding 2): a role given by the
    administrator's command is a signed grant; the same role written into the table by a
    database administrator is not, and verify names an unsigned role change."""
    promoted = make_person(Role.AUDITOR)
    person_set_role(actor=cast.administrator, person=promoted, role=Role.ADVOCATE)
    promoted.refresh_from_db()
    assert signed_people([promoted]) == [promoted]
    insider = make_person(Role.AUDITOR)
    User.objects.filter(pk=insider.pk).update(role=Role.ADVOCATE.value)
    insider.refresh_from_db()
    assert signed_people([insider]) == []
    # The leaving advocate's place goes to the one the record proves, never the insider.
    person_deactivate(actor=cast.administrator, person=cast.advocate)
    assert _holders(anonymous_report, Role.ADVOCATE) == [promoted]
    assert grant_problems() == []
    with transaction.atomic():
        forged = append_event(
            stream=SCHEME_STREAM,
            event_type=events_scheme.PERSON_ROLE_CHANGED.type,
            actor=SYSTEM,
            metadata={"person": insider.pseudonym, "old": "auditor", "new": "advocate"},
        )
    assert signed_people([insider]) == []
    assert grant_problems() == [f"event {forged.seq} (person.role_changed) grants access unsigned"]


def test_nobody_eligible_leaves_the_place_unfilled_and_says_so(
    cast: Cast, anonymous_report: Submission
) -> None:
    released = person_deactivate(actor=None, person=cast.advocate)
    assert released.reallocated == 0 and released.unfilled == [anonymous_report.case.reference]
    assert _holders(anonymous_report, Role.ADVOCATE) == []


def test_only_an_administrator_and_never_on_herself(cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        person_deactivate(actor=cast.case_manager, person=cast.advocate)
    with pytest.raises(InvalidInput):
        person_deactivate(actor=cast.administrator, person=cast.administrator)
    with pytest.raises(InvalidInput):  # the last administrator stays
        person_set_role(actor=None, person=cast.administrator, role=Role.AUDITOR)


def test_a_reset_password_gives_a_new_key_and_the_administrator_opens_nothing(
    cast: Cast, anonymous_report: Submission
) -> None:
    advocate = cast.advocate
    old_public = bytes(advocate.public_key)
    password_reset(actor=cast.administrator, person=advocate, new_password=NEW_PASSWORD)
    advocate.refresh_from_db()
    assert bytes(advocate.public_key) != old_public
    assert not CaseKey.objects.filter(holder=person_holder(advocate)).exists()
    assert _holders(anonymous_report, Role.ADVOCATE) == [advocate]  # still on her case
    new_key = person_unlock_key(person=advocate, password=NEW_PASSWORD)
    with pytest.raises(NotFound):
        case_read(actor=advocate, case=anonymous_report.case, private_key=new_key)
    manager_key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
    case_read(actor=cast.case_manager, case=anonymous_report.case, private_key=manager_key)
    assert case_read(actor=advocate, case=anonymous_report.case, private_key=new_key)

    # The administrator's own key opens no wrap of any case, before or after.
    admin_key = person_unlock_key(person=cast.administrator, password=PASSWORD)
    for wrap in CaseKey.objects.all():
        with pytest.raises(DecryptionFailed):
            vault.open_case_key(bytes(wrap.sealed_key), private_key=admin_key)
    assert not CaseKey.objects.filter(holder=person_holder(cast.administrator)).exists()


def test_the_administrators_page(
    cast: Cast, anonymous_report: Submission, make_person: Callable[..., User]
) -> None:
    make_person(Role.ADVOCATE)
    client = Client()
    sign_in(client, cast.administrator.username)
    page = client.get(f"/admin-area/staff/{cast.advocate.username}/")
    assert page.status_code == 200 and b"Deactivate" in page.content
    response = client.post(
        f"/admin-area/staff/{cast.advocate.username}/", {"action": "role", "role": "nonsense"}
    )
    assert response.status_code == 400 and b"Choose a role" in response.content
    response = client.post(
        f"/admin-area/staff/{cast.advocate.username}/",
        {"action": "password", "password": "short", "confirm_password": "short"},
    )
    assert response.status_code == 400
    response = client.post(f"/admin-area/staff/{cast.advocate.username}/", {"action": "deactivate"})
    assert response.status_code == 302
    assert b"1 case place(s) were re-allocated" in client.get("/admin-area/staff/").content
    assert client.get("/admin-area/staff/nobody-at-all/").status_code == 404


def test_the_command_line(
    cast: Cast,
    anonymous_report: Submission,
    make_person: Callable[..., User],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_person(Role.INVESTIGATOR)
    assert cli.main(["setrole", cast.advocate.username, "investigator"]) == 0
    assert "1 open case(s) left" in capsys.readouterr().out
    assert cli.main(["deactivate", cast.investigator.username]) == 0
    assert cli.main(["deactivate", "no-such-person"]) == 2
    assert not User.objects.get(pk=cast.investigator.pk).is_active
