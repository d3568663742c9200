"""Every respondent page and every handler page about her, through the test client: the
happy path, someone not on the case (404), a wrong role (403), nobody signed in (to the
sign-in page), bad input (a clear error, everything typed kept, nothing changed)."""

from __future__ import annotations

import re
import uuid
from io import BytesIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ombuds.cases import services as case_services
from ombuds.cases.models import Case
from ombuds.cases.read_models import case_events
from ombuds.intake.services import Submission
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import access_stream, event_metadata
from ombuds.people.keyring import KEY_COOKIE
from ombuds.people.models import User
from ombuds.people.services import account_prepare, account_save, party_sign_in_name
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.respondents.evidence import evidence_add
from ombuds.respondents.models import Invitation
from ombuds.respondents.services import Witness, disclosed_allegations, response_submit
from tests.conftest import PASSWORD, Cast
from tests.respondents.conftest import (
    ALLEGATIONS,
    DISCLOSED,
    HIDDEN,
    RESPONDENT_PASSWORD,
    Respondent,
    fresh,
    handler,
    key_of,
    signed_in,
)

SIGN_IN = "/sign-in/"


def invite_url(case: Case) -> str:
    return f"/cases/{case.reference}/respondent/invite/"


def disclose_url(case: Case) -> str:
    return f"/cases/{case.reference}/respondent/disclose/"


def send_url(case: Case) -> str:
    return f"/cases/{case.reference}/respondent/disclose/send/"


def events(case: Case) -> list[str]:
    return [e.type for e in case_events(case.id)]


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def goes_to_sign_in(response: object) -> bool:
    location = response.get("Location", "")  # type: ignore[attr-defined]
    return response.status_code == 302 and location.startswith(SIGN_IN)  # type: ignore[attr-defined]


def no_script(html: str) -> None:
    assert "<script" not in html.replace(
        '<script src="/static/js/exit-this-page.js" defer></script>', ""
    )
    for form in re.findall(r"<form[^>]*>", html):
        assert 'method="post"' in form


# The invitation --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["investigator", "case_manager"])
def test_invite_shows_the_code_once_and_stores_it_nowhere(
    investigation: Case, cast: Cast, role: str
) -> None:
    client = signed_in(getattr(cast, role))
    page = client.get(invite_url(investigation))
    assert page.status_code == 200 and "Invite the respondent" in text(page)
    no_script(text(page))
    response = client.post(invite_url(investigation), {"version": fresh(investigation).version})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = re.search(r'<p class="receipt" lang="en">([^<]+)</p>', text(response))
    assert code is not None and len(code.group(1).split()) == 7
    assert "http://testserver/respond/join/" in text(response)
    assert events(investigation)[-1] == registry.RESPONDENT_INVITED.type
    for session in Session.objects.all():
        assert code.group(1) not in str(session.get_decoded())
    assert code.group(1) not in str(list(Invitation.objects.values()))
    # It is never shown again: the page now says she has been invited.
    again = client.get(invite_url(investigation))
    assert code.group(1) not in text(again) and "already been invited" in text(again)
    refused = client.post(invite_url(investigation), {"version": fresh(investigation).version})
    assert refused.status_code == 400 and "already been invited" in text(refused)
    # The case page carries the notice and now offers the disclosure (to the investigator).
    case_page = client.get(f"/cases/{investigation.reference}/")
    assert "The respondent has been invited" in text(case_page)
    assert code.group(1) not in text(case_page)
    assert (disclose_url(investigation) in text(case_page)) == (role == "investigator")


def test_invite_is_refused_before_the_investigation(
    anonymous_report: Submission, cast: Cast
) -> None:
    case = case_services.case_acknowledge(actor=cast.case_manager, case=anonymous_report.case)
    client = signed_in(cast.case_manager)
    response = client.post(invite_url(case), {"version": case.version})
    assert response.status_code == 400
    assert "once an investigation is open" in text(response)
    assert registry.RESPONDENT_INVITED.type not in events(case)


def test_case_page_offers_the_invitation_during_investigation(
    investigation: Case, cast: Cast
) -> None:
    for person in (cast.investigator, cast.case_manager):
        assert invite_url(investigation) in text(
            signed_in(person).get(f"/cases/{investigation.reference}/")
        )
    assert invite_url(investigation) not in text(
        signed_in(cast.advocate).get(f"/cases/{investigation.reference}/")
    )


