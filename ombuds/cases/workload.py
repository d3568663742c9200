"""The handler's list of her cases ("Your cases"): due soon, overdue, age in stage, with
filters, sorting, search by reference and pages, so it stays fast at 100,000 cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ombuds.cases.models import Case
from ombuds.cases.selectors import DUE_FILTERS, WORKLOAD_SORTS, WorkloadQuery, workload
from ombuds.lib.errors import NotFound
from ombuds.lib.paging import page_number
from ombuds.lib.working_days import END_OF_DAY, add_working_days
from ombuds.people.forms import ROLE_NAMES
from ombuds.people.models import HANDLER_ROLES, Organisation
from ombuds.people.views import person_of, role_required
from ombuds.record.stages import FINAL_STAGES, Stage, stage_name
from ombuds.record.state import CHECKIN_DEADLINES
from ombuds.timetable.rules import REMIND_WORKING_DAYS
from ombuds.timetable.service_levels import deadline_description


@dataclass(frozen=True)
class WorkloadRow:
    url: str
    reference: str
    organisation: str
    stage: str
    days_in_stage: int
    deadline: str
    deadline_at: datetime | None
    overdue: bool
    due_soon: bool


def _row(case: Case, now: datetime, soon: datetime, base: str) -> WorkloadRow:
    # Open cases' deadlines, and after closure the advocate's check-in (its deadline then).
    watched = Stage(case.stage) not in FINAL_STAGES or case.deadline_name in CHECKIN_DEADLINES
    due = case.deadline_at
    return WorkloadRow(
        url=f"{base}{case.reference}/",
        reference=case.reference,
        organisation=case.organisation.name,
        stage=stage_name(case.stage),
        days_in_stage=(now - case.stage_entered_at).days,
        deadline=deadline_description(case.deadline_name),
        deadline_at=due,
        overdue=watched and due is not None and due < now,
        due_soon=watched and due is not None and now <= due <= soon,
    )


def _query(request: HttpRequest) -> WorkloadQuery:
    get = request.GET
    try:
        page = page_number(request)
    except NotFound:
        page = 1  # the list's filters are kept; a page that is not a number is the first
    stage = get.get("stage", "")
    return WorkloadQuery(
        stage=stage if stage in {s.value for s in Stage} else "",
        organisation=get.get("organisation", "")[:60],
        due=get.get("due", "") if get.get("due", "") in DUE_FILTERS else "",
        reference=get.get("reference", "")[:20],
        sort=get.get("sort", "received") if get.get("sort") in WORKLOAD_SORTS else "received",
        page=page,
    )


@role_required(*HANDLER_ROLES)
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    now = timezone.now()
    # "Due soon": by the end of the reminder window (weekends only: a list-wide filter;
    # each organisation's holidays only ever make it a little wider).
    soon_day = add_working_days(now.astimezone(UTC).date(), REMIND_WORKING_DAYS)
    soon = datetime.combine(soon_day, END_OF_DAY, tzinfo=UTC)
    query = _query(request)
    found = workload(person, query, now=now, soon=soon)
    base = reverse("cases:my_cases")  # each row's link, without reversing it 25 times
    context = {
        "cases": [_row(case, now, soon, base) for case in found.cases],
        "query": query,
        "page": found.page,
        "has_next": found.has_next,
        "stages": [(s.value, stage_name(s.value)) for s in Stage],
        "organisations": Organisation.objects.order_by("name").values_list("slug", "name"),
        "role": ROLE_NAMES.get(person.role, person.role),
    }
    return render(request, "cases/my_cases.html", context)
