"""The stages of a case and the words for each, in one place."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INFORMAL_RESOLUTION = "informal_resolution"
    INVESTIGATION = "investigation"
    FINDINGS = "findings"
    DECISION = "decision"
    APPEAL = "appeal"
    APPEAL_DECISION = "appeal_decision"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"


FINAL_STAGES = frozenset({Stage.CLOSED, Stage.WITHDRAWN, Stage.REFERRED})
OPEN_STAGES = frozenset(Stage) - FINAL_STAGES
# Once the panel has decided, its decision stands: the respondent may still appeal, the
# organisation implements the sanctions, and a vetting check must find them. So the
# complaint can be withdrawn only before, and a case under appeal closes only when the
# appeal panel decides.
WITHDRAWABLE_STAGES = OPEN_STAGES - {Stage.DECISION, Stage.APPEAL, Stage.APPEAL_DECISION}
CLOSABLE_STAGES = OPEN_STAGES - {Stage.APPEAL}
# Handlers can join a case (allocation) only before findings: afterwards only panels.
ALLOCATION_STAGES = frozenset(
    {
        Stage.RECEIVED,
        Stage.ACKNOWLEDGED,
        Stage.ASSESSED,
        Stage.INFORMAL_RESOLUTION,
        Stage.INVESTIGATION,
    }
)

S = Stage
_SCHEME = "Being looked at by the independent scheme"
# fmt: off
# Each stage in plain words: (completes "This case is ...", for refusals;
#                             the complainant's "where your case is now";
#                             the respondent's).
_STAGE_WORDS: dict[Stage, tuple[str, str, str]] = {
    S.RECEIVED: ("newly received", "We have received your report", _SCHEME),
    S.ACKNOWLEDGED: ("waiting to be assessed", "Your report has been acknowledged", _SCHEME),
    S.ASSESSED: ("assessed and waiting to be routed", "Your report has been assessed", _SCHEME),
    S.INFORMAL_RESOLUTION: ("in informal resolution", "Informal resolution has started",
                            "In informal resolution"),
    S.INVESTIGATION: ("under investigation", "Your complaint is being investigated",
                      "Being investigated"),
    S.FINDINGS: ("waiting for the panel's decision", "The findings are with the decision panel",
                 "The investigator's findings are with the decision panel"),
    S.DECISION: ("decided", "The panel has made its decision", "The panel has made its decision"),
    S.APPEAL: ("under appeal", "The decision has been appealed", "The decision has been appealed"),
    S.APPEAL_DECISION: ("decided on appeal", "The appeal panel has made its decision",
                        "The appeal panel has made its decision"),
    S.CLOSED: ("closed", "Your case is closed", "Closed"),
    S.WITHDRAWN: ("withdrawn", "You withdrew your complaint", "The complaint was withdrawn"),
    S.REFERRED: ("referred to the police", "Your case has been referred to the police",
                 "Referred to the police"),
}
# fmt: on
STAGE_LABELS: dict[Stage, str] = {stage: words[1] for stage, words in _STAGE_WORDS.items()}


def stage_label(stage: Stage) -> str:
    """Where the case is, as the complainant reads it."""
    return STAGE_LABELS[stage]


def stage_state(stage: Stage | None) -> str:
    """Completes "This case is ...": the stage in a refusal."""
    return "not submitted yet" if stage is None else _STAGE_WORDS[stage][0]


def stage_for_respondent(stage: Stage) -> str:
    """Where the case is, as the respondent reads it."""
    return _STAGE_WORDS[stage][2]


def stage_name(stage: str) -> str:
    """A stage as a short label for handlers' lists: "Informal resolution"."""
    return stage.replace("_", " ").capitalize()
