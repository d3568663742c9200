"""Message, download and support pages through the Django test client: each page's happy
path, someone not on the case (404), the wrong role (403), the complainant by receipt,
and forms that work without JavaScript and lose nothing typed but the file."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.read_models import case_events
from ombuds.intake.services import Submission
from ombuds.ledger.services import event_metadata
from ombuds.messaging import files, views
from ombuds.messaging.forms import CHOOSE_AGAIN, KEEP_ORIGINAL
from ombuds.messaging.models import Attachment
from ombuds.messaging.services import message_send
from ombuds.people.models import User
from ombuds.record import events
from tests.conftest import Cast, sign_in, sign_in_with_receipt
from tests.messaging.conftest import (
    EXE,
    RESPONDENT_PASSWORD,
    Parties,
    jpeg_with_gps,
    upload,
)

CA, CI, RI = "complainant-advocate", "complainant-investigator", "respondent-investigator"


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def signed_in(person: User, password: str | None = None) -> Client:
    client = Client()
    if password:
        sign_in(client, person.username, password)
    else:
        sign_in(client, person.username)
    return client


def receipt_client(report: Submission) -> Client:
    client = Client()
    assert report.receipt is not None
    sign_in_with_receipt(client, report.receipt)
    return client


def respondent_client(parties: Parties) -> Client:
    return signed_in(parties.respondent_person, RESPONDENT_PASSWORD)


def case_thread(case: Case, thread: str) -> str:
    return f"/cases/{case.reference}/messages/{thread}/"


def last_event(case: Case) -> Any:
    return case_events(case.id)[-1]


def sent_file(parties: Parties, thread: str = CA) -> Attachment:
    sender = parties.complainant if thread == CA else parties.respondent
    message_send(
        participant=sender,
        thread=thread,
        text="See the photo.",
        upload=upload("kitchen.jpg", jpeg_with_gps()),
        keep_original=True,
    )
    return Attachment.objects.get(pk=event_metadata(last_event(parties.case))["attachments"][0])


def assert_no_script_and_a_plain_form(page: str, action: str) -> None:
    assert "<script" not in page.replace(
        '<script src="/static/js/exit-this-page.js" defer></script>', ""
    )
    form = re.search(r"<form [^>]*>", page.split("<main", 1)[1])
    assert form is not None
    tag = form.group(0)
    assert 'method="post"' in tag and f'action="{action}"' in tag
    assert 'enctype="multipart/form-data"' in tag
    assert 'name="csrfmiddlewaretoken"' in page
    for name in ("text", "file", "description", "keep_original"):
        assert f'name="{name}"' in page


# The complainant ---------------------------------------------------------------------------


def test_complainant_by_receipt_lists_her_threads(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    message_send(participant=parties.advocate, thread=CA, text="Hello, I am your advocate.")
    page = text_of(client.get("/my-report/messages/"))
    assert "Messages with your advocate (1 new)" in page
    assert "Messages with the investigator" in page
    assert "/my-report/messages/complainant-advocate/" in page


def test_complainant_before_an_advocate_is_named_has_no_threads(
    anonymous_report: Submission,
) -> None:
    from ombuds.cases.models import Assignment

    client = receipt_client(anonymous_report)
    page = text_of(client.get("/my-report/messages/"))
    assert "Messages with your advocate" in page  # allocated at submission
    assert not Assignment.objects.filter(case=anonymous_report.case, role="investigator").exists()
    assert "Messages with the investigator" not in page
    assert client.get(f"/my-report/messages/{CI}/").status_code == 404


def test_complainant_reads_and_replies(anonymous_report: Submission, parties: Parties) -> None:
    client = receipt_client(anonymous_report)
    message_send(participant=parties.advocate, thread=CA, text="How are you doing?")
    url = f"/my-report/messages/{CA}/"
    page = text_of(client.get(url))
    assert "How are you doing?" in page and "Your advocate" in page
    assert_no_script_and_a_plain_form(page, url)
    assert str(KEEP_ORIGINAL) in page
    response = client.post(url, {"text": "Better, thank you."})
    assert response.status_code == 302 and response["Location"] == url
    page = text_of(client.get(url))
    assert "Better, thank you." in page and "Your message has been sent." in page
    assert event_metadata(last_event(parties.case))["thread"] == CA


def test_complainant_sends_a_file_and_downloads_it(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    url = f"/my-report/messages/{CI}/"
    response = client.post(
        url,
        {
            "text": "The photo.",
            "file": upload("kitchen.jpg", jpeg_with_gps()),
            "description": "The kitchen",
            "keep_original": "on",
        },
    )
    assert response.status_code == 302
    (attachment,) = Attachment.objects.all()
    assert attachment.original_kept
    page = text_of(client.get(url))
    assert "Download kitchen.jpg" in page and "The kitchen" in page
    assert f"/my-report/attachments/{attachment.id}/" in page
    assert f"/my-report/attachments/{attachment.id}/original/" in page
    download = client.get(f"/my-report/attachments/{attachment.id}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == 'attachment; filename="kitchen.jpg"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"SpyCam" not in download.content
    original = client.get(f"/my-report/attachments/{attachment.id}/original/")
    assert original.status_code == 200 and b"SpyCam" in original.content
    assert 'filename="kitchen-original.jpg"' in original["Content-Disposition"]


def test_a_refused_file_keeps_the_text_and_asks_for_a_file_again(
    anonymous_report: Submission, parties: Parties, blob_dir: Path
) -> None:
    client = receipt_client(anonymous_report)
    before = len(case_events(parties.case.id))
    response = client.post(
        f"/my-report/messages/{CA}/",
        {
            "text": "My words stay.",
            "file": upload("statement.pdf", EXE),
            "description": "So does this",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page and files.NOT_ALLOWED in page
    assert 'href="#id_file"' in page
    assert 'aria-describedby="id_file-hint id_file-error"' in page
    assert "My words stay.</textarea>" in page and 'value="So does this"' in page
    assert len(case_events(parties.case.id)) == before and not Attachment.objects.exists()


def test_any_other_problem_asks_for_the_file_again(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    response = client.post(
        f"/my-report/messages/{CA}/",
        {"text": "x" * 20_001, "file": upload("note.txt", b"fine\n"), "keep_original": "on"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert str(CHOOSE_AGAIN) in page and "20,000 characters" in page
    assert 'aria-describedby="id_file-hint id_file-error"' in page
    assert re.search(r'name="keep_original"[^>]*checked', page)
    assert not Attachment.objects.exists()


def test_a_described_file_not_chosen_is_refused_at_the_file_field(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    response = client.post(
        f"/my-report/messages/{CA}/", {"text": "Kept words", "description": "My notes"}
    )
    page = text_of(response)
    assert response.status_code == 400 and "Kept words" in page and "My notes" in page
    summary = page[page.index("error-summary__list") : page.index("</ul>")]
    assert 'href="#id_file">You described a file but did not choose one' in summary
    assert 'aria-describedby="id_file-hint id_file-error"' in page


def test_a_file_over_the_limit_is_refused_on_the_page(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    response = client.post(
        f"/my-report/messages/{CA}/",
        {"text": "Big one", "file": upload("big.txt", b"a" * (files.MAX_BYTES + 1))},
    )
    assert response.status_code == 400
    assert files.TOO_LARGE in text_of(response)
    assert not Attachment.objects.exists()


def test_uploads_stay_in_memory_even_when_large(
    anonymous_report: Submission, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []
    real = views.message_send

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs["upload"])
        return real(**kwargs)

    monkeypatch.setattr(views, "message_send", spy)
    client = receipt_client(anonymous_report)
    data = b"line of evidence\n" * 200_000  # ~3.4 MB: Django would spill it to a temp file
    response = client.post(f"/my-report/messages/{CA}/", {"file": upload("long.txt", data)})
    assert response.status_code == 302
    assert isinstance(seen[0], InMemoryUploadedFile)


def test_the_complainant_cannot_open_the_respondents_thread(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = receipt_client(anonymous_report)
    assert client.get(f"/my-report/messages/{RI}/").status_code == 403
    assert client.post(f"/my-report/messages/{RI}/", {"text": "hi"}).status_code == 403
    attachment = sent_file(parties, RI)
    assert client.get(f"/my-report/attachments/{attachment.id}/").status_code == 403
    assert client.get("/my-report/messages/nobody/").status_code == 404


def test_complainant_pages_need_her_session(parties: Parties) -> None:
    attachment = sent_file(parties)
    for url in (
        "/my-report/messages/",
        f"/my-report/messages/{CA}/",
        f"/my-report/attachments/{attachment.id}/",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"] == "/return/"


def test_an_identified_complainant_uses_her_account(
    identified_report: Submission, cast: Cast
) -> None:
    client = Client()
    assert identified_report.sign_in_name is not None
    sign_in(client, identified_report.sign_in_name)
    response = client.post(f"/my-report/messages/{CA}/", {"text": "Signed in with my account."})
    assert response.status_code == 302
    assert "Signed in with my account." in text_of(client.get(f"/my-report/messages/{CA}/"))


def test_a_post_without_the_csrf_token_is_refused(
    anonymous_report: Submission, parties: Parties
) -> None:
    client = Client(enforce_csrf_checks=True)
    assert anonymous_report.receipt is not None
    page = client.get("/return/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    client.post("/return/", {"receipt": anonymous_report.receipt, "csrfmiddlewaretoken": token[1]})
    before = len(case_events(parties.case.id))
    response = client.post(f"/my-report/messages/{CA}/", {"text": "forged"})
    assert response.status_code == 403
    assert len(case_events(parties.case.id)) == before


def test_a_tampered_file_is_a_404_not_a_500(
    anonymous_report: Submission, parties: Parties, blob_dir: Path
) -> None:
    attachment = sent_file(parties)
    blob = blob_dir / attachment.path
    stored = blob.read_bytes()
    # Flip the last byte's lowest bit: always a change (setting it to 0 was none when it
    # already was, one time in 256).
    blob.write_bytes(stored[:-1] + bytes([stored[-1] ^ 1]))
    client = receipt_client(anonymous_report)
    assert client.get(f"/my-report/attachments/{attachment.id}/").status_code == 404


def test_the_message_links_appear_on_her_report_page(
    anonymous_report: Submission, parties: Parties
) -> None:
    message_send(participant=parties.advocate, thread=CA, text="Hello.")
    page = text_of(receipt_client(anonymous_report).get("/my-report/"))
    assert "Messages with your advocate (1 new)" in page


def test_after_closure_the_page_reads_but_does_not_send(
    anonymous_report: Submission, parties: Parties, cast: Cast
) -> None:
    from ombuds.cases import services as case_services
    from tests.messaging.conftest import key_of

    message_send(participant=parties.advocate, thread=CA, text="Last word.")
    case_services.case_close(
        actor=cast.case_manager,
        case=Case.objects.get(pk=parties.case.pk),
        private_key=key_of(cast.case_manager),
        reason="Resolved.",
    )
    client = receipt_client(anonymous_report)
    page = text_of(client.get(f"/my-report/messages/{CA}/"))
    assert (
        "Last word." in page and "This case has ended" in page and "multipart/form-data" not in page
    )
    response = client.post(f"/my-report/messages/{CA}/", {"text": "Still there?"})
    assert response.status_code == 400 and "This case has ended" in text_of(response)


# The respondent ----------------------------------------------------------------------------


def test_respondent_reads_replies_and_downloads(parties: Parties) -> None:
    client = respondent_client(parties)
    message_send(participant=parties.investigator, thread=RI, text="Please send your account.")
    page = text_of(client.get("/respond/messages/"))
    assert "Messages with the investigator" in page and "Please send your account." in page
    assert_no_script_and_a_plain_form(page, "/respond/messages/")
    response = client.post(
        "/respond/messages/", {"text": "Here it is.", "file": upload("account.txt", b"mine\n")}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.key_purpose == "respondent"
    download = client.get(f"/respond/attachments/{attachment.id}/")
    assert download.status_code == 200 and download.content == b"mine\n"
    assert download["Content-Type"] == "text/plain; charset=utf-8"


def test_respondent_cannot_download_the_complainants_files(parties: Parties) -> None:
    attachment = sent_file(parties, CA)
    response = respondent_client(parties).get(f"/respond/attachments/{attachment.id}/")
    assert response.status_code == 403


def test_respondent_pages_send_the_signed_out_to_sign_in_and_refuse_other_roles(
    parties: Parties, cast: Cast
) -> None:
    """The same answers as every respondent page (one guard, `cases.guards`)."""
    response = Client().get("/respond/messages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert signed_in(cast.case_manager).get("/respond/messages/").status_code == 403


# Handlers ---------------------------------------------------------------------------------


def test_advocate_reads_and_replies(parties: Parties, cast: Cast) -> None:
    message_send(participant=parties.complainant, thread=CA, text="Can you call me?")
    client = signed_in(cast.advocate)
    url = case_thread(parties.case, CA)
    page = text_of(client.get(url))
    assert "Messages with the complainant" in page and "Can you call me?" in page
    assert_no_script_and_a_plain_form(page, url)
    response = client.post(url, {"text": "Yes, tomorrow at noon."})
    assert response.status_code == 302 and response["Location"] == url


def test_investigator_has_both_threads_and_case_links(parties: Parties, cast: Cast) -> None:
    message_send(participant=parties.respondent, thread=RI, text="Hello.")
    client = signed_in(cast.investigator)
    page = text_of(client.get(f"/cases/{parties.case.reference}/"))
    assert "Messages with the complainant" in page
    assert "Messages with the respondent (1 new)" in page
    for thread in (CI, RI):
        assert client.get(case_thread(parties.case, thread)).status_code == 200
    page = text_of(client.get(f"/cases/{parties.case.reference}/"))
    assert "Messages with the respondent (1 new)" not in page
    assert client.get(case_thread(parties.case, CA)).status_code == 403


def test_other_handlers_on_the_case_get_403(parties: Parties, cast: Cast) -> None:
    attachment = sent_file(parties)
    client = signed_in(cast.case_manager)
    for thread in (CA, CI, RI):
        assert client.get(case_thread(parties.case, thread)).status_code == 403
    assert client.post(case_thread(parties.case, CA), {"text": "x"}).status_code == 403
    base = f"/cases/{parties.case.reference}/attachments/{attachment.id}/"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}original/").status_code == 403


def test_someone_not_on_the_case_gets_404(parties: Parties, outsider: User) -> None:
    attachment = sent_file(parties)
    client = signed_in(outsider)
    assert client.get(case_thread(parties.case, CA)).status_code == 404
    assert client.get(f"/cases/{parties.case.reference}/support/").status_code == 404
    url = f"/cases/{parties.case.reference}/attachments/{attachment.id}/"
    assert client.get(url).status_code == 404


def test_handler_download(parties: Parties, cast: Cast) -> None:
    attachment = sent_file(parties)
    client = signed_in(cast.advocate)
    url = f"/cases/{parties.case.reference}/attachments/{attachment.id}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    unknown = f"/cases/{parties.case.reference}/attachments/00000000-0000-4000-8000-000000000000/"
    assert client.get(unknown).status_code == 404


# Support ----------------------------------------------------------------------------------


def test_advocate_records_support(parties: Parties, cast: Cast) -> None:
    client = signed_in(cast.advocate)
    url = f"/cases/{parties.case.reference}/support/"
    page = text_of(client.get(url))
    assert (
        "Record support given" in page
        and "Safety planning" in page
        and "<script"
        not in page.replace('<script src="/static/js/exit-this-page.js" defer></script>', "")
    )
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    response = client.post(
        url, {"version": version[1], "kind": "counselling_referral", "notes": "Gave the number."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{parties.case.reference}/"
    assert last_event(parties.case).type == events.SUPPORT_RECORDED.type
    page = text_of(client.get(url))
    assert "Referred to counselling" in page and "Gave the number." in page


def test_support_other_without_notes_is_refused_and_keeps_the_choice(
    parties: Parties, cast: Cast
) -> None:
    client = signed_in(cast.advocate)
    url = f"/cases/{parties.case.reference}/support/"
    before = len(case_events(parties.case.id))
    response = client.post(url, {"version": parties.case.version, "kind": "other", "notes": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "Describe the support you gave" in page
    assert re.search(r'value="other"[^>]*checked', page)
    assert len(case_events(parties.case.id)) == before


def test_only_the_advocate_has_the_support_page(parties: Parties, cast: Cast) -> None:
    for person in (cast.case_manager, cast.investigator):
        response = signed_in(person).get(f"/cases/{parties.case.reference}/support/")
        assert response.status_code == 403
    page = text_of(signed_in(cast.advocate).get(f"/cases/{parties.case.reference}/"))
    assert "Record support given" in page
