"""The one check every case command passes through: a handler who owes the reason for a
missed deadline can do nothing else on that case until she records it.

Called from `cases.commands.case_record`, the one command path. The rule itself is pure
(`deadlines/rules.py`); this reads the case's blocked watch rows (one indexed query).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from ombuds.ledger.actor import Actor
from ombuds.timetable.models import Watch
from ombuds.timetable.rules import Escalation, check_refusal


def escalations_of(case_id: uuid.UUID) -> list[Escalation]:
    return [
        Escalation(
            deadline_name=row.deadline_name,
            due_at=row.effective_due_at,
            responsible=frozenset(row.responsible.split()),
            blocked=row.blocked,
        )
        for row in Watch.objects.filter(case_id=case_id, blocked=True)
    ]


def check_not_blocked(
    *, case_id: uuid.UUID, actor: Actor, event_type: str, now: datetime | None = None
) -> None:
    """TransitionRefused if `actor` owes a reason and a new date on this case."""
    from django.utils import timezone

    rows = escalations_of(case_id)
    if rows:
        check_refusal(rows, now or timezone.now(), pseudonym=actor.pseudonym, event_type=event_type)


def owed_deadlines_pass_to(*, case_id: uuid.UUID, role: str, successor: str) -> None:
    """A missed deadline owed by whoever held `role` on the case is owed by her successor
    in it (a re-allocation by the oversight officer, or a leaver's), who explains it."""
    Watch.objects.filter(case_id=case_id, responsible_role=role).update(responsible=successor)
