"""Both parties see the delay register on their own pages; the complainant asks for an
update after 20 quiet working days and a missed answer escalates like any deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.participants import complainant_participant, handler_participant
from ombuds.cases.read_models import case_events
from ombuds.deadlines.delays import delay_explain
from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.deadlines.updates import UPDATE_CLOCK, update_request
from ombuds.intake.services import Submission
from ombuds.lib.errors import TransitionRefused
from ombuds.people.services import person_unlock_key
from ombuds.record import events as registry
from ombuds.timetable.models import Watch
from tests.conftest import PASSWORD, Cast, sign_in_with_receipt
from tests.deadlines.conftest import MONDAY, THURSDAY

pytestmark = pytest.mark.django_db


def test_the_complainant_sees_the_register_and_asks_for_an_update(
    client: Client, cast: Cast, organisation: object, officer: object
) -> None:
    from ombuds.intake.services import report_submit
    from tests.conftest import an_account

    with time_machine.travel(MONDAY, tick=False):
        submission: Submission = report_submit(
            organisation_slug=organisation.slug,  # type: ignore[attr-defined]
            account=an_account(),
            anonymous=True,
        )
    case = submission.case
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        key = person_unlock_key(person=cast.case_manager, password=PASSWORD)
        me = handler_participant(cast.case_manager, Case.objects.get(pk=case.pk), key)
        delay_explain(participant=me, reason="handler_absence", new_date=date(2026, 11, 27))
        sign_in_with_receipt(client, str(submission.receipt))
        page = client.get("/my-report/delays/")
        text = page.content.decode()
        assert "The person handling the case has been absent" in text
        assert "A deadline was missed" in text and "2026-11-27" in text
        # Too early to ask: refused, nothing recorded.
        refused = client.post("/my-report/delays/ask/")
        assert refused.status_code == 400 and "20 working days" in refused.content.decode()
        assert registry.UPDATE_REQUESTED.type not in [e.type for e in case_events(case.id)]

    # 20 working days of silence later (the last handler event was Thursday 26 Nov).
    quiet = datetime(2026, 12, 29, 10, tzinfo=UTC)
    with time_machine.travel(quiet, tick=False):
        sign_in_with_receipt(client, str(submission.receipt))  # a month later: a new session
        asked = client.post("/my-report/delays/ask/")
        assert asked.status_code == 302 and asked["Location"] == "/my-report/delays/"
        assert b"should answer by" in client.get("/my-report/delays/").content
        access_case = Case.objects.get(pk=case.pk)
        assert access_case.stage == "received"
        with pytest.raises(TransitionRefused):  # once until it is answered
            update_request(participant=complainant_participant(submission.access))
    watch = Watch.objects.get(deadline_name=UPDATE_CLOCK)
    # Not answered in two working days: escalated to the oversight officer.
    later = datetime(2027, 1, 4, 9, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        result = deadlines_sweep(later)
    assert result.escalated >= 1
    watch.refresh_from_db()
    assert watch.misses == 1 and watch.responsible == cast.advocate.pseudonym
    assert registry.DEADLINE_MISSED.type in [e.type for e in case_events(case.id)]
