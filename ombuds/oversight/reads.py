"""The record of who read which case when, as the auditor reads it: every recorded read
of case content, newest first, a page at a time.

Cases and people appear under the auditor's own pseudonyms (keyed digests of the case id
and of the reader's ledger pseudonym: stable across pages, joined to nothing she can
see), with the reader's role. A read by someone no longer assigned to the case is
flagged: the first thing to ask about.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from ombuds import vault
from ombuds.cases.models import Assignment
from ombuds.keys import RECEIPT_TAG_KEY
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.record import events
from ombuds.record.roles import ROLE_NAMES, Role

PAGE_SIZE = 50
READS = {
    events.CONTENT_READ.type: "Case content",
    events.ATTACHMENT_READ.type: "A file",
    events.MESSAGES_READ.type: "Messages",
}
KEY_PURPOSE = b"audit-names"  # the subkey of the auditor's pseudonyms


@dataclass(frozen=True)
class ReadRow:
    at: datetime
    case: str  # the auditor's name for the case
    person: str  # the auditor's name for the reader
    role: str
    what: str
    still_assigned: bool


@dataclass(frozen=True)
class ReadPage:
    rows: list[ReadRow]
    older: int | None  # `before=` for the next page, if there is one


def read_record_page(before: int | None = None) -> ReadPage:
    """One page of the read record, newest first, from ledger position `before`."""
    found = Event.objects.filter(type__in=READS).order_by("-seq")
    if before is not None:
        found = found.filter(seq__lt=before)
    page = list(
        found.only("seq", "stream", "type", "recorded_at", "actor_id", "actor_role")[
            : PAGE_SIZE + 1
        ]
    )
    older = page[PAGE_SIZE - 1].seq if len(page) > PAGE_SIZE else None
    page = page[:PAGE_SIZE]
    case_ids = {_case_id(event) for event in page}
    assigned = set(
        Assignment.objects.filter(
            case_id__in=case_ids, person__pseudonym__in={e.actor_id for e in page}
        ).values_list("case_id", "person__pseudonym")
    )
    key = vault.server_subkey(RECEIPT_TAG_KEY.read(), KEY_PURPOSE)
    rows = [
        ReadRow(
            at=parse_time(event.recorded_at),
            case=vault.audit_pseudonym(key, "case", str(_case_id(event))),
            person=vault.audit_pseudonym(key, "person", event.actor_id),
            role=_role_words(event.actor_role),
            what=READS[event.type],
            still_assigned=(_case_id(event), event.actor_id) in assigned,
        )
        for event in page
    ]
    return ReadPage(rows=rows, older=older)


def _role_words(role: str) -> str:
    known = {r.value: r for r in Role}
    return ROLE_NAMES[known[role]] if role in known else role


def _case_id(event: Event) -> uuid.UUID:
    return uuid.UUID(event.stream.removeprefix("access/"))
