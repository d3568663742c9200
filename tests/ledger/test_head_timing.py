"""The ledger head's lock-hold time is measured only when asked (the benchmark asks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from ombuds.intake.services import report_submit
from ombuds.people.models import Organisation
from tests.conftest import Cast, an_account

pytestmark = pytest.mark.django_db


def submit(organisation: Organisation) -> None:
    report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


def test_each_committed_command_records_one_hold_time_when_asked(
    cast: Cast,
    organisation: Organisation,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    timings = tmp_path / "head.txt"
    submit(organisation)
    assert not timings.exists()  # off by default
    with (
        override_settings(OMBUDS_HEAD_TIMING_FILE=str(timings)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(organisation)  # appends three events and signs a checkpoint
    lines = timings.read_text().splitlines()
    assert len(lines) == 1  # one per transaction, however many events it appended
    assert all(0 < float(line) < 60_000 for line in lines)
