"""The sanctions a panel may choose, and the outcomes it may give. Plain Python: no Django.

An organisation chooses which sanctions its panels may use (`SanctionCatalogue`); the
codes are stable (they are stored in the ledger), the words are what people read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ombuds.investigation.rules import OUTCOMES
from ombuds.lib.errors import InvalidInput


@dataclass(frozen=True)
class Sanction:
    code: str  # stable: stored in events, never renamed
    words: str  # what the parties and the organisation read
    organisation_acts: bool  # whether the organisation must implement it


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

# Outcomes of one allegation: the investigator's vocabulary (investigation.rules.OUTCOMES),
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
