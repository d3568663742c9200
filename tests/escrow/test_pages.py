"""The escrow's pages: the person's own entries and the counsellor's matches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ombuds.escrow.models import Entry, Match
from ombuds.intake.services import Submission
from ombuds.people.models import User
from tests.conftest import sign_in, sign_in_with_receipt

pytestmark = pytest.mark.django_db


def _entry(client: Client, name: str, account: str, prefix: str = "") -> Any:
    return client.post(
        f"{prefix}/my-report/escrow/",
        {"name": name, "email": "", "phone": "", "handle": "", "account": account},
    )


def test_two_complainants_a_match_the_counsellor_and_a_decision(
    anonymous_report: Submission, identified_report: Submission, counsellor: User
) -> None:
    alice, bea = Client(), Client()
    assert anonymous_report.receipt
    sign_in_with_receipt(alice, anonymous_report.receipt)
    assert identified_report.sign_in_name
    sign_in(bea, identified_report.sign_in_name)

    page = alice.get("/my-report/escrow/")
    assert page.status_code == 200 and b"Hold my entry, sealed" in page.content
    refused = _entry(alice, "John", "words")
    assert refused.status_code == 400
    assert b"A first name alone matches too many people" in refused.content
    assert b'value="John"' in refused.content  # nothing typed is lost
    assert _entry(alice, "John Doe MP", "Alice's words").status_code == 302
    assert _entry(bea, "Doe, John", "Bea's words").status_code == 302
    assert b"Your entry is held, sealed" in bea.get("/my-report/escrow/").content

    counsellor_client = Client()
    sign_in(counsellor_client, counsellor.username)
    (match,) = Match.objects.all()
    listing = counsellor_client.get("/escrow/")
    assert f"/escrow/{match.id}/".encode() in listing.content
    opened = counsellor_client.get(f"/escrow/{match.id}/")
    assert b"Alice&#x27;s words" in opened.content and b"Bea&#x27;s words" in opened.content
    alice_entry = Entry.objects.order_by("created_at").first()
    assert alice_entry is not None
    sent = counsellor_client.post(
        f"/escrow/{match.id}/contact/{alice_entry.id}/", {"message": "Can we talk?"}
    )
    assert sent.status_code == 302
    mine = alice.get("/my-report/escrow/")
    assert b"Can we talk?" in mine.content and b"Save my decision" in mine.content
    # Sent without a choice: an error summary linking to the choice, and nothing decided.
    unchosen = alice.post(f"/my-report/escrow/{alice_entry.id}/decide/", {})
    text = unchosen.content.decode()
    assert unchosen.status_code == 400 and text.startswith("<!doctype html>")
    link = re.search(
        r'class="error-summary".*?<a href="#([^"]+)">Choose whether to go on', text, re.S
    )
    assert link is not None and text.count(f'id="{link.group(1)}"') == 1
    assert "<title>Error:" in text
    decided = alice.post(f"/my-report/escrow/{alice_entry.id}/decide/", {"decision": "go_on"})
    assert decided.status_code == 302 and decided["Location"] == "/my-report/"
    assert b"Alice&#x27;s words" in alice.get("/my-report/").content
    # Bea cannot act on Alice's entry.
    assert bea.post(f"/my-report/escrow/{alice_entry.id}/withdraw/").status_code == 404
    assert alice.post(f"/my-report/escrow/{alice_entry.id}/withdraw/").status_code == 302
    assert Entry.objects.get(pk=alice_entry.id).withdrawn_at is not None


def test_the_persons_escrow_page_in_welsh(anonymous_report: Submission, counsellor: User) -> None:
    client = Client()
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    page = client.get("/cy/my-report/escrow/")
    text = page.content.decode()
    assert page.status_code == 200 and '<html lang="cy">' in text
    assert "Enwi rhywun dim ond os bydd eraill yn gwneud hefyd" in text
    assert "o leiaf 2 o bobl wahanol" in text  # the threshold the instance uses
    assert 'action="/cy/my-report/escrow/"' in text and "Eu henw llawn" in text
    refused = client.post("/cy/my-report/escrow/", {"name": "John Doe", "account": ""})
    assert (
        refused.status_code == 400 and "Ysgrifennwch beth ddigwyddodd" in refused.content.decode()
    )
    sent = _entry(client, "John Doe", "words", prefix="/cy")
    assert sent.status_code == 302 and sent["Location"] == "/cy/my-report/escrow/"
    assert "Mae eich cofnod yn cael ei gadw" in client.get(sent["Location"]).content.decode()
    status = client.get("/cy/my-report/").content.decode()
    assert 'href="/cy/my-report/escrow/"' in status
