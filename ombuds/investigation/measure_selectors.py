"""Reads of interim measures, filtered to what the asking person may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events
from ombuds.investigation.rules import (
    MEASURE_EVENTS,
    STATUS_WORDS,
    MeasureState,
    fold_measures,
    kind_words,
)
from ombuds.investigation.selectors import Note, case_events_folded, event_time, today
from ombuds.ledger.models import Event
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import NotFound
from ombuds.record import events as registry
from ombuds.record.roles import Role

_WITHOUT_CONTENT = {registry.MEASURE_LAPSED.type, registry.MEASURE_ENDED.type}  # the system's


def measures_of(case: Case) -> dict[int, MeasureState]:
    """Every measure on the case, by number (metadata only)."""
    return fold_measures(case_events_folded(case.id))


@dataclass(frozen=True)
class Review:
    at: datetime
    outcome: str
    review_date: str
    reason: str


@dataclass(frozen=True)
class MeasureView:
    state: MeasureState
    status: str  # as of today: lapsed once its review date has passed
    reason: str = ""
    details: str = ""
    respondent_name: str = ""  # handlers only, once approved
    representations: list[Note] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.state.number

    @property
    def kind(self) -> str:
        return kind_words(self.state.kind)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


def _measure_texts(events: list[Event], keys: dict[str, bytes]) -> dict[int, dict[str, Any]]:
    texts: dict[int, dict[str, Any]] = defaultdict(lambda: {"representations": [], "reviews": []})
    for event in events:
        if event.type not in MEASURE_EVENTS or event.type in _WITHOUT_CONTENT:
            continue
        content = open_event(event, keys)
        if content is None:
            continue
        meta = event_metadata(event)
        text = texts[int(meta["measure"])]
        if event.type in {registry.MEASURE_PROPOSED.type, registry.MEASURE_DISCLOSED.type}:
            text["reason"] = str(content.get("reason", ""))
            text["details"] = str(content.get("details", ""))
            text["disclosed"] = (
                text.get("disclosed", False) or event.type == registry.MEASURE_DISCLOSED.type
            )
        elif event.type == registry.MEASURE_APPROVED.type:
            text["respondent_name"] = str(content.get("respondent_name", ""))
        elif event.type == registry.MEASURE_REPRESENTATION.type:
            text["representations"].append(Note(event_time(event), str(content.get("text", ""))))
        elif event.type == registry.MEASURE_REVIEWED.type:
            text["reviews"].append(
                Review(
                    at=event_time(event),
                    outcome=str(meta.get("outcome", "")),
                    review_date=str(meta.get("review_date") or ""),
                    reason=str(content.get("reason", "")),
                )
            )
    return texts


def measure_views(participant: Participant, *, on: date | None = None) -> list[MeasureView]:
    """The measures this participant may see, with what she may read of each.

    Handlers see every measure; the respondent only those disclosed to her (approved)."""
    on = on or today()
    events = case_events(participant.case.id)
    states = fold_measures(case_events_folded(participant.case.id))
    texts = _measure_texts(events, participant.keys())
    respondent = participant.role == Role.RESPONDENT
    views = []
    for number, state in sorted(states.items()):
        text = texts.get(number, {})
        if respondent and not text.get("disclosed"):
            continue
        views.append(
            MeasureView(
                state=state,
                status=state.status_on(on),
                reason=text.get("reason", ""),
                details=text.get("details", ""),
                respondent_name="" if respondent else text.get("respondent_name", ""),
                representations=text.get("representations", []),
                reviews=text.get("reviews", []),
            )
        )
    return views


def measure_view(participant: Participant, number: int, *, on: date | None = None) -> MeasureView:
    """One measure this participant may see; NotFound otherwise."""
    for view in measure_views(participant, on=on):
        if view.number == number:
            return view
    raise NotFound("No such measure.")
