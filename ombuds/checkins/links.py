"""Links the check-ins offer on shared pages (see ombuds/web/links.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from ombuds.cases.models import Case
from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record import checkins as rules
from ombuds.record.roles import Role
from ombuds.record.state import CaseState


def case_links(case: Case, state: CaseState, person: User) -> list[Link]:
    if person.role != Role.ADVOCATE or rules.recordable(state, timezone.now()) is None:
        return []
    owed = rules.next_owed(state)
    hint = f"Due {owed.due_at:%-d %B %Y}." if owed else ""
    return [Link(reverse("checkins:record", args=[case.reference]), "Record a check-in",
                 style="primary", hint=hint)]  # fmt: skip
