"""Recording that someone read case content: one append for every page that decrypts.

Reads go to the case's access stream, so reading never makes someone else's pending
action on the case stale. Selectors never write: a view that shows content calls this.
"""

from __future__ import annotations

from typing import Any

from ombuds.cases.participants import Participant
from ombuds.ledger.services import access_stream
from ombuds.ledger.staging import run_with_appends_at_commit
from ombuds.record import events
from ombuds.record.roles import HANDLER_ROLES
from ombuds.record.services import event_append
from ombuds.record.spec import EventSpec


def read_record(
    participant: Participant, spec: EventSpec = events.CONTENT_READ, **what: Any
) -> None:
    """Record that a handler opened case content (`what` says which part, by id). The
    parties' reading of their own case is theirs alone and is not recorded."""
    if participant.role not in HANDLER_ROLES:
        return
    if not spec.type.startswith("case.") or spec.stream.value != "access":
        raise ValueError(f"{spec.type} is not a read")
    # Every page a handler opens appends: staged, the head is held for one statement.
    run_with_appends_at_commit(
        lambda: event_append(
            spec,
            stream=access_stream(participant.case.id),
            actor=participant.actor,
            metadata={"case": str(participant.case.id), "person": participant.pseudonym, **what},
        )
    )
