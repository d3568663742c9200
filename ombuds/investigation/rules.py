"""Rules of the investigation and of interim measures (plain Python, no Django).

Interim measures are folded from the case's `case.measure_*` events, like the case
itself; the `InterimMeasure` read model is that fold written to a table. A measure in
force lapses when its review date has passed without a review: pages and services treat
it as lapsed at once, and the sweep records the lapse in the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from ombuds.lib.errors import InvalidInput
from ombuds.lib.working_days import is_working_day, working_days_between
from ombuds.record import events as registry
from ombuds.record.outcomes import OUTCOMES
from ombuds.record.state import CaseEvent

# Interim measures ----------------------------------------------------------------------

# code: (what handlers and the respondent read, what the organisation is told to do)
MEASURE_KINDS: dict[str, tuple[str, str]] = {
    "suspension_from_office": (
        "Suspension from office",
        "Suspend this person from any office they hold",
    ),
    "no_contact": (
        "No contact",
        "This person must not contact the people the scheme has named to them",
    ),
    "exclusion_from_events": (
        "Exclusion from events",
        "Do not admit this person to the organisation's events",
    ),
    "other": (
        "Another measure",
        "An interim measure the scheme will explain to you directly",
    ),
}

PROPOSED = "proposed"
APPROVED = "approved"
CONTINUED = "continued"
LIFTED = "lifted"
LAPSED = "lapsed"
ENDED = "ended"  # with its case
STATUSES = (PROPOSED, APPROVED, CONTINUED, LIFTED, LAPSED, ENDED)
IN_FORCE = frozenset({APPROVED, CONTINUED})
STATUS_WORDS = {
    PROPOSED: "Proposed, waiting for a case manager",
    APPROVED: "In force",
    CONTINUED: "In force (continued at review)",
    LIFTED: "Lifted",
    LAPSED: "Lapsed at its review date",
    ENDED: "Ended when the case ended",
}
REVIEW_OUTCOMES = (CONTINUED, LIFTED)
MAX_REVIEW_DAYS = 60  # a measure is reviewed at least this often (calendar days)

MEASURE_EVENTS = frozenset(
    {
        registry.MEASURE_PROPOSED.type,
        registry.MEASURE_APPROVED.type,
        registry.MEASURE_DISCLOSED.type,
        registry.MEASURE_REPRESENTATION.type,
        registry.MEASURE_REVIEWED.type,
        registry.MEASURE_LAPSED.type,
        registry.MEASURE_ENDED.type,
    }
)


def kind_words(kind: str) -> str:
    return MEASURE_KINDS[kind][0]


def status_on(status: str, review_date: date, today: date) -> str:
    """A measure's status as of `today`: one in force past its review date has lapsed,
    whether or not the sweep has recorded it yet."""
    if status in IN_FORCE and today > review_date:
        return LAPSED
    return status


def check_review_date(
    review_date: date, *, today: date, holidays: frozenset[date] = frozenset()
) -> None:
    """A review date must be a working day of the organisation (`holidays`: its public
    holidays and closure days) after today, and no more than MAX_REVIEW_DAYS on."""
    if review_date <= today:
        raise InvalidInput("The review date must be in the future.", field="review_date")
    if review_date > today + timedelta(days=MAX_REVIEW_DAYS):
        raise InvalidInput(
            "The review date must be within %(days)s days, so the measure is looked at again soon.",
            field="review_date",
            days=str(MAX_REVIEW_DAYS),
        )
    if not is_working_day(review_date, holidays=holidays):
        raise InvalidInput("The review date must be a working day.", field="review_date")


@dataclass(frozen=True)
class MeasureState:
    number: int
    kind: str
    review_date: date
    proposed_at: datetime
    status: str = PROPOSED
    approved_at: datetime | None = None
    reviewed_at: datetime | None = None
    ended_at: datetime | None = None
    representations: int = 0

    @property
    def starts(self) -> date | None:
        return self.approved_at.date() if self.approved_at else None

    def status_on(self, today: date) -> str:
        return status_on(self.status, self.review_date, today)

    def in_force_on(self, today: date) -> bool:
        return self.status_on(today) in IN_FORCE


def _apply_measure(measures: dict[int, MeasureState], event: CaseEvent) -> dict[int, MeasureState]:
    meta = event.metadata
    number = int(meta["measure"])
    if event.type == registry.MEASURE_PROPOSED.type:
        measures[number] = MeasureState(
            number=number,
            kind=str(meta["kind"]),
            review_date=date.fromisoformat(str(meta["review_date"])),
            proposed_at=event.recorded_at,
        )
        return measures
    measure = measures.get(number)
    if measure is None:
        return measures
    if event.type == registry.MEASURE_APPROVED.type:
        measure = replace(measure, status=APPROVED, approved_at=event.recorded_at)
    elif event.type == registry.MEASURE_REPRESENTATION.type:
        measure = replace(measure, representations=measure.representations + 1)
    elif event.type == registry.MEASURE_REVIEWED.type and meta.get("outcome") == CONTINUED:
        measure = replace(
            measure,
            status=CONTINUED,
            review_date=date.fromisoformat(str(meta["review_date"])),
            reviewed_at=event.recorded_at,
        )
    elif event.type == registry.MEASURE_REVIEWED.type:
        measure = replace(
            measure, status=LIFTED, reviewed_at=event.recorded_at, ended_at=event.recorded_at
        )
    elif event.type == registry.MEASURE_LAPSED.type:
        measure = replace(measure, status=LAPSED, ended_at=event.recorded_at)
    elif event.type == registry.MEASURE_ENDED.type:
        measure = replace(measure, status=ENDED, ended_at=event.recorded_at)
    measures[number] = measure
    return measures


def fold_measures(events: Iterable[CaseEvent]) -> dict[int, MeasureState]:
    """Every interim measure of a case, by number, from the case's events."""
    measures: dict[int, MeasureState] = {}
    for event in events:
        if event.type in MEASURE_EVENTS:
            measures = _apply_measure(measures, event)
    return measures


