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
            limit = MAX_LINE if name in {"when", "where", "your_name"} else MAX_TEXT
            if len(value) > limit:
                raise InvalidInput(f"The answer to '{name}' is too long.")
