"""Reads filtered to what the asking person may see. A hidden case is NotFound."""

from __future__ import annotations

from django.db.models import QuerySet, Value

from ombuds.cases.models import Case
from ombuds.lib.errors import NotFound
from ombuds.people.models import HANDLER_ROLES, User


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
