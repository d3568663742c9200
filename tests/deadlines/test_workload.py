"""Your cases: only her own, filtered, sorted, searched and paged in the database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Assignment, Case
from ombuds.cases.selectors import WORKLOAD_PAGE, WorkloadQuery, workload
from ombuds.intake.services import Submission
from ombuds.people.models import Organisation, User
from tests.conftest import Cast, sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def many_cases(person: User, organisation: Organisation, n: int) -> list[Case]:
    """Read-model rows only (as the benchmark makes them): the list reads nothing else."""
    cases = [
        Case(
            id=uuid.uuid4(),
            reference=f"TST-{i:04d}",
            organisation=organisation,
            anonymous=True,
            stage="investigation" if i % 2 else "received",
            received_at=NOW - timedelta(days=i + 1),
            stage_entered_at=NOW - timedelta(days=(i * 7) % 50),
            deadline_name="investigation",
            deadline_at=NOW + timedelta(days=i - 10),
            version=1,
        )
        for i in range(n)
    ]
    Case.objects.bulk_create(cases)
    Assignment.objects.bulk_create(
        Assignment(case=c, person=person, role=person.role) for c in cases
    )
    return cases


def refs(page: object) -> list[str]:
    return [c.reference for c in page.cases]  # type: ignore[attr-defined]


def test_filters_sorting_search_and_pages(
    cast: Cast, organisation: Organisation, anonymous_report: Submission, outsider: User
) -> None:
    cm = cast.case_manager
    many_cases(cm, organisation, 120)
    soon = NOW + timedelta(days=1, hours=1)

    def page(**query: object) -> object:
        return workload(cm, WorkloadQuery(**query), now=NOW, soon=soon)  # type: ignore[arg-type]

    first = page()
    assert len(first.cases) == WORKLOAD_PAGE and first.has_next  # type: ignore[attr-defined]
    last = page(page=5)
    assert not last.has_next and len(last.cases) == 121 - 4 * WORKLOAD_PAGE  # type: ignore[attr-defined]
    overdue = refs(page(due="overdue"))
    assert overdue and all(int(r[4:]) < 10 for r in overdue if r.startswith("TST"))
    assert refs(page(due="soon")) == ["TST-0010", "TST-0011"]
    due = [c.deadline_at for c in page(sort="deadline").cases]  # type: ignore[attr-defined]
    assert due == sorted(due)
    assert refs(page(reference="tst-0042")) == ["TST-0042"]
    assert all(c.stage == "received" for c in page(stage="received").cases)  # type: ignore[attr-defined]
    ages = [c.stage_entered_at for c in page(sort="stage_age").cases]  # type: ignore[attr-defined]
    assert ages == sorted(ages)
    assert refs(page(organisation="nowhere")) == []
    # Nobody else's cases, ever.
    assert refs(workload(outsider, WorkloadQuery(), now=NOW, soon=soon)) == []


def test_the_page(client: Client, cast: Cast, organisation: Organisation) -> None:
    many_cases(cast.case_manager, organisation, 60)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, cast.case_manager.username)
        listing = client.get("/cases/?due=overdue&sort=deadline")
        text = listing.content.decode()
        assert listing.status_code == 200 and "TST-0000" in text and "Overdue" in text
        # Stages in a handler's words, never the complainant's ("Your complaint is ...").
        assert "<td>Investigation</td>" in text.replace(' class="table__cell"', "")
        assert "Your complaint" not in text and "We have received your report" not in text
        assert "TST-0030" not in text
        third = client.get("/cases/?page=3")
        assert "TST-0059" in third.content.decode() and "Previous page" in third.content.decode()
        # Nonsense in the query is ignored, never an error.
        assert client.get("/cases/?page=x&sort=drop&due=later&stage=nope").status_code == 200
        assert client.get("/cases/?page=" + "9" * 25).status_code == 200