def test_invite_outsider_wrong_role_and_nobody(
    investigation: Case, cast: Cast, outsider: User
) -> None:
    url = invite_url(investigation)
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(outsider).post(url, {"version": 1}).status_code == 404
    assert signed_in(cast.advocate).get(url).status_code == 403
    assert signed_in(cast.advocate).post(url, {"version": 1}).status_code == 403
    assert goes_to_sign_in(Client().get(url)) and goes_to_sign_in(Client().post(url))
    assert registry.RESPONDENT_INVITED.type not in events(investigation)


def test_invite_with_a_stale_version_is_refused(investigation: Case, cast: Cast) -> None:
    client = signed_in(cast.investigator)
    response = client.post(invite_url(investigation), {"version": investigation.version - 1})
    assert response.status_code == 409
    assert not Invitation.objects.filter(case=investigation).exists()


# The disclosure --------------------------------------------------------------------------


def form_of(allegations: list[str], case: Case) -> dict[str, str]:
    data = {f"allegation_{n}": a for n, a in enumerate(allegations, start=1)}
    return {**data, "version": str(fresh(case).version)}


def test_disclose_write_add_check_and_send(invited: Respondent, cast: Cast) -> None:
    case = invited.case
    client = signed_in(cast.investigator)
    page = client.get(disclose_url(case))
    assert page.status_code == 200
    html = text(page)
    no_script(html)
    assert "He made comments about my body" in html  # the account, alongside, for reference
    assert 'name="allegation_1"' in html and 'name="allegation_2"' not in html
    assert "[redact]" in html and "contact details" in html  # the hint
    # Add another: one more field, the typed text kept, nothing stored.
    added = client.post(disclose_url(case), {**form_of(ALLEGATIONS[:1], case), "add": "1"})
    assert added.status_code == 200
    assert 'name="allegation_2"' in text(added) and "office kitchen" in text(added)
    # Check: exactly what she will read, the redacted text gone.
    check = client.post(disclose_url(case), {**form_of(ALLEGATIONS, case), "check": "1"})
    assert check.status_code == 200
    html = text(check)
    assert "Check what the respondent will read" in html
    assert "On 10 March you repeated them at a meeting of the branch." in html
    assert "Allegation 2" in html
    shown = html.split('action="/cases/')[2]  # the text outside the hidden fields
    assert HIDDEN not in re.sub(r'<input type="hidden"[^>]*>', "", shown)
    # Change: back to the form with the markup intact.
    change = client.post(disclose_url(case), {**form_of(ALLEGATIONS, case), "change": "1"})
    assert change.status_code == 200 and HIDDEN in text(change)
    assert registry.ALLEGATIONS_DISCLOSED.type not in events(case)
    # Send.
    sent = client.post(send_url(case), form_of(ALLEGATIONS, case))
    assert sent.status_code == 302 and sent["Location"] == f"/cases/{case.reference}/"
    assert "disclosed to the respondent" in text(client.get(sent["Location"]))
    assert disclosed_allegations(handler(cast.investigator, case)) == DISCLOSED
    # Amending starts from what was disclosed.
    again = client.get(disclose_url(case))
    assert "of the branch." in text(again) and 'name="allegation_2"' in text(again)


@pytest.mark.parametrize(
    ("allegations", "message"),
    [
        (["", "  "], "Write at least one allegation"),
        (["He said [redact]something"], "without a matching"),
        (["[redact]all of it[/redact]"], "nothing left"),
    ],
)
def test_disclose_errors_keep_the_typed_text(
    invited: Respondent, cast: Cast, allegations: list[str], message: str
) -> None:
    client = signed_in(cast.investigator)
    response = client.post(disclose_url(invited.case), {**form_of(allegations, invited.case)})
    assert response.status_code == 400
    html = text(response)
    assert message in html and "There is a problem" in html
    for allegation in allegations:
        if allegation.strip():
            assert allegation in html
    sent = client.post(send_url(invited.case), form_of(allegations, invited.case))
    assert sent.status_code == 400 and message in text(sent)
    assert registry.ALLEGATIONS_DISCLOSED.type not in events(invited.case)


