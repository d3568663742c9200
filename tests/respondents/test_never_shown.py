"""The respondent is never shown the complainant's receipt, name, contact details or
anything not disclosed to her, on any of her pages, before or after the case ends; and her
keys cannot open anything written with the case key."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ombuds.cases import services as case_services
from ombuds.cases.keys import open_event
from ombuds.cases.participants import respondent_participant
from ombuds.cases.read_models import case_events
from ombuds.intake.services import Submission, report_add_information
from ombuds.ledger.services import event_content, event_metadata
from ombuds.lib.errors import DecryptionFailed
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record.spec import Key
from ombuds.respondents.services import (
    Witness,
    allegations_disclose,
    respondent_invite,
    response_submit,
)
from tests.conftest import Cast
from tests.respondents.conftest import (
    ALLEGATIONS,
    HIDDEN,
    RESPONDENT_PASSWORD,
    fresh,
    handler,
    key_of,
    open_investigation,
)

ADDED = "Later I remembered he also followed me to the car park."
CLOSING = "Closed after the complainant's request, reason kept from the respondent."
ACCOUNT = (
    "He made comments about my body",
    "A senior councillor",
    "Last Tuesday",
    "Head office",
    "I want it to stop",
)


def her_pages(client: Client, attachment: str) -> list[str]:
    """Every page the respondent can open, as she would open it."""
    pages = []
    for url in (
        "/respond/",
        "/respond/join/",
        "/respond/case/",
        "/respond/response/",
        "/respond/evidence/",
        f"/respond/evidence/{attachment}/",
        "/respond/messages/",
        "/home/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    refused = client.post("/respond/response/", {"witness_1_how": "Saw it."})
    assert refused.status_code == 400
    pages.append(refused.content.decode())
    return pages


@pytest.mark.parametrize("which", ["anonymous_report", "identified_report"])
def test_nothing_undisclosed_reaches_the_respondent(
    request: pytest.FixtureRequest, cast: Cast, which: str
) -> None:
    report: Submission = request.getfixturevalue(which)
    report_add_information(access=report.access, text=ADDED)
    case = open_investigation(fresh(report.case), cast)
    code = respondent_invite(participant=handler(cast.investigator, case)).code

    client = Client()
    joined = client.post(
        "/respond/join/",
        {"code": code, "password": RESPONDENT_PASSWORD, "confirm_password": RESPONDENT_PASSWORD},
        follow=True,
    )
    assert joined.status_code == 200
    pages = [joined.content.decode()]
    allegations_disclose(participant=handler(cast.investigator, case), allegations=ALLEGATIONS)
    person = User.objects.get(role="respondent")
    respondent = respondent_participant(
        person, person_unlock_key(person=person, password=RESPONDENT_PASSWORD)
    )
    response_submit(
        participant=respondent,
        response="I deny it.",
        witnesses=[Witness(name="Pat Example", how="Was there.")],
    )
    client.post(
        "/respond/evidence/",
        {"file": SimpleUploadedFile("mine.txt", b"My own notes.\n"), "description": "Notes"},
    )
    attachment = str(event_metadata(case_events(case.id)[-1])["attachment"])
    pages += her_pages(client, attachment)
    case_services.case_close(
        actor=cast.case_manager,
        case=fresh(case),
        private_key=key_of(cast.case_manager),
        reason=CLOSING,
    )
    pages += her_pages(client, attachment)

    secrets = [*ACCOUNT, ADDED, HIDDEN, CLOSING, "Alex Example", "alex@example.org"]
    if report.receipt:
        secrets += [report.receipt, report.receipt.replace(" ", "-")]
    if report.sign_in_name:
        secrets.append(report.sign_in_name)
    for html in pages:
        for secret in secrets:
            assert secret not in html.replace("&#x27;", "'")
    assert all("of the branch." in html for html in pages[3:5])  # what was disclosed is

    # Her keys open the respondent channel only: nothing written with the case key.
    keys = respondent.keys()
    assert set(keys) == {Key.RESPONDENT}
    case_key_events = [
        e for e in case_events(case.id) if event_metadata(e).get("key", Key.CASE) == Key.CASE
    ]
    assert any(bytes(e.body) for e in case_key_events)
    for event in case_key_events:
        assert open_event(event, keys) is None
        if bytes(event.body):
            with pytest.raises(DecryptionFailed):
                event_content(event, keys[Key.RESPONDENT])