# Interviews, drafts and findings ----------------------------------------------------------

INTERVIEWEES: dict[str, str] = {
    "complainant": "The complainant",
    "respondent": "The respondent",
    "witness": "A witness",
}
STANDARD = "the balance of probabilities"
STANDARD_EXPLAINED = (
    "Each allegation is decided on the balance of probabilities: upheld if it is more "
    "likely than not that it happened as alleged."
)
# Both parties get this long to comment on a draft, unless both have commented sooner.
COMMENT_WORKING_DAYS = 5


def comment_window_closed(*, shared_on: date, today: date, both_commented: bool) -> bool:
    """Whether the findings may be made final after a draft shared on `shared_on`."""
    return both_commented or working_days_between(shared_on, today) >= COMMENT_WORKING_DAYS


MAX_TEXT = 20_000


def clean_text(value: str, *, missing: str, name: str) -> str:
    """Text a person wrote, stripped; InvalidInput if it is empty or over MAX_TEXT."""
    value = value.strip()
    if not value:
        raise InvalidInput(missing)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{name} must be 20,000 characters or fewer.")
    return value


def clean_findings(
    allegations: list[str], findings: Mapping[int, tuple[str, str]]
) -> list[dict[str, object]]:
    """One finding per disclosed allegation, each with an outcome and reasons.

    Returns the findings as content (the allegation's text included, so each reader sees
    what each finding is about)."""
    if not allegations:
        raise InvalidInput("The respondent has not been told any allegations yet.")
    cleaned: list[dict[str, object]] = []
    for number, text in enumerate(allegations, start=1):
        outcome, reasons = findings.get(number, ("", ""))
        if outcome not in OUTCOMES:
            raise InvalidInput(f"Choose a finding on allegation {number}.")
        reasons = reasons.strip()
        if not reasons:
            raise InvalidInput(f"Give the reasons for the finding on allegation {number}.")
        if len(reasons) > MAX_TEXT:
            raise InvalidInput(f"Keep the reasons on allegation {number} under 20,000 characters.")
        cleaned.append({"allegation": number, "text": text, "outcome": outcome, "reasons": reasons})
    return cleaned