def test_disclose_with_a_stale_version_keeps_the_text(invited: Respondent, cast: Cast) -> None:
    client = signed_in(cast.investigator)
    data = {**form_of(ALLEGATIONS, invited.case), "version": str(invited.case.version - 1)}
    response = client.post(send_url(invited.case), data)
    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)
    assert "of the branch." in text(response)
    assert registry.ALLEGATIONS_DISCLOSED.type not in events(invited.case)


def test_disclose_before_the_invitation_says_why(investigation: Case, cast: Cast) -> None:
    client = signed_in(cast.investigator)
    page = client.get(disclose_url(investigation))
    assert page.status_code == 200 and "Invite the respondent before" in text(page)
    sent = client.post(send_url(investigation), form_of(ALLEGATIONS, investigation))
    assert sent.status_code == 400 and "Invite the respondent before" in text(sent)


@pytest.mark.parametrize("role", ["case_manager", "advocate"])
def test_disclose_wrong_role(invited: Respondent, cast: Cast, role: str) -> None:
    client = signed_in(getattr(cast, role))
    assert client.get(disclose_url(invited.case)).status_code == 403
    response = client.post(send_url(invited.case), form_of(ALLEGATIONS, invited.case))
    assert response.status_code == 403
    assert "Only the investigator" in text(response)
    assert registry.ALLEGATIONS_DISCLOSED.type not in events(invited.case)


def test_disclose_outsider_and_nobody(invited: Respondent, outsider: User) -> None:
    for url in (disclose_url(invited.case), send_url(invited.case)):
        assert signed_in(outsider).post(url, form_of(ALLEGATIONS, invited.case)).status_code == 404
        assert goes_to_sign_in(Client().post(url, form_of(ALLEGATIONS, invited.case)))
    assert signed_in(outsider).get(disclose_url(invited.case)).status_code == 404
    assert goes_to_sign_in(Client().get(disclose_url(invited.case)))


def test_handler_pages_refuse_the_respondent(disclosed: Respondent) -> None:
    client = disclosed.client()
    for url in (invite_url(disclosed.case), disclose_url(disclosed.case)):
        assert client.get(url).status_code == 403


# Joining ---------------------------------------------------------------------------------


def join_form(code: str, password: str = RESPONDENT_PASSWORD, confirm: str | None = None) -> dict:
    return {"code": code, "password": password, "confirm_password": confirm or password}


def test_landing_and_join_pages_are_open_to_all(db: None) -> None:
    landing = Client().get("/respond/")
    assert landing.status_code == 200
    html = text(landing)
    for right in (
        "told the allegations",
        "respond",
        "interviewed",
        "witnesses",
        "draft report",
        "appeal",
    ):
        assert right in html
    assert "/respond/join/" in html
    join = Client().get("/respond/join/")
    assert join.status_code == 200
    no_script(text(join))


def test_join_signs_her_in_and_shows_her_sign_in_name_once(invited: Respondent) -> None:
    client = Client()
    response = client.post("/respond/join/", join_form(invited.code))
    assert response.status_code == 302 and response["Location"] == "/respond/joined/"
    assert response.cookies[KEY_COOKIE].value
    person = User.objects.get(role=Role.RESPONDENT)
    joined = client.get("/respond/joined/")
    assert joined.status_code == 200
    assert person.username in text(joined) and "Write this sign-in name down" in text(joined)
    again = client.get("/respond/joined/")
    assert again.status_code == 302 and again["Location"] == "/respond/case/"
    # She can sign in again with her name and the password she chose.
    later = Client()
    back = later.post(SIGN_IN, {"username": person.username, "password": RESPONDENT_PASSWORD})
    assert back.status_code == 302
    assert later.get("/home/")["Location"] == "/respond/case/"
    assert later.get("/respond/case/").status_code == 200


