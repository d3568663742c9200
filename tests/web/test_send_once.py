"""Finding 9 of issue 7: posting the same "Send report" form twice creates one case."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from ombuds.cases.models import Case
from ombuds.intake import services
from ombuds.intake.models import SentForm
from ombuds.intake.services import AlreadySent, new_send_token, report_submit
from ombuds.ledger.models import Event
from ombuds.people.models import Organisation
from tests.conftest import Cast, an_account, walk_report
from tests.web.test_complainant_pages import answers, receipt_on

pytestmark = pytest.mark.django_db


def the_send_form(client: Client, organisation: Organisation) -> dict[str, str]:
    """What the check-answers page's "Send report" form posts."""
    data = answers(organisation)
    page = walk_report(client, data).content.decode()
    token = re.search(r'name="send_token" value="([0-9a-f]{32})"', page)
    assert token is not None
    return {**data, "send_token": token.group(1)}


def text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_finding_9_double_send_creates_one_case(cast: Cast, organisation: Organisation) -> None:
    client = Client()
    form = the_send_form(client, organisation)
    first = client.post("/report/send/", form)
    assert first.status_code == 302 and first["Location"] == "/report/sent/"
    assert receipt_on(text(client.get("/report/sent/")))  # shown, once
    events = Event.objects.count()
    # The same form again, from the same browser (a double click, a resend): the same
    # confirmation, which no longer shows the seven words, and nothing new.
    second = client.post("/report/send/", form)
    assert second.status_code == 302 and second["Location"] == "/report/sent/"
    page = text(client.get("/report/sent/"))
    assert "Report received" in page and Case.objects.get().reference in page
    assert receipt_on(page) is None and "only once" in page
    # From a browser without her session (the old cookie of a double click): told it
    # was sent, shown nothing of it.
    elsewhere = Client().post("/report/send/", form)
    assert elsewhere.status_code == 200
    assert "already been sent" in text(elsewhere)
    assert Case.objects.get().reference not in text(elsewhere)
    assert Case.objects.count() == 1 and Event.objects.count() == events


def test_a_send_form_without_its_token_sends_nothing(
    cast: Cast, organisation: Organisation
) -> None:
    events = Event.objects.count()
    for token in ("", "not-a-token"):
        response = Client().post("/report/send/", {**answers(organisation), "send_token": token})
        assert response.status_code == 200
        assert services.FORM_EXPIRED in text(response)
        # Her answers are still there to send again.
        assert "The regional organiser" in text(response)
    assert Case.objects.count() == 0 and Event.objects.count() == events


def test_two_sends_racing_past_the_first_check_commit_once(
    cast: Cast, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early check is a courtesy; the primary key inside the transaction decides."""
    token = new_send_token()
    report_submit(
        organisation_slug=organisation.slug,
        account=an_account(),
        anonymous=True,
        send_token=token,
    )
    events = Event.objects.count()
    monkeypatch.setattr(services, "_check_send_token", lambda send_token: None)
    with pytest.raises(AlreadySent):
        report_submit(
            organisation_slug=organisation.slug,
            account=an_account(),
            anonymous=True,
            send_token=token,
        )
    assert Case.objects.count() == 1 and Event.objects.count() == events
    assert list(SentForm.objects.values_list("token", flat=True)) == [token]
