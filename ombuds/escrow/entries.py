"""An entry's sealed events, opened with its record key (for the services and the
selectors alike: whoever holds the key reads the same words)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ombuds import vault
from ombuds.escrow.streams import entry_stream
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import body_binding
from ombuds.record.events import scheme as events_scheme
from ombuds.record.spec import EventSpec


def entry_events(entry_id: object, spec: EventSpec) -> list[Event]:
    return list(
        Event.objects.filter(stream=entry_stream(entry_id), type=spec.type).order_by(
            "stream_version"
        )
    )


def open_entry_event(event: Event, record_key: bytes) -> dict[str, Any]:
    """One entry event's content, with the entry's record key (DecryptionFailed otherwise)."""
    binding = body_binding(event.stream, event.stream_version, event.type)
    return dict(
        json.loads(vault.decrypt_case_content(record_key, bytes(event.body), bound_to=binding))
    )


def entry_account(entry_id: object, record_key: bytes) -> dict[str, Any]:
    """What the person wrote, and the identifiers she gave (in canonical form)."""
    (added,) = entry_events(entry_id, events_scheme.ESCROW_ENTRY_ADDED)
    return open_entry_event(added, record_key)


def entry_messages(entry_id: object, record_key: bytes) -> list[tuple[datetime, str]]:
    """The counsellor's messages to the entry's author: (when, text)."""
    return [
        (parse_time(event.recorded_at), str(open_entry_event(event, record_key)["message"]))
        for event in entry_events(entry_id, events_scheme.ESCROW_PERSON_CONTACTED)
    ]
