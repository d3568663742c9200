"""`ombuds demo` run again on the same data: the logins it prints still work, and the
respondent's invitation code, which works once, is not offered again once used."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from ombuds.demo import DEMO_PASSWORD, seed_demo
from ombuds.respondents.services import respondent_join
from tests.conftest import sign_in_with_receipt


@pytest.mark.django_db
def test_a_second_run_says_the_invitation_was_used(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        first = seed_demo()
        assert first.invitation and not first.invitation_used
        again = seed_demo()
        assert again.invitation == first.invitation and not again.invitation_used
        respondent_join(code=first.invitation, password=DEMO_PASSWORD + " respondent")
        after = seed_demo()
        assert after.invitation_used


@pytest.mark.django_db
def test_the_closed_case_shows_its_complainant_her_advocates_check_in(
    tmp_path: Path, client: Client
) -> None:
    with override_settings(DATA_DIR=tmp_path):
        seeded = seed_demo()
        assert seeded.closed_receipt
        assert seed_demo().closed_receipt == seeded.closed_receipt  # a re-run prints it too
    sign_in_with_receipt(client, seeded.closed_receipt)
    page = client.get("/my-report/").content.decode()
    assert "Your advocate is checking in" in page
    assert "Your advocate checked in with you" in page
    assert "whether the atmosphere in the branch has changed" in page
    assert "Has anything happened since" in page
