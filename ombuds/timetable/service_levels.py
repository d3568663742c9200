"""Service levels: how long each step of a case may take (plain Python, no Django).

One row per level, read top to bottom like the lifecycle table: its name (the deadline
it sets, matching `cases/lifecycle.py` where the lifecycle starts it), the default the
scheme promises, the limit the EU Whistleblowing Directive (2019/1937, art. 9) or the
parties' rights impose, who must act, and what it covers. An organisation may change a
level (`deadlines.ServiceLevelSetting`), never past its limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ombuds.lib.errors import InvalidInput


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    MONTHS = "months"
    DAYS = "days after closure"  # calendar days (a date off moves to the next working day)


class Limit(StrEnum):
    AT_MOST = "at most"  # a time to act: longer would be slower than allowed
    AT_LEAST = "at least"  # a time given to a party: shorter would cut her rights


_ONE = {Unit.WORKING_DAYS: "working day", Unit.MONTHS: "month", Unit.DAYS: "day"}


@dataclass(frozen=True)
class ServiceLevel:
    name: str
    default: int
    limit: int | None  # None: nothing outside the scheme sets one
    limit_kind: Limit
    unit: Unit
    responsible: str  # the handler role that must act ("" when the parties act)
    covers: str
    limit_source: str = ""

    def refusal(self, value: int) -> str | None:
        """Why `value` cannot be this level, or None if it can."""
        if value < 1:
            return f"{self.covers}: the time must be at least 1 {_ONE[self.unit]}."
        if self.limit is None:
            return None
        if self.limit_kind == Limit.AT_MOST and value > self.limit:
            return (
                f"{self.covers}: at most {self.limit} {self.unit} is allowed ({self.limit_source})."
            )
        if self.limit_kind == Limit.AT_LEAST and value < self.limit:
            return (
                f"{self.covers}: at least {self.limit} {self.unit} must be allowed "
                f"({self.limit_source})."
            )
        return None


DIRECTIVE_ACK = "the Directive allows 7 days, which is 5 working days at the least"
DIRECTIVE_FEEDBACK = "the Directive requires feedback within 3 months of acknowledgement"
FAIR_APPEAL = "shorter would take away a party's fair chance to appeal"
W, M, D = Unit.WORKING_DAYS, Unit.MONTHS, Unit.DAYS
MOST, LEAST = Limit.AT_MOST, Limit.AT_LEAST

# fmt: off
SERVICE_LEVELS: tuple[ServiceLevel, ...] = (
    ServiceLevel("acknowledge", 2, 5, MOST, W, "case_manager",
                 "Acknowledge the report", DIRECTIVE_ACK),
    ServiceLevel("advocate_contact", 2, None, MOST, W, "advocate",
                 "First contact from the named advocate"),
    ServiceLevel("assess", 10, None, MOST, W, "case_manager", "Assess the report"),
    ServiceLevel("route", 5, None, MOST, W, "case_manager",
                 "Choose informal resolution, investigation or referral"),
    ServiceLevel("informal_resolution", 30, None, MOST, W, "case_manager",
                 "Resolve informally, or escalate"),
    ServiceLevel("investigation", 60, None, MOST, W, "investigator",
                 "Complete the investigation and findings"),
    ServiceLevel("decision", 20, None, MOST, W, "panel_member",
                 "The panel decides on the findings"),
    ServiceLevel("appeal_window", 15, 10, LEAST, W, "",
                 "Time allowed to appeal the decision", FAIR_APPEAL),
    ServiceLevel("appeal_decision", 20, None, MOST, W, "panel_member",
                 "The appeal panel decides the appeal"),
    ServiceLevel("close", 5, None, MOST, W, "case_manager",
                 "Close the case after the appeal decision"),
    ServiceLevel("party_update", 20, None, MOST, W, "advocate",
                 "An update to each party while the case is open"),
    ServiceLevel("update_requested", 2, None, MOST, W, "advocate",
                 "Answer a complainant who asked for an update"),
    ServiceLevel("feedback", 3, 3, MOST, M, "case_manager",
                 "Written feedback to the complainant after acknowledgement",
                 DIRECTIVE_FEEDBACK),
    # After closure: the advocate's check-ins against retaliation (ombuds/checkins), in
    # calendar days from the day the case closed.
    ServiceLevel("checkin_first", 30, None, MOST, D, "advocate",
                 "First check-in with the complainant after closure"),
    ServiceLevel("checkin_second", 60, None, MOST, D, "advocate",
                 "Second check-in with the complainant after closure"),
    ServiceLevel("checkin_third", 90, None, MOST, D, "advocate",
                 "Third check-in with the complainant after closure"),
)
# fmt: on
LEVELS: dict[str, ServiceLevel] = {level.name: level for level in SERVICE_LEVELS}


def level_named(name: str) -> ServiceLevel:
    try:
        return LEVELS[name]
    except KeyError:
        raise InvalidInput(f"There is no service level called {name!r}.") from None


def check_level(name: str, value: int) -> None:
    """Raise InvalidInput (in plain words) unless `value` is allowed for level `name`."""
    refusal = level_named(name).refusal(value)
    if refusal is not None:
        raise InvalidInput(refusal)


def responsible_role(deadline_name: str) -> str:
    """The handler role that must meet a deadline ("" when none: the parties' own time)."""
    level = LEVELS.get(deadline_name)
    return level.responsible if level else "case_manager"


@dataclass(frozen=True)
class Deadline:
    name: str
    working_days: int
    description: str


# fmt: off
# Deadlines, by the transition that starts them. Each runs until the case leaves the stage.
ACKNOWLEDGE = Deadline("acknowledge", 2, "Acknowledge the report")
ASSESS = Deadline("assess", 10, "Assess the report")
ROUTE = Deadline("route", 5, "Choose informal resolution, investigation or referral")
INFORMAL = Deadline("informal_resolution", 30, "Resolve informally, or escalate")
INVESTIGATE = Deadline("investigation", 60, "Complete the investigation and findings")
DECIDE = Deadline("decision", 20, "The panel decides on the findings")
APPEAL_WINDOW = Deadline("appeal_window", 15, "Time allowed to appeal the decision")
DECIDE_APPEAL = Deadline("appeal_decision", 20, "The appeal panel decides the appeal")
CLOSE = Deadline("close", 5, "Close the case after the appeal decision")
DEADLINES: dict[str, Deadline] = {d.name: d for d in (
    ACKNOWLEDGE, ASSESS, ROUTE, INFORMAL, INVESTIGATE, DECIDE, APPEAL_WINDOW, DECIDE_APPEAL, CLOSE)}
# fmt: on


def deadline_description(name: str) -> str:
    """A case's current deadline in words: a lifecycle deadline, or another service level
    (after closure, the advocate's check-ins)."""
    if name in DEADLINES:
        return DEADLINES[name].description
    level = LEVELS.get(name)
    return level.covers if level else ""
