"""Reads filtered to what the asking person may see. A hidden case is NotFound."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Value

from ombuds.cases.models import Assignment, Case
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import access_stream, case_stream, event_metadata
from ombuds.lib.errors import NotFound
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.record import events
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import CHECKIN_DEADLINES


def cases_assigned_to(person: User) -> QuerySet[Case]:
    """The cases this handler is assigned to, newest first (others never load)."""
    if person.role not in HANDLER_ROLES:
        return Case.objects.none()
    return (
        Case.objects.filter(assignments__person=person, assignments__role=person.role)
        # Says for whom this query checked the assignment, so a service acting on the
        # case need not check it again (participants.handler_participant).
        .annotate(checked_for=Value(person.pk))
        .select_related("organisation")
        .order_by("-received_at")
        .distinct()
    )


def case_for_handler(person: User, reference: str) -> Case:
    """One case, only if this handler is assigned to it; the check is part of the query."""
    case = cases_assigned_to(person).filter(reference=reference).first()
    if case is None:
        raise NotFound("No such case.")
    return case


# The handler's workload: a page of her cases, filtered and sorted in the database. -------

WORKLOAD_PAGE = 25
WORKLOAD_SORTS = {
    "received": ("-received_at", "-id"),
    "deadline": ("deadline_at", "id"),  # soonest first; cases without one last
    "stage_age": ("stage_entered_at", "id"),  # longest in its stage first
}
DUE_FILTERS = ("", "soon", "overdue")


@dataclass(frozen=True)
class WorkloadQuery:
    stage: str = ""
    organisation: str = ""
    due: str = ""
    reference: str = ""
    sort: str = "received"
    page: int = 1


@dataclass(frozen=True)
class WorkloadPage:
    cases: list[Case]
    page: int
    has_next: bool


def workload(person: User, query: WorkloadQuery, *, now: datetime, soon: datetime) -> WorkloadPage:
    """One page of the cases this handler holds in her role. Filters and the order are
    applied by the database on indexed columns; only the page's rows are loaded
    (LIMIT/OFFSET, one extra row to know whether there is a next page)."""
    if person.role not in HANDLER_ROLES:
        return WorkloadPage(cases=[], page=1, has_next=False)
    mine = Assignment.objects.filter(case=OuterRef("pk"), person=person, role=person.role)
    cases = Case.objects.filter(Exists(mine)).select_related("organisation")
    if query.stage:
        cases = cases.filter(stage=query.stage)
    if query.organisation:
        cases = cases.filter(organisation__slug=query.organisation)
    if query.reference:
        # A range on the unique index, not LIKE (which SQLite cannot answer from it).
        prefix = query.reference.strip().upper()
        cases = cases.filter(reference__gte=prefix, reference__lt=prefix + "\U0010ffff")
    # Open cases' deadlines, and a closed case's check-in still owed (its deadline then).
    watched = Q(stage__in=[s.value for s in OPEN_STAGES]) | Q(
        stage=Stage.CLOSED.value, deadline_name__in=CHECKIN_DEADLINES
    )
    if query.due == "overdue":
        cases = cases.filter(watched, deadline_at__lt=now)
    elif query.due == "soon":
        cases = cases.filter(watched, deadline_at__gte=now, deadline_at__lte=soon)
    order = WORKLOAD_SORTS.get(query.sort, WORKLOAD_SORTS["received"])
    if query.sort == "deadline":
        cases = cases.order_by(F("deadline_at").asc(nulls_last=True), "id")
    else:
        cases = cases.order_by(*order)
    start = (max(query.page, 1) - 1) * WORKLOAD_PAGE
    rows = list(cases[start : start + WORKLOAD_PAGE + 1])
    return WorkloadPage(
        cases=rows[:WORKLOAD_PAGE], page=max(query.page, 1), has_next=len(rows) > WORKLOAD_PAGE
    )


@dataclass(frozen=True)
class ReadsSummary:
    """Who has opened a case's content, as its parties may know it: how many people in
    each role and when it was last opened; never who."""

    people: int
    by_role: dict[str, int]  # role value: distinct people who opened it in that role
    last_opened: datetime | None


def case_reads_summary(case: Case) -> ReadsSummary:
    """Counted from the case's access stream (every read a handler's page records), in
    one grouped statement over the stream's own index."""
    rows = (
        Event.objects.filter(stream=access_stream(case.id))
        .values("actor_id", "actor_role")
        .annotate(last=Max("recorded_at"))
    )
    people: set[str] = set()
    per_role: dict[str, int] = {}
    last = ""
    for row in rows:
        people.add(row["actor_id"])
        per_role[row["actor_role"]] = per_role.get(row["actor_role"], 0) + 1
        last = max(last, row["last"])
    return ReadsSummary(
        people=len(people), by_role=per_role, last_opened=parse_time(last) if last else None
    )


@dataclass(frozen=True)
class LinkedCase:
    """Another case of the same complainant, linked to this one (`case.linked`)."""

    case_id: str
    reference: str
    relation: str


def linked_cases(case: Case) -> list[LinkedCase]:
    """The cases this one is linked to, oldest link first (metadata only). Callers have
    already checked that the reader may see `case`."""
    rows = Event.objects.filter(stream=case_stream(case.id), type=events.CASE_LINKED.type)
    found = []
    for event in rows.order_by("stream_version"):
        meta = event_metadata(event)
        found.append(LinkedCase(str(meta["case"]), str(meta["reference"]), str(meta["relation"])))
    return found
