"""The person checked, on her own page: the checks about her and their purposes, what a
check would answer today, her comment (in English and in Welsh)."""

from __future__ import annotations

from django.test import Client

from ombuds.people.models import Organisation, User
from tests.conftest import Cast, sign_in
from tests.decisions.conftest import RESPONDENT_PASSWORD, bring_to_findings
from tests.vetting.conftest import PURPOSE, check, report_naming


def test_she_sees_the_check_its_purpose_and_todays_answer_and_comments(
    client: Client, cast: Cast, organisation: Organisation, vetter: User
) -> None:
    _, joined = bring_to_findings(report_naming(organisation), cast)
    check(vetter)
    sign_in(client, joined.person.username, RESPONDENT_PASSWORD)
    assert "Vetting checks about you" in client.get("/respond/case/").content.decode()
    page = client.get("/respond/vetting/").content.decode()
    assert PURPOSE in page and "An open investigation" in page
    response = client.post("/respond/vetting/", {"comment": "I dispute the complaint."})
    assert response.status_code == 302
    assert check(vetter).comments == ["I dispute the complaint."]
    response = client.post("/respond/vetting/", {"comment": "x" * 1001})
    assert response.status_code == 400 and 'href="#id_comment"' in response.content.decode()
    welsh = client.get("/cy/respond/vetting/").content.decode()
    assert "Gwiriadau fetio amdanoch chi" in welsh


def test_someone_else_gets_403(client: Client, cast: Cast) -> None:
    sign_in(client, cast.case_manager.username)
    assert client.get("/respond/vetting/").status_code == 403
