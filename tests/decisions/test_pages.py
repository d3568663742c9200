"""The decision and appeal pages through the test client: happy paths, someone not on the
case (404), the wrong role (403), and refusals shown with nothing changed."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from ombuds.cases.lifecycle import APPEAL_OPEN, PANEL
from ombuds.cases.models import Assignment
from ombuds.cases.read_models import case_state
from ombuds.decisions.appeals import appeal_lodge
from ombuds.decisions.panels import appeal_panel_allocate
from ombuds.decisions.selectors import sanctions_of
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.messaging.services import message_send
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from tests.conftest import sign_in, sign_in_with_receipt
from tests.decisions.conftest import (
    FINDINGS,
    RESPONDENT_PASSWORD,
    Scene,
    allocate,
    decide,
    fresh,
    propose,
)

GROUNDS = "The panel did not hear my witness."


def signed_in(person: User, password: str | None = None) -> Client:
    client = Client()
    if password:
        sign_in(client, person.username, password)
    else:
        sign_in(client, person.username)
    return client


def complainant_client(scene: Scene) -> Client:
    client = Client()
    assert scene.report.receipt is not None
    sign_in_with_receipt(client, scene.report.receipt)
    return client


def respondent_client(scene: Scene) -> Client:
    return signed_in(scene.respondent.person, RESPONDENT_PASSWORD)


def events(scene: Scene) -> int:
    return Event.objects.filter(stream=case_stream(scene.case.id)).count()


def url(scene: Scene, part: str) -> str:
    base = f"/cases/{scene.case.reference}/"
    return f"{base}{part}/" if part else base


def version(scene: Scene) -> int:
    return fresh(scene.case).version


# The case manager's panel page --------------------------------------------------------------


def test_the_case_manager_allocates_the_panel_from_the_case_page(scene: Scene) -> None:
    client = signed_in(scene.cast.case_manager)
    assert url(scene, "panel").encode() in client.get(url(scene, "")).content
    page = client.get(url(scene, "panel"))
    assert page.status_code == 200 and b"Allocate the decision panel" in page.content
    response = client.post(url(scene, "panel"), {"version": version(scene)})
    assert response.status_code == 302 and response["Location"] == url(scene, "")
    assert Assignment.objects.filter(case=scene.case, role=Role.PANEL_MEMBER).count() == 3
    assert b"chose the decision panel at random" in client.get(url(scene, "")).content
    # Asking again is refused on the page, and nothing changes.
    before = events(scene)
    again = client.post(url(scene, "panel"), {"version": version(scene)})
    assert again.status_code == 400 and b"already sitting on this case" in again.content
    assert events(scene) == before


def test_panel_pages_hide_the_case_from_outsiders_and_refuse_other_roles(scene: Scene) -> None:
    panel = allocate(scene)
    outsider = next(p for p in scene.pool if p not in panel)
    for part in ("decision", "decision/propose", "decision/sign", "decision/record", "panel"):
        assert signed_in(outsider).get(url(scene, part)).status_code == 404
    for person in (scene.cast.investigator, scene.cast.case_manager, scene.cast.advocate):
        assert signed_in(person).get(url(scene, "decision")).status_code == 403
    assert signed_in(panel[0]).get(url(scene, "panel")).status_code == 403
    assert signed_in(scene.cast.liaison).get(url(scene, "decision")).status_code == 403
    assert Client().get(url(scene, "decision")).status_code == 302  # to the sign-in page


def test_the_panel_decides_through_its_pages(scene: Scene) -> None:
    panel = allocate(scene)
    first = signed_in(panel[0])
    page = first.get(url(scene, "decision"))
    assert page.status_code == 200
    assert FINDINGS[0][0].encode() in page.content and FINDINGS[0][2].encode() in page.content
    assert url(scene, "decision").encode() in first.get(url(scene, "")).content
    assert first.get(url(scene, "decision/propose")).status_code == 200
    form = {
        "version": version(scene),
        "outcome_1": "accept",
        "outcome_2": "upheld",
        "reasons_2": "",
        "sanctions": ["reprimand", "training"],
        "reasons": "A pattern of conduct.",
    }
    before = events(scene)
    refused = first.post(url(scene, "decision/propose"), form)
    assert refused.status_code == 400
    assert b"reasons for changing the finding on allegation 2" in refused.content
    assert b"A pattern of conduct." in refused.content and events(scene) == before
    form["reasons_2"] = "The CCTV shows him in the car park."
    assert first.post(url(scene, "decision/propose"), form).status_code == 302

    second = signed_in(panel[1])
    sign_page = second.get(url(scene, "decision/sign"))
    assert b"A pattern of conduct." in sign_page.content
    proposal = case_state(scene.case.id).proposal
    signed = second.post(
        url(scene, "decision/sign"), {"version": version(scene), "proposal": proposal}
    )
    assert signed.status_code == 302

    third = signed_in(panel[2])
    before = events(scene)
    named = {"version": version(scene), "respondent_name": "Councillor Grey"}
    too_soon = third.post(url(scene, "decision/record"), named)
    assert too_soon.status_code == 400 and PANEL.refusal.encode() in too_soon.content
    assert events(scene) == before and fresh(scene.case).stage == Stage.FINDINGS
    third.post(url(scene, "decision/sign"), {"version": version(scene), "proposal": proposal})
    record = third.get(url(scene, "decision/record"))
    assert b"as the organisation knows them" in record.content
    nameless = third.post(url(scene, "decision/record"), {"version": version(scene)})
    assert nameless.status_code == 400 and events(scene) == before + 1
    done = third.post(
        url(scene, "decision/record"),
        {"version": version(scene), "respondent_name": "Councillor Grey"},
    )
    assert done.status_code == 302 and fresh(scene.case).stage == Stage.DECISION
    assert b"Decided on" in third.get(url(scene, "decision")).content


def test_a_stale_signature_is_refused_on_the_page(scene: Scene) -> None:
    panel = allocate(scene)
    propose(scene, panel[0])
    old = case_state(scene.case.id).proposal
    propose(scene, panel[2], sanctions=["words_of_advice"])
    before = events(scene)
    stale = signed_in(panel[1]).post(
        url(scene, "decision/sign"), {"version": version(scene), "proposal": old}
    )
    assert stale.status_code == 400 and b"replaced the one you read" in stale.content
    assert events(scene) == before


# The parties' pages --------------------------------------------------------------------------


def test_the_parties_read_the_decision_and_the_respondent_appeals(scene: Scene) -> None:
    complainant, respondent = complainant_client(scene), respondent_client(scene)
    assert complainant.get("/my-report/decision/").status_code == 404  # nothing decided yet
    decide(scene, allocate(scene))
    assert b"/my-report/decision/" in complainant.get("/my-report/").content
    assert b"/respond/decision/" in respondent.get("/respond/case/").content
    for client, prefix in ((complainant, "/my-report"), (respondent, "/respond")):
        page = client.get(f"{prefix}/decision/")
        assert page.status_code == 200
        assert b"A formal reprimand" in page.content and b"Upheld" in page.content
        assert b"you can appeal until" in page.content
        assert client.get(f"{prefix}/appeal/").status_code == 200
    # The respondent's own copy shows the allegations as she was told them.
    assert FINDINGS[1][0].encode() in respondent.get("/respond/decision/").content
    sent = respondent.post("/respond/appeal/", {"version": version(scene), "grounds": GROUNDS})
    assert sent.status_code == 302 and sent["Location"] == "/respond/decision/"
    assert fresh(scene.case).stage == Stage.APPEAL
    told = complainant.get("/my-report/decision/")
    assert b"The person you reported appealed this decision" in told.content
    assert GROUNDS.encode() not in told.content


def test_an_appeal_after_the_window_is_refused_on_the_page(scene: Scene) -> None:
    decide(scene, allocate(scene))
    deadline = fresh(scene.case).deadline_at
    assert deadline is not None
    before = events(scene)
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        client = complainant_client(scene)
        assert b"The time allowed to appeal" in client.get("/my-report/decision/").content
        refused = client.post("/my-report/appeal/", {"version": version(scene), "grounds": GROUNDS})
    assert refused.status_code == 400
    assert APPEAL_OPEN.refusal.encode() in refused.content and GROUNDS.encode() in refused.content
    assert events(scene) == before


def test_an_appeal_sent_after_another_change_keeps_her_grounds_and_can_be_sent_again(
    scene: Scene,
) -> None:
    decide(scene, allocate(scene))
    client = complainant_client(scene)
    shown = version(scene)
    # Meanwhile something else happens on the case: she writes to her advocate.
    message_send(participant=scene.complainant(), thread="complainant-advocate", text="hello")
    first = client.post("/my-report/appeal/", {"version": shown, "grounds": GROUNDS})
    page = html.unescape(first.content.decode())
    assert first.status_code == 409 and GROUNDS in page
    resent = re.search(r'name="version" value="(\d+)"', page)
    assert resent is not None and int(resent.group(1)) == fresh(scene.case).version
    again = client.post("/my-report/appeal/", {"version": resent.group(1), "grounds": GROUNDS})
    assert again.status_code == 302
    assert fresh(scene.case).stage == Stage.APPEAL


def test_party_pages_refuse_everyone_else(scene: Scene) -> None:
    decide(scene, allocate(scene))
    staff = signed_in(scene.cast.case_manager)
    assert staff.get("/respond/decision/").status_code == 403
    assert staff.get("/respond/appeal/").status_code == 403
    assert staff.get("/my-report/decision/").status_code == 302  # to the return page
    assert Client().get("/respond/decision/").status_code == 302  # to the sign-in page
    assert Client().get("/my-report/appeal/").status_code == 302


def test_the_appeal_panel_decides_and_the_case_closes(scene: Scene) -> None:
    decide(scene, allocate(scene))
    appeal_lodge(participant=scene.the_respondent(), grounds=GROUNDS)
    scene.refresh()
    manager = signed_in(scene.cast.case_manager)
    assert b"Allocate the appeal panel" in manager.get(url(scene, "panel")).content
    assert manager.post(url(scene, "panel"), {"version": version(scene)}).status_code == 302
    appeal = [a.person for a in Assignment.objects.filter(case=scene.case, role=Role.PANEL_MEMBER)]
    page = signed_in(appeal[0]).get(url(scene, "decision"))
    assert page.status_code == 200 and GROUNDS.encode() in page.content
    assert b"The decision under appeal" in page.content
    decide(scene, appeal, sanctions=["reprimand", "training"])
    assert fresh(scene.case).stage == Stage.CLOSED
    final = respondent_client(scene).get("/respond/decision/")
    assert b"This decision is final and the case is closed." in final.content
    assert b"The appeal decision is final." in complainant_client(scene).get("/my-report/").content
    assert manager.get(url(scene, "")).status_code == 200  # the history shows every event


def test_appeal_panel_allocation_refusal_is_shown(scene: Scene) -> None:
    decide(scene, allocate(scene))
    appeal_lodge(participant=scene.complainant(), grounds=GROUNDS)
    scene.refresh()
    appeal_panel_allocate(participant=scene.case_manager())
    again = signed_in(scene.cast.case_manager).post(
        url(scene, "panel"), {"version": version(scene)}
    )
    assert again.status_code == 400 and b"already sitting" in again.content


# The administrator's sanctions page ------------------------------------------------------------


def test_the_administrator_chooses_an_organisations_sanctions(scene: Scene) -> None:
    organisation = scene.case.organisation
    page_url = f"/admin-area/organisations/{organisation.slug}/sanctions/"
    admin = signed_in(scene.cast.administrator)
    page = admin.get(page_url)
    assert page.status_code == 200 and b"A formal reprimand" in page.content
    assert admin.post(page_url, {}).status_code == 400
    saved = admin.post(page_url, {"codes": ["reprimand", "training"]})
    assert saved.status_code == 302
    assert [s.code for s in sanctions_of(organisation)] == ["no_action", "training", "reprimand"]
    assert admin.get("/admin-area/organisations/nowhere/sanctions/").status_code == 404
    for person in (scene.cast.case_manager, scene.cast.liaison, scene.cast.auditor):
        assert signed_in(person).get(page_url).status_code == 403


@pytest.mark.parametrize("part", ["decision", "panel"])
def test_a_lost_key_ends_the_session(scene: Scene, part: str) -> None:
    panel = allocate(scene)
    person = panel[0] if part == "decision" else scene.cast.case_manager
    client = signed_in(person)
    client.cookies.pop("ombuds_key")
    response = client.get(url(scene, part))
    assert response.status_code == 302 and "ended" in response["Location"]
