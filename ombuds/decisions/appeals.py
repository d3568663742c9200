"""Appeals: either party may appeal the panel's decision within the window."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.decisions.services import MAX_TEXT
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key

# Each party writes her grounds with her own key: the other party cannot read them.
_APPELLANT_KEYS = {Role.COMPLAINANT: Key.CASE, Role.RESPONDENT: Key.RESPONDENT}


def appeal_lodge(
    *,
    participant: Participant,
    grounds: str,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """The complainant or the respondent appeals the decision on stated grounds, within the
    time allowed (the lifecycle's guard refuses afterwards with its sentence)."""
    purpose = _APPELLANT_KEYS.get(participant.role)
    if purpose is None:
        raise NotPermitted("Only the complainant or the respondent can appeal the decision.")
    grounds = grounds.strip()
    if not grounds:
        raise InvalidInput("Write your grounds of appeal: why you think the decision is wrong.")
    if len(grounds) > MAX_TEXT:
        raise InvalidInput("Your grounds of appeal must be 20,000 characters or fewer.")
    with transaction.atomic():
        return case_record(
            participant,
            events.APPEALED,
            expected_version=expected_version,
            reason=grounds,
            content={"grounds": grounds},
            metadata={"appellant": participant.role.value},
            now=now,
            key=purpose,
        )
