"""The counts of an organisation's quarters before suppression: read live from the
statistics read model (`cases.CaseCourse`) for a quarter still open to change, or from the
frozen figures (`oversight.FrozenQuarter`) once the sweep has made a quarter final.
Read-only. Both give the same `Tally` for the same cases (tests/oversight compare them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F

from ombuds.cases.course import TIMED_STAGES
from ombuds.cases.models import CaseCourse
from ombuds.oversight.models import FrozenQuarter, QuarterCount, QuarterDays
from ombuds.people.models import Organisation

# Partition figures (each case in one row) and the read model's column for each.
PARTITIONS: dict[str, str] = {
    "stage": "stage",
    "route": "route",
    "outcome": "outcome",
    "appeal": "appeal",
    "appellant": "appellant",
    "deadlines": "deadline_missed",
}
SANCTIONS = "sanctions"  # a tally: a decision may impose several
DEADLINE_CODES = {False: "met", True: "missed"}
# Durations, as the read model's hours columns; published in whole days.
MEASURES: tuple[str, ...] = (
    "first_contact_hours",
    *(f"{stage.value}_hours" for stage in TIMED_STAGES),
    "close_hours",
)


def _code(value: object) -> str:
    return DEADLINE_CODES[value] if isinstance(value, bool) else str(value)


@dataclass
class Tally:
    """One organisation-quarter's counts: figure -> row code -> cases, and measure ->
    whole days -> cases. `final_at` is when it was frozen (None: counted live)."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    days: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    final_at: dt.datetime | None = None


def live_tallies(organisation: Organisation, quarters: Iterable[int]) -> dict[int, Tally]:
    """Count the quarters from the read model: one GROUP BY per figure and per measure
    over those quarters' cases (a few hundred groups each, not a row per case)."""
    wanted = sorted(set(quarters))
    out = {q: Tally() for q in wanted}
    if not wanted:
        return out
    rows = CaseCourse.objects.filter(
        organisation=organisation, quarter__gte=wanted[0], quarter__lte=wanted[-1]
    ).filter(quarter__in=wanted)
    for figure, column in PARTITIONS.items():
        for quarter, code, n in (
            rows.values_list("quarter", column).annotate(n=Count("*")).order_by()
        ):
            out[quarter].counts[figure][_code(code)] = n
    sanctioned = rows.exclude(sanctions="").values_list("quarter", "sanctions")
    for quarter, codes, n in sanctioned.annotate(n=Count("*")).order_by():
        counts = out[quarter].counts[SANCTIONS]
        for code in codes.split():
            counts[code] = counts.get(code, 0) + n
    for measure in MEASURES:
        histogram = (
            rows.filter(**{f"{measure}__isnull": False})
            .annotate(day=F(measure) / 24)
            .values_list("quarter", "day")
            .annotate(n=Count("*"))
            .order_by()
            .values_list("quarter", "day", "n")
        )
        for quarter, day, n in histogram:
            out[quarter].days[measure][int(day)] = n
    return out


def frozen_tallies(organisation: Organisation, first: int, last: int) -> dict[int, Tally]:
    """The frozen quarters from `first` to `last` (three index look-ups)."""
    frozen = {
        f.id: (f.quarter, Tally(final_at=f.frozen_at))
        for f in FrozenQuarter.objects.filter(
            organisation=organisation, quarter__gte=first, quarter__lte=last
        )
    }
    if not frozen:
        return {}
    for frozen_id, figure, code, n in QuarterCount.objects.filter(frozen_id__in=frozen).values_list(
        "frozen_id", "figure", "code", "cases"
    ):
        frozen[frozen_id][1].counts[figure][code] = n
    for frozen_id, measure, days, n in QuarterDays.objects.filter(frozen_id__in=frozen).values_list(
        "frozen_id", "measure", "days", "cases"
    ):
        frozen[frozen_id][1].days[measure][days] = n
    return dict(frozen.values())


def quarter_tallies(organisation: Organisation, quarters: Iterable[int]) -> dict[int, Tally]:
    """Each quarter's counts: frozen where the sweep made it final, else live."""
    wanted = sorted(set(quarters))
    if not wanted:
        return {}
    out = frozen_tallies(organisation, wanted[0], wanted[-1])
    out = {q: t for q, t in out.items() if q in wanted}
    out |= live_tallies(organisation, [q for q in wanted if q not in out])
    return out


def last_frozen_quarter(organisation: Organisation) -> int | None:
    return (
        FrozenQuarter.objects.filter(organisation=organisation)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .first()
    )
