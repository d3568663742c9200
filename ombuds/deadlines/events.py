"""The case event types this app records, each declared once.

To move into the event registry (`ombuds/record/events.py`) when it lands. Metadata
holds codes, dates and pseudonyms only; a free-text explanation is encrypted content.
"""

from __future__ import annotations

# The sweep found a deadline missed {deadline, due, responsible_role, responsible, misses}.
DEADLINE_MISSED = "case.deadline_missed"
# The responsible handler said why and set a new date {deadline, reason, new_due,
# needs_approval}; an optional note is content (case key).
DELAY_EXPLAINED = "case.delay_explained"
# The oversight officer approved an extension beyond the service level {deadline, new_due}.
EXTENSION_APPROVED = "case.extension_approved"
# ...or refused it {deadline}: the handler must set a date within the service level.
EXTENSION_REFUSED = "case.extension_refused"
# The complainant asked for an update {due}: starts the advocate's clock.
UPDATE_REQUESTED = "case.update_requested"

DEADLINE_EVENTS = frozenset(
    {DEADLINE_MISSED, DELAY_EXPLAINED, EXTENSION_APPROVED, EXTENSION_REFUSED, UPDATE_REQUESTED}
)

# Scheme-stream events (the administrator's configuration), metadata only.
REGION_SET = "organisation.calendar_region_set"  # {organisation, region}
CLOSURE_ADDED = "organisation.closure_day_added"  # {organisation, day}
CLOSURE_REMOVED = "organisation.closure_day_removed"  # {organisation, day}
SERVICE_LEVEL_SET = "organisation.service_level_set"  # {organisation, level, value}
