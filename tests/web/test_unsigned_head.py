"""A page that would write on top of a ledger head whose signature is not good refuses in
plain words (503), writes nothing, and the refusal reads in Welsh too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from ombuds.intake.services import Submission
from ombuds.ledger.models import Event
from tests.conftest import Cast
from tests.web.test_staff_pages import page, signed_in

pytestmark = pytest.mark.django_db

REFUSAL = (
    "The record cannot be written to until the scheme's administrator has checked it."
    " Nothing was saved: please try again later."
)


def test_a_handlers_page_refuses_on_a_head_without_a_good_signature(
    anonymous_report: Submission, cast: Cast
) -> None:
    client = signed_in(cast.case_manager)
    assert client.get(page(anonymous_report.case)).status_code == 200  # records a read
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET signature = '' WHERE id = 1")
    events = Event.objects.count()
    refused = client.get(page(anonymous_report.case))
    assert refused.status_code == 503
    assert "has checked it" in refused.content.decode().replace("&#x27;", "'")
    assert Event.objects.count() == events


def test_the_refusal_has_welsh() -> None:
    with translation.override("cy"):
        assert gettext(REFUSAL) != REFUSAL
