"""The outcomes an allegation may have, the sanctions a panel may choose, and a decision
in words. Plain Python: no Django. Below every app, because the case page, the
investigation, the decisions and the statistics all speak this vocabulary.

An organisation chooses which sanctions its panels may use (`SanctionCatalogue`); the
codes are stable (they are stored in the ledger), the words are what people read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ombuds.lib.errors import InvalidInput


@dataclass(frozen=True)
class Sanction:
    code: str  # stable: stored in events, never renamed
    words: str  # what the parties and the organisation read
    organisation_acts: bool  # whether the organisation must implement it


# The findings an investigator may reach on one allegation.
OUTCOMES: dict[str, str] = {
    "upheld": "Upheld",
    "not_upheld": "Not upheld",
    "insufficient_evidence": "Insufficient evidence",
}

NO_ACTION = "no_action"

# fmt: off
CATALOGUE: tuple[Sanction, ...] = (
    Sanction(NO_ACTION, "No action", organisation_acts=False),
    Sanction("words_of_advice", "Words of advice", organisation_acts=True),
    Sanction("apology", "A written apology", organisation_acts=True),
    Sanction("training", "Training", organisation_acts=True),
    Sanction("behaviour_agreement", "A behaviour agreement", organisation_acts=True),
    Sanction("reprimand", "A formal reprimand", organisation_acts=True),
    Sanction("suspension", "Suspension", organisation_acts=True),
    Sanction("exclusion", "Exclusion from the organisation", organisation_acts=True),
)
# fmt: on
_BY_CODE = {s.code: s for s in CATALOGUE}
ALL_CODES: tuple[str, ...] = tuple(s.code for s in CATALOGUE)

# Outcomes of one allegation: the investigator's vocabulary (OUTCOMES above),
# which a panel uses too when it substitutes its own outcome for her finding.
UPHELD = "upheld"


def sanction_words(code: str) -> str:
    sanction = _BY_CODE.get(code)
    return sanction.words if sanction else code.replace("_", " ").capitalize()


def outcome_words(code: str) -> str:
    return OUTCOMES.get(code, code.replace("_", " ").capitalize())


def catalogue_codes(chosen: Iterable[str]) -> list[str]:
    """An organisation's choice, in catalogue order. "No action" is always available: a
    panel must be able to decide that nothing is to be done."""
    wanted = set(chosen)
    unknown = wanted - set(ALL_CODES)
    if unknown:
        raise InvalidInput("Choose sanctions from the scheme's catalogue.")
    return [code for code in ALL_CODES if code in wanted or code == NO_ACTION]


def check_sanctions(codes: Sequence[str], *, allowed: Iterable[str], any_upheld: bool) -> list[str]:
    """The panel's chosen sanctions, in catalogue order, or InvalidInput saying what is wrong."""
    chosen = set(codes)
    if not chosen:
        raise InvalidInput("Choose at least one sanction, or choose no action.")
    if not chosen <= set(allowed):
        raise InvalidInput("Choose sanctions from this organisation's catalogue.")
    if NO_ACTION in chosen and len(chosen) > 1:
        raise InvalidInput("No action cannot be combined with a sanction.")
    if not any_upheld and chosen != {NO_ACTION}:
        raise InvalidInput("No allegation is upheld, so the only possible decision is no action.")
    return [code for code in ALL_CODES if code in chosen]


def organisation_must_act(codes: Iterable[str]) -> bool:
    return any(_BY_CODE[c].organisation_acts for c in codes if c in _BY_CODE)


@dataclass(frozen=True)
class OutcomeLine:
    allegation: str
    outcome: str  # plain words
    changed: bool  # the panel substituted its own outcome for the investigator's finding
    reasons: str


@dataclass(frozen=True)
class DecisionText:
    panel: str
    decided_at: datetime
    outcomes: list[OutcomeLine]
    sanctions: list[str]  # plain words
    sanction_codes: list[str]
    reasons: str


def decision_text(content: Mapping[str, Any], *, panel: str, at: datetime) -> DecisionText:
    """A decision's content (the proposal, the decision or the respondent's copy) in words."""
    outcomes = [
        OutcomeLine(
            allegation=str(o.get("allegation") or f"Allegation {o.get('number', '')}"),
            outcome=outcome_words(str(o.get("outcome", ""))),
            changed=not o.get("accepted", True),
            reasons=str(o.get("reasons", "")),
        )
        for o in content.get("outcomes", [])
    ]
    codes = [str(c) for c in content.get("sanctions", [])]
    return DecisionText(
        panel=panel,
        decided_at=at,
        outcomes=outcomes,
        sanctions=[sanction_words(c) for c in codes],
        sanction_codes=codes,
        reasons=str(content.get("reasons", "")),
    )
