"""The pages of a missed deadline: the handler explains it; the oversight officer sees
it (reference, dates, reason, who; never content), decides an extension, re-allocates."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Case
from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.timetable.models import Watch
from tests.conftest import Cast, date_boxes, sign_in
from tests.deadlines.conftest import THURSDAY

pytestmark = pytest.mark.django_db
ACCOUNT_WORDS = ("councillor", "kitchen", "meeting")


def test_explain_then_the_officer_approves_and_reallocates(
    client: Client, cast: Cast, late_case: Case, officer: User, make_person: object
) -> None:
    make_person(Role.CASE_MANAGER)  # type: ignore[operator]  # someone to re-allocate to
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        ref = late_case.reference
        sign_in(client, cast.case_manager.username)
        case_page = client.get(f"/cases/{ref}/")
        assert b"Explain the missed deadline" in case_page.content
        page = client.get(f"/cases/{ref}/delay/")
        assert page.status_code == 200 and b"25 November 2026" in page.content
        refused = client.post(
            f"/cases/{ref}/delay/", {"reason": "workload", **date_boxes("new_date", "2026-11-28")}
        )
        assert refused.status_code == 400 and b"not a working day" in refused.content
        done = client.post(
            f"/cases/{ref}/delay/",
            {"reason": "complexity", **date_boxes("new_date", "2026-12-14"), "note": "Secret note"},
        )
        assert done.status_code == 302
        assert Watch.objects.get().awaiting_approval

        officer_client = Client()
        sign_in(officer_client, officer.username)
        listing = officer_client.get("/oversight/delays/")
        text = listing.content.decode()
        assert ref in text and "The case is more complex than usual" in text
        assert "Secret note" not in text
        for word in ACCOUNT_WORDS:
            assert word not in text.lower()
        assert officer_client.get("/oversight/delays/?reference=NOPE").status_code == 200
        detail = officer_client.get(f"/oversight/delays/{ref}/")
        assert detail.status_code == 200 and b"Extension to 14 December 2026" in detail.content
        assert b"Secret note" not in detail.content
        decided = officer_client.post(
            f"/oversight/delays/{ref}/extension/", {"decision": "approve"}
        )
        assert decided.status_code == 302
        assert Watch.objects.get().effective_due_at.date() == date(2026, 12, 14)
        bad = officer_client.post(f"/oversight/delays/{ref}/reallocate/", {"role": "advocate"})
        assert bad.status_code == 400
        typed = officer_client.post(
            f"/oversight/delays/{ref}/reallocate/",
            {"role": "case_manager", "why": "She is hopeless, see the complaint"},
        )  # only a hand-made post sends words: refused, nothing recorded
        assert typed.status_code == 400
        assert b"Choose why the case is being re-allocated" in typed.content
        moved = officer_client.post(
            f"/oversight/delays/{ref}/reallocate/",
            {"role": "case_manager", "why": "repeated_misses"},
        )
        assert moved.status_code == 302
        # The first case manager is off the case: it is hidden from her now.
        assert client.get(f"/cases/{ref}/").status_code == 404


def test_the_auditor_reads_the_delay_register_without_references_or_names(
    client: Client, cast: Cast, late_case: Case
) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        deadlines_sweep(THURSDAY)
        sign_in(client, cast.auditor.username)
        page = client.get("/oversight/delay-register/")
        text = page.content.decode()
        assert page.status_code == 200 and "Case manager" in text and "Acknowledge" in text
        assert text.count("<tr>") == 2  # the heading and the one missed deadline
        secrets = [late_case.reference, str(late_case.id), *ACCOUNT_WORDS]
        for person in User.objects.all():
            secrets += [person.pseudonym, person.username, person.display_name]
        assert not [s for s in secrets if s and s in text]
        assert client.get("/oversight/delay-register/?page=0").status_code == 404
