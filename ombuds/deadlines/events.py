"""The delay events this app records, by their rows in the event registry.

Metadata holds codes, dates and pseudonyms only; a free-text explanation is encrypted
content. Their declarations are in `ombuds/record/events/`.
"""

from __future__ import annotations

from ombuds.record import events

DEADLINE_EVENT_TYPES = frozenset(
    spec.type
    for spec in (
        events.DEADLINE_MISSED,
        events.DELAY_EXPLAINED,
        events.EXTENSION_APPROVED,
        events.EXTENSION_REFUSED,
        events.UPDATE_REQUESTED,
    )
)
