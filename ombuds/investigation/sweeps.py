"""The system's sweep: interim measures past their review date without a review lapse.

Run it from cron (`ombuds measures-sweep`). Each measure is claimed with a conditional
UPDATE, so two sweeps running at once record each lapse once. The system holds no case
key, so the lapse event has no content and the organisation is told only the case
reference and the measure's number: it matches them to the notice it already holds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.participants import system_participant
from ombuds.investigation.measures import measures_refresh
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.rules import IN_FORCE, LAPSED
from ombuds.liaison.services import notice_send
from ombuds.record import events


def _lapse(measure: InterimMeasure, today: date) -> bool:
    with transaction.atomic():
        claimed = InterimMeasure.objects.filter(
            pk=measure.pk, status__in=IN_FORCE, review_date__lt=today
        ).update(status=LAPSED)
        if not claimed:
            return False  # reviewed, or lapsed by another sweep, meanwhile
        case = case_record(
            system_participant(measure.case),
            events.MEASURE_LAPSED,
            metadata={"measure": measure.number},
        )
        notice_send(
            sender=system_participant(measure.case),
            kind="measure_ended",
            instruction={
                "measure": f"Interim measure {measure.number} lapsed at its review date. "
                "Stop applying it."
            },
        )
        measures_refresh(case)
    return True


def measures_sweep(now: datetime) -> int:
    """Lapse every measure in force whose review date is before `now`'s date (UTC).
    Returns how many lapsed."""
    today = now.astimezone(UTC).date()
    due = InterimMeasure.objects.filter(status__in=IN_FORCE, review_date__lt=today)
    return sum(_lapse(m, today) for m in due.select_related("case").order_by("pk"))
