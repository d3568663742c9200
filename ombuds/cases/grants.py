"""Who the signed record puts on a case: never a read-model table.

Keys are sealed to a handler only when the ledger holds a signed allocation of her to
the case in her role (not later taken back), and a signed record of who she is
(`people/signed_record.py: signed_people`) names the role and public key she has now.
"""

from __future__ import annotations

import json
import uuid

from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.people.signed_record import SigningBegan, trusted
from ombuds.record import events


def signed_handlers(case_id: uuid.UUID) -> set[tuple[str, str]]:
    """(pseudonym, role) of everyone a signed allocation puts on the case now."""
    began = SigningBegan()
    holders: set[tuple[str, str]] = set()
    rows = Event.objects.filter(
        stream=case_stream(case_id), type__in=[events.ASSIGNED.type, events.UNASSIGNED.type]
    ).order_by("stream_version")
    for event in rows:
        metadata = json.loads(event.metadata)
        pair = (str(metadata.get("person")), str(metadata.get("role")))
        if event.type == events.UNASSIGNED.type:
            holders.discard(pair)
        elif trusted(event, metadata, began):
            holders.add(pair)
    return holders
