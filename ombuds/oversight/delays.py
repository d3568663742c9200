"""The delay register as the auditor reads it: every missed deadline of an open case (or a
check-in owed after closure), most overdue first, with its organisation, stage, dates,
reason and the role responsible; the case under her own pseudonym, no reference and no
name (the oversight officer's register, in ombuds/deadlines, has both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ombuds import vault
from ombuds.deadlines.selectors import delay_rows, escalated
from ombuds.keys import RECEIPT_TAG_KEY
from ombuds.oversight.reads import KEY_PURPOSE

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditDelayRow:
    case: str  # the auditor's name for the case (as on her read record)
    organisation: str
    stage: str
    deadline: str
    due_at: datetime
    days_over: int
    misses: int
    reason: str
    responsible_role: str


def audit_delay_page(page: int) -> tuple[list[AuditDelayRow], bool]:
    """One page of the register (1 first), and whether there is another."""
    start = (page - 1) * PAGE_SIZE
    window = list(escalated()[start : start + PAGE_SIZE + 1])
    watches = window[:PAGE_SIZE]
    key = vault.server_subkey(RECEIPT_TAG_KEY.read(), KEY_PURPOSE)
    rows = [
        AuditDelayRow(
            case=vault.audit_pseudonym(key, "case", str(watch.case_id)),
            organisation=row.organisation,
            stage=row.stage,
            deadline=row.deadline,
            due_at=row.due_at,
            days_over=row.days_over,
            misses=row.misses,
            reason=row.reason,
            responsible_role=watch.responsible_role.replace("_", " ").capitalize(),
        )
        for watch, row in zip(watches, delay_rows(watches, timezone.now()), strict=True)
    ]
    return rows, len(window) > PAGE_SIZE
