"""What a vetting check answers: the scheme's policy as one table (plain Python, no Django).

A check about a named person answers "no record", or "record" with the kinds of record
found: an upheld finding, an active sanction, an open investigation. Never the
allegations, the complainants or the case. Each case naming the person counts by what
its read models say (stage, the decision in force and when it was made):

- an open investigation while the case is being investigated or waits for its decision;
- an active sanction while it is in force (its period below, from the decision);
- an upheld finding for the organisation's `finding_years` (default 5) after the
  decision that upheld it, whatever its sanction ("no action" included): the decision's
  metadata says whether it upheld an allegation (never which, nor what it was). A
  decision recorded before it said so counts when it imposed a sanction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ombuds.lib.errors import InvalidInput
from ombuds.record.stages import Stage

NO_RECORD = "no_record"
UPHELD_FINDING = "upheld_finding"
ACTIVE_SANCTION = "active_sanction"
OPEN_INVESTIGATION = "open_investigation"
# In the order an answer lists them.
RECORD_KINDS = (UPHELD_FINDING, ACTIVE_SANCTION, OPEN_INVESTIGATION)
ANSWERS = (NO_RECORD, *RECORD_KINDS)

INVESTIGATING = frozenset({Stage.INVESTIGATION.value, Stage.FINDINGS.value})
NOT_DECIDED = frozenset({Stage.WITHDRAWN.value, Stage.REFERRED.value})
NO_ACTION = "no_action"
DEFAULT_FINDING_YEARS = 5
MIN_FINDING_YEARS, MAX_FINDING_YEARS = 1, 15
# How long each sanction is in force after the decision, in days (None: until lifted).
# The scheme's default; an organisation's own periods replace it.
SANCTION_IN_FORCE_DAYS: Mapping[str, int | None] = {
    "words_of_advice": 365,
    "apology": 365,
    "training": 365,
    "behaviour_agreement": 2 * 365,
    "reprimand": 2 * 365,
    "suspension": 365,
    "exclusion": None,
}
MAX_PURPOSE = 200
MIN_PURPOSE = 5


@dataclass(frozen=True)
class Policy:
    """An organisation's vetting policy."""

    finding_years: int = DEFAULT_FINDING_YEARS
    tell_person: bool = True  # the person checked is told of the check and its purpose
    in_force_days: Mapping[str, int | None] = field(
        default_factory=lambda: dict(SANCTION_IN_FORCE_DAYS)
    )


@dataclass(frozen=True)
class CaseRecord:
    """What the answer may use of one case naming the person: metadata only."""

    stage: str
    sanctions: tuple[str, ...]  # the decision in force, by code
    decided_at: datetime | None  # when that decision was made
    upheld: bool | None = None  # it upheld an allegation (None: decided before it said)


def _in_force(code: str, decided_at: datetime, now: datetime, policy: Policy) -> bool:
    days = policy.in_force_days.get(code, 365)
    return days is None or now < decided_at + timedelta(days=days)


def record_kinds(record: CaseRecord, *, now: datetime, policy: Policy) -> set[str]:
    """The kinds of record one case gives today."""
    if record.stage in INVESTIGATING:
        return {OPEN_INVESTIGATION}
    sanctions = [code for code in record.sanctions if code != NO_ACTION]
    if record.stage in NOT_DECIDED or record.decided_at is None:
        return set()
    # A decision says whether it upheld an allegation; one recorded before decisions said
    # so counts as upheld when it imposed a sanction (a panel sanctions what it upholds).
    upheld = record.upheld if record.upheld is not None else bool(sanctions)
    kinds = set()
    if upheld and now < record.decided_at + timedelta(days=365 * policy.finding_years + 1):
        kinds.add(UPHELD_FINDING)
    if any(_in_force(code, record.decided_at, now, policy) for code in sanctions):
        kinds.add(ACTIVE_SANCTION)
    return kinds


def answer(records: Iterable[CaseRecord], *, now: datetime, policy: Policy) -> str:
    """The minimal answer: "no_record", or the kinds of record found, space-separated
    in a fixed order (so equal answers are equal strings)."""
    found: set[str] = set()
    for record in records:
        found |= record_kinds(record, now=now, policy=policy)
    if not found:
        return NO_RECORD
    return " ".join(kind for kind in RECORD_KINDS if kind in found)


def answer_kinds(stored: str) -> tuple[str, ...]:
    """An answer as stored, back as its kinds (() for no record)."""
    return tuple(kind for kind in stored.split() if kind in RECORD_KINDS)


def check_purpose(purpose: str) -> str:
    """The stated purpose of a check, or InvalidInput saying what to write."""
    text = " ".join(purpose.split())
    if not text:
        raise InvalidInput(
            'Say why you are asking, for example "appointment to the shadow cabinet".'
        )
    if len(text) < MIN_PURPOSE:
        raise InvalidInput("Say in a few words why you are asking.")
    if len(text) > MAX_PURPOSE:
        raise InvalidInput(f"Keep the purpose to {MAX_PURPOSE} characters or fewer.")
    return text
