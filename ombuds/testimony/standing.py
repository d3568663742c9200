"""Where one case's testimony stands, opened with the reader's own keys: used by the
services (to check the rules) and by the pages of the complainant and her advocate."""

from __future__ import annotations

from dataclasses import dataclass

from ombuds.cases.keys import open_event
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events
from ombuds.ledger.services import event_metadata
from ombuds.record.events import (
    TESTIMONY_APPROVED,
    TESTIMONY_CONSENTED,
    TESTIMONY_DRAFTED,
    TESTIMONY_WITHDRAWN,
)
from ombuds.testimony import rules

TYPES = frozenset(
    spec.type
    for spec in (TESTIMONY_CONSENTED, TESTIMONY_DRAFTED, TESTIMONY_APPROVED, TESTIMONY_WITHDRAWN)
)


@dataclass(frozen=True)
class TestimonyView:
    state: rules.Testimony
    account: str  # her own words with her consent ("" if she left it to her advocate)
    draft: str  # the latest draft's text ("" before the first)


def testimony_of(participant: Participant) -> TestimonyView:
    """Her testimony as it stands, opened with the reader's own keys."""
    found = [e for e in case_events(participant.case.id) if e.type in TYPES]
    state = rules.testimony_fold((e.type, event_metadata(e)) for e in found)
    account = draft = ""
    if state.consented:
        keys = participant.keys()
        for event in found:
            content = open_event(event, keys) or {}
            if event.type == TESTIMONY_CONSENTED.type:
                account, draft = str(content.get("account", "")), ""
            elif event.type == TESTIMONY_DRAFTED.type:
                draft = str(content.get("text", ""))
    return TestimonyView(state, account, draft)