def test_join_refusals_keep_the_code(invited: Respondent) -> None:
    wrong = "apple banana cherry delta echo foxtrot golf"
    response = Client().post("/respond/join/", join_form(wrong))
    assert response.status_code == 400
    assert "not right" in text(response) and wrong in text(response)
    assert RESPONDENT_PASSWORD not in text(response)
    mismatch = Client().post("/respond/join/", join_form(invited.code, confirm="something else"))
    assert mismatch.status_code == 400 and "The passwords do not match" in text(mismatch)
    assert invited.code in text(mismatch)
    short = Client().post("/respond/join/", join_form(invited.code, password="short"))
    assert short.status_code == 400 and "at least 12 characters" in text(short)
    assert not User.objects.filter(role=Role.RESPONDENT).exists()


def test_join_replaces_whoever_was_signed_in(invited: Respondent, cast: Cast) -> None:
    client = signed_in(cast.investigator)
    client.post("/respond/join/", join_form(invited.code))
    assert client.get("/respond/case/").status_code == 200
    assert client.get(f"/cases/{invited.case.reference}/").status_code == 403


# Her case page ---------------------------------------------------------------------------


def test_case_page_before_the_allegations(joined: Respondent) -> None:
    page = joined.client().get("/respond/case/")
    assert page.status_code == 200
    html = text(page)
    assert joined.case.reference in html and "Being investigated" in html
    assert "You have not been told the allegations yet" in html
    assert "You joined the case" in html
    assert "/respond/response/" not in html


def test_case_page_shows_the_allegations_timeline_and_links(disclosed: Respondent) -> None:
    page = disclosed.client().get("/respond/case/")
    html = text(page)
    assert page.status_code == 200
    no_script(html)
    for allegation in DISCLOSED:
        assert allegation.replace("'", "&#x27;") in html
    assert "You were told the allegations in writing" in html
    assert "/respond/response/" in html


@pytest.mark.parametrize("role", ["investigator", "case_manager", "advocate", "auditor"])
def test_respondent_pages_refuse_other_roles(disclosed: Respondent, cast: Cast, role: str) -> None:
    client = signed_in(getattr(cast, role))
    for url in ("/respond/case/", "/respond/response/", "/respond/joined/"):
        assert client.get(url).status_code == 403


def test_respondent_pages_refuse_a_complainant(
    identified_report: Submission, disclosed: Respondent
) -> None:
    client = Client()
    assert identified_report.sign_in_name
    client.post(SIGN_IN, {"username": identified_report.sign_in_name, "password": PASSWORD})
    assert client.get("/respond/case/").status_code == 403


@pytest.mark.parametrize("url", ["/respond/case/", "/respond/response/", "/respond/joined/"])
def test_respondent_pages_need_sign_in(db: None, url: str) -> None:
    assert goes_to_sign_in(Client().get(url))
    assert goes_to_sign_in(Client().post("/respond/response/"))


def test_a_respondent_whose_key_is_gone_signs_in_again(disclosed: Respondent) -> None:
    client = disclosed.client()
    client.cookies.pop(KEY_COOKIE)
    response = client.get("/respond/case/")
    assert goes_to_sign_in(response) and "ended=1" in response["Location"]


def test_a_respondent_on_no_case_gets_404(db: None) -> None:
    person = account_prepare(
        username=party_sign_in_name("r"), password=RESPONDENT_PASSWORD, role=Role.RESPONDENT
    )
    account_save(person, actor=Actor(pseudonym=person.pseudonym, role=Role.RESPONDENT.value))
    client = signed_in(person, RESPONDENT_PASSWORD)
    assert client.get("/respond/case/").status_code == 404
    assert client.get("/respond/response/").status_code == 404


# Her response ----------------------------------------------------------------------------


def response_form(**fields: str) -> dict[str, str]:
    return {"response": "", "witness_1_name": "", "witness_1_how": "", **fields}


def test_response_page_before_disclosure_says_why(joined: Respondent) -> None:
    client = joined.client()
    page = client.get("/respond/response/")
    assert page.status_code == 200
    assert "once you have been told the allegations" in text(page)
    refused = client.post("/respond/response/", response_form(response="I deny it."))
    assert refused.status_code == 400 and "once you have been told" in text(refused)
    assert registry.RESPONSE_SUBMITTED.type not in events(joined.case)


