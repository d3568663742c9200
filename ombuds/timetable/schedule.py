"""An organisation's calendar and service levels, as every deadline reads them.

`organisation_holidays` is the holiday set the fold's `holidays=` takes: the public
holidays of the organisation's region plus the scheme's closure days. Public holidays are
fixed per region and year, so they are cached for the life of the process; closure days
and the organisation's own service levels are read together, in one statement, and cached
briefly (an administrator's change is seen by every process within a minute, at once by
the one that made it).

A deadline's length is written into the event that starts it (`working_days`), as the
organisation's service level was then: a later change of level moves no deadline already
running, and a refold gives the same date.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from ombuds.people.models import Organisation
from ombuds.people.regions import ENGLAND_AND_WALES, public_holidays
from ombuds.timetable.models import ClosureDay, ServiceLevelSetting
from ombuds.timetable.service_levels import DEADLINES, LEVELS

FIRST_YEAR = 2015  # holidays before the scheme's first case are never needed
YEARS_AHEAD = 3
_CALENDAR_TTL = 60


@lru_cache(maxsize=64)
def _region_holidays(region: str, first: int, last: int) -> frozenset[date]:
    return public_holidays(region, range(first, last + 1))


def _calendar_key(organisation_id: int) -> str:
    return f"ombuds.timetable.calendar.{organisation_id}"


def _calendar(organisation_id: int) -> tuple[frozenset[date], dict[str, int]]:
    """The organisation's closure days and its own service levels (one statement)."""
    key = _calendar_key(organisation_id)
    found: tuple[frozenset[date], dict[str, int]] | None = cache.get(key)
    if found is None:
        closures = (
            ClosureDay.objects.filter(organisation_id=organisation_id)
            .annotate(
                kind=Value("closure", output_field=CharField()),
                day_text=Cast("day", output_field=CharField()),
                amount=Value(0, output_field=IntegerField()),
            )
            .values_list("kind", "day_text", "amount")
        )
        levels = (
            ServiceLevelSetting.objects.filter(organisation_id=organisation_id)
            .annotate(kind=Value("level", output_field=CharField()))
            .values_list("kind", "name", "value")
        )
        rows = list(closures.union(levels, all=True))
        found = (
            frozenset(
                date.fromisoformat(str(label)[:10]) for kind, label, _ in rows if kind == "closure"
            ),
            {str(label): int(amount) for kind, label, amount in rows if kind == "level"},
        )
        cache.set(key, found, _CALENDAR_TTL)
    return found


def closure_days(organisation_id: int) -> frozenset[date]:
    return _calendar(organisation_id)[0]


def forget_calendar(organisation_id: int) -> None:
    """Called by the services that change closure days or service levels: now, and again
    once their transaction commits (a read between the two would have cached the change
    before it was committed, and a rollback would have left it there)."""
    key = _calendar_key(organisation_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def organisation_holidays(
    organisation: Organisation, *, start: date | None = None, end: date | None = None
) -> frozenset[date]:
    """Every day off (public holiday or closure) of `organisation` from `start` to `end`
    (by default: from FIRST_YEAR to YEARS_AHEAD years from now). Weekends are separate."""
    return _holidays(organisation.pk, organisation.region, start, end)


def _holidays(
    organisation_id: int, region: str, start: date | None, end: date | None
) -> frozenset[date]:
    this_year = timezone.now().year
    first = start.year if start else FIRST_YEAR
    last = end.year if end else this_year + YEARS_AHEAD
    days = _region_holidays(region, first, last) | closure_days(organisation_id)
    if start or end:
        low, high = start or date(first, 1, 1), end or date(last, 12, 31)
        days = frozenset(d for d in days if low <= d <= high)
    return days


def holidays_by_id(organisation_id: int | None, region: str) -> frozenset[date]:
    """`organisation_holidays` for an organisation known by its id and region; with no
    organisation (a case whose submission is being written), the default region's."""
    if organisation_id is None:
        return _region_holidays(ENGLAND_AND_WALES, FIRST_YEAR, timezone.now().year + YEARS_AHEAD)
    return _holidays(organisation_id, region, None, None)


def service_levels(organisation: Organisation) -> dict[str, int]:
    """Every service level of `organisation`: the defaults with its own values on top."""
    levels = {name: level.default for name, level in LEVELS.items()}
    levels.update(_calendar(organisation.pk)[1])
    return levels


def working_days_for(organisation: Organisation, deadline_name: str) -> int:
    """How many working days the lifecycle deadline `deadline_name` gives at this
    organisation: its own setting, else the scheme's default, else the lifecycle table's."""
    setting = _calendar(organisation.pk)[1].get(deadline_name)
    if setting is not None:
        return setting
    if deadline_name in LEVELS:
        return LEVELS[deadline_name].default
    return DEADLINES[deadline_name].working_days
