"""`ombuds demo` run again on the same data: the logins it prints still work, and the
respondent's invitation code, which works once, is not offered again once used."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from ombuds.demo import DEMO_PASSWORD, seed_demo
from ombuds.respondents.services import respondent_join


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