def test_respond_with_witnesses(disclosed: Respondent, cast: Cast) -> None:
    client = disclosed.client()
    page = client.get("/respond/response/")
    assert page.status_code == 200
    html = text(page)
    no_script(html)
    assert "of the branch." in html  # the allegations she answers
    added = client.post(
        "/respond/response/",
        response_form(response="I deny allegation 2.", witness_1_name="Pat Example", add="1"),
    )
    assert added.status_code == 200
    assert 'name="witness_2_name"' in text(added)
    assert "I deny allegation 2." in text(added) and "Pat Example" in text(added)
    assert registry.RESPONSE_SUBMITTED.type not in events(disclosed.case)
    sent = client.post(
        "/respond/response/",
        response_form(
            response="I deny allegation 2.",
            witness_1_name="Pat Example",
            witness_1_how="Was at the meeting.",
            witness_2_name="",
            witness_2_how="",
        ),
    )
    assert sent.status_code == 302 and sent["Location"] == "/respond/case/"
    case_page = text(client.get("/respond/case/"))
    assert "Your response has been sent" in case_page
    assert "You sent your response" in case_page and "I deny allegation 2." in case_page
    event = case_events(disclosed.case.id)[-1]
    assert event.type == registry.RESPONSE_SUBMITTED.type
    assert event_metadata(event)["witnesses"] == 1


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        ({}, "Write your response, or name at least one witness", ""),
        ({"witness_1_how": "Saw it all."}, "Give the name of witness 1", "Saw it all."),
        ({"response": "x" * 50_001}, "50,000 characters or fewer", ""),
    ],
)
def test_response_errors_keep_the_typed_text(
    disclosed: Respondent, fields: dict[str, str], message: str, kept: str
) -> None:
    response = disclosed.client().post("/respond/response/", response_form(**fields))
    assert response.status_code == 400
    assert message in text(response) and kept in text(response)
    assert registry.RESPONSE_SUBMITTED.type not in events(disclosed.case)


def test_response_after_closure_is_refused(disclosed: Respondent, cast: Cast) -> None:
    case_services.case_close(
        actor=cast.case_manager,
        case=fresh(disclosed.case),
        private_key=key_of(cast.case_manager),
        reason="Resolved another way.",
    )
    client = disclosed.client()
    assert "The case has ended" in text(client.get("/respond/response/"))
    refused = client.post("/respond/response/", response_form(response="Too late."))
    assert refused.status_code == 400 and "Too late." in text(refused)
    assert "/respond/response/" not in text(client.get("/respond/case/"))


# Her evidence ----------------------------------------------------------------------------


