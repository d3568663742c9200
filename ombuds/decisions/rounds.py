"""The two rounds of deciding: the first panel on the findings, and the appeal panel on an
appeal. Plain Python: no Django. Services and pages pick the round from the case's stage."""

from __future__ import annotations

from dataclasses import dataclass

from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import EventSpec
from ombuds.record.stages import Stage
from ombuds.record.state import APPEAL_PANEL, FIRST_PANEL, CaseState


@dataclass(frozen=True)
class Round:
    panel: str  # "first" or "appeal", as in the allocation events
    stage: Stage  # the stage at which this panel decides
    transition: str  # the lifecycle transition that records its decision
    decided: EventSpec  # that transition's event (the handlers' and complainant's copy)
    disclosed: EventSpec  # the respondent's copy
    title: str  # "the decision panel"


FIRST = Round(
    panel=FIRST_PANEL,
    stage=Stage.FINDINGS,
    transition="decide",
    decided=events.DECIDED,
    disclosed=events.DECISION_DISCLOSED,
    title="the decision panel",
)
APPEAL = Round(
    panel=APPEAL_PANEL,
    stage=Stage.APPEAL,
    transition="decide_appeal",
    decided=events.APPEAL_DECIDED,
    disclosed=events.APPEAL_DECISION_DISCLOSED,
    title="the appeal panel",
)
ROUNDS = (FIRST, APPEAL)


def round_at(stage: Stage | None) -> Round | None:
    """The round a panel can act in at this stage, if any."""
    return next((r for r in ROUNDS if r.stage == stage), None)


def sitting(state: CaseState, which: str) -> frozenset[str]:
    """Pseudonyms of the members of panel `which` who are assigned to the case now."""
    return state.panel(which) & frozenset(state.holders(Role.PANEL_MEMBER))
