"""The questions a report asks, as plain data. No Django: services and forms share it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ombuds.lib.errors import InvalidInput

MAX_TEXT = 20_000
MAX_LINE = 500


@dataclass(frozen=True)
class ReportAccount:
    """What the person told us. All of it is case content and is only stored encrypted."""

    what_happened: str
    people_involved: str
    when: str = ""
    where: str = ""
    witnesses: str = ""
    outcome_wanted: str = ""
    your_name: str = ""
    contact: str = ""
    # Optional, and only used (as keyed fingerprints) to keep anyone with a declared
    # connection to these people or places from being allocated to the case.
    respondent_name: str = ""
    respondent_unit: str = ""
    your_unit: str = ""

    def interests(self, *, anonymous: bool) -> list[tuple[str, str]]:
        """The (kind, value) pairs that conflict checks compare with handlers' declarations.

        A branch, office or group could be declared as a unit or a group, so both are
        given; several may be separated by commas.
        """
        pairs = [("person", self.respondent_name.strip())]
        if not anonymous:
            pairs.append(("person", self.your_name.strip()))
        for answer in (self.respondent_unit, self.your_unit):
            for place in answer.split(","):
                pairs += [("unit", place.strip()), ("group", place.strip())]
        return [(kind, value) for kind, value in pairs if value]

    def as_content(self) -> dict[str, Any]:
        return asdict(self)

    def check(self, *, anonymous: bool) -> None:
        """Refuse an account the services must not store (the form explains it first)."""
        if not self.what_happened.strip():
            raise InvalidInput("Tell us what happened.")
        if not self.people_involved.strip():
            raise InvalidInput("Tell us who was involved.")
        if not anonymous and not self.your_name.strip():
            raise InvalidInput("Enter your name, or choose to stay anonymous.")
        for name, value in self.as_content().items():
            short = {
                "when",
                "where",
                "your_name",
                "respondent_name",
                "respondent_unit",
                "your_unit",
            }
            limit = MAX_LINE if name in short else MAX_TEXT
            if len(value) > limit:
                raise InvalidInput(f"The answer to '{name}' is too long.")