def upload(data: bytes = b"My notes of 10 March.\n", name: str = "notes.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_send_evidence(joined: Respondent) -> None:
    client = joined.client()
    page = client.get("/respond/evidence/")
    assert page.status_code == 200
    html = text(page)
    no_script(html)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    sent = client.post(
        "/respond/evidence/",
        {"file": upload(), "description": "My notes of the meeting", "keep_original": "on"},
    )
    assert sent.status_code == 302 and sent["Location"] == "/respond/case/"
    case_page = text(client.get("/respond/case/"))
    assert "Your evidence has been sent" in case_page
    assert "notes.txt" in case_page and "My notes of the meeting" in case_page
    event = case_events(joined.case.id)[-1]
    assert event.type == registry.EVIDENCE_ADDED.type
    download = client.get(f"/respond/evidence/{event_metadata(event)['attachment']}/")
    assert download.status_code == 200 and download.content == b"My notes of 10 March.\n"


def test_evidence_errors_keep_the_description_and_ask_for_the_file_again(
    joined: Respondent,
) -> None:
    client = joined.client()
    refused = client.post(
        "/respond/evidence/",
        {"file": upload(b"MZ\x90\x00binary", "tool.exe"), "description": "What I found"},
    )
    assert refused.status_code == 400
    assert "cannot be sent" in text(refused) and "What I found" in text(refused)
    missing = client.post("/respond/evidence/", {"description": "What I found"})
    assert missing.status_code == 400 and "Choose the file to send" in text(missing)
    assert registry.EVIDENCE_ADDED.type not in events(joined.case)


def test_evidence_upload_checks_csrf(joined: Respondent) -> None:
    client = joined.client()
    assert client.get("/respond/evidence/").status_code == 200  # signed in
    client.handler.enforce_csrf_checks = True
    refused = client.post("/respond/evidence/", {"file": upload(), "description": ""})
    assert refused.status_code == 403
    assert registry.EVIDENCE_ADDED.type not in events(joined.case)


def test_evidence_page_guards(disclosed: Respondent, cast: Cast) -> None:
    assert signed_in(cast.investigator).get("/respond/evidence/").status_code == 403
    assert goes_to_sign_in(Client().get("/respond/evidence/"))
    assert goes_to_sign_in(Client().post("/respond/evidence/", {"file": upload()}))
    assert registry.EVIDENCE_ADDED.type not in events(disclosed.case)


def test_case_page_links_to_messages_with_the_investigator(disclosed: Respondent) -> None:
    html = text(disclosed.client().get("/respond/case/"))
    assert "/respond/messages/" in html and "/respond/evidence/" in html


# The handlers' view of her side ----------------------------------------------------------


def overview_url(case: Case) -> str:
    return f"/cases/{case.reference}/respondent/"


def a_png() -> SimpleUploadedFile:
    """A small image carrying a hidden author, so that stripping changes it."""
    data, info = BytesIO(), PngInfo()
    info.add_text("Author", "Somebody")
    Image.new("RGB", (4, 4), "red").save(data, "PNG", pnginfo=info)
    return SimpleUploadedFile("photo.png", data.getvalue(), content_type="image/png")


def her_evidence(respondent: Respondent, keep_original: bool = True) -> str:
    evidence_add(
        participant=respondent.participant(),
        upload=a_png() if keep_original else upload(),
        description="My notes of the meeting",
        keep_original=keep_original,
    )
    return str(event_metadata(case_events(respondent.case.id)[-1])["attachment"])


def test_overview_shows_her_side_and_logs_the_read(disclosed: Respondent, cast: Cast) -> None:
    response_submit(
        participant=disclosed.participant(),
        response="I deny allegation 2.",
        witnesses=[Witness(name="Pat Example", how="Was at the meeting.")],
    )
    attachment = her_evidence(disclosed)
    for person in (cast.investigator, cast.case_manager):
        client = signed_in(person)
        case_page = text(client.get(f"/cases/{disclosed.case.reference}/"))
        assert overview_url(disclosed.case) in case_page
        before = Event.objects.filter(stream=access_stream(disclosed.case.id)).count()
        page = client.get(overview_url(disclosed.case))
        assert page.status_code == 200
        html = text(page)
        assert "of the branch." in html and "I deny allegation 2." in html
        assert "Pat Example" in html and "Was at the meeting." in html
        assert "My notes of the meeting" in html and attachment in html
        assert Event.objects.filter(stream=access_stream(disclosed.case.id)).count() == before + 1
        file_url = f"{overview_url(disclosed.case)}evidence/{attachment}/"
        download = client.get(file_url)
        assert download.status_code == 200 and b"Somebody" not in download.content
        assert download["X-Content-Type-Options"] == "nosniff"
        original = client.get(f"{file_url}original/")
        assert original.status_code == 200 and b"Somebody" in original.content


def test_overview_guards(disclosed: Respondent, cast: Cast, outsider: User) -> None:
    attachment = her_evidence(disclosed)
    file_url = f"{overview_url(disclosed.case)}evidence/{attachment}/"
    for url in (overview_url(disclosed.case), file_url):
        assert signed_in(cast.advocate).get(url).status_code == 403
        assert signed_in(outsider).get(url).status_code == 404
        assert disclosed.client().get(url).status_code == 403
        assert goes_to_sign_in(Client().get(url))
    other = f"{overview_url(disclosed.case)}evidence/{uuid.uuid4()}/"
    assert signed_in(cast.investigator).get(other).status_code == 404


def test_her_own_evidence_downloads(disclosed: Respondent, cast: Cast) -> None:
    attachment = her_evidence(disclosed, keep_original=False)
    client = disclosed.client()
    assert client.get(f"/respond/evidence/{attachment}/").status_code == 200
    assert client.get(f"/respond/evidence/{attachment}/original/").status_code == 404
    assert client.get(f"/respond/evidence/{uuid.uuid4()}/").status_code == 404
    assert signed_in(cast.investigator).get(f"/respond/evidence/{attachment}/").status_code == 403
    assert goes_to_sign_in(Client().get(f"/respond/evidence/{attachment}/"))
