"""Published statistics of one organisation and year, read from the statistics read model
(`cases.CaseCourse`: codes, quarters and hours; never content, names or references) and
published through the suppression rule (`suppression.py`). Read-only: a selector.

A case is counted in the year and quarter it was received. The public sees only quarters
that have ended; the auditor sees the current one too. Durations are quartiles (nearest
rank) over at least the threshold's number of cases, in days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ombuds.cases.course import TIMED_STAGES, Appeal, Outcome, Route, quarter_of
from ombuds.cases.models import CaseCourse
from ombuds.lib.errors import NotFound
from ombuds.oversight.suppression import Counts, Published, Spread, quartiles, suppress
from ombuds.people.models import Organisation
from ombuds.record.outcomes import ALL_CODES, sanction_words
from ombuds.record.stages import Stage, stage_name

QUARTERS = (1, 2, 3, 4)
ROUTES: dict[str, Promise] = {
    Route.NONE: _("Not routed yet"),
    Route.INFORMAL: _("Informal resolution"),
    Route.INVESTIGATION: _("Investigation"),
    Route.INFORMAL_THEN_INVESTIGATION: _("Informal resolution, then investigation"),
    Route.REFERRED: _("Referred to the police"),
}
OUTCOMES: dict[str, Promise] = {
    Outcome.OPEN: _("No outcome yet"),
    Outcome.SANCTION: _("Decided: a sanction"),
    Outcome.NO_ACTION: _("Decided: no action"),
    Outcome.CLOSED: _("Closed without a decision"),
    Outcome.WITHDRAWN: _("Withdrawn by the complainant"),
    Outcome.REFERRED: _("Referred to the police"),
}
APPEALS: dict[str, Promise] = {
    Appeal.NONE: _("Not appealed"),
    Appeal.PENDING: _("Appeal not decided yet"),
    Appeal.CHANGED: _("Appeal changed the sanctions"),
    Appeal.UNCHANGED: _("Appeal left the sanctions unchanged"),
}
APPELLANTS: dict[str, Promise] = {
    "": _("Not appealed"),
    "complainant": _("Appealed by the complainant"),
    "respondent": _("Appealed by the respondent"),
}
DEADLINES: dict[bool, Promise] = {
    False: _("Every deadline met"),
    True: _("A deadline missed"),
}


@dataclass(frozen=True)
class Figure:
    """One published table: its slug (for its chart and CSV), title and shown counts."""

    slug: str
    title: str
    labels: tuple[str, ...]
    published: Published


@dataclass(frozen=True)
class Duration:
    label: str
    spread: Spread | None  # in days; None: fewer cases than the threshold


@dataclass(frozen=True)
class YearFigures:
    organisation: Organisation
    year: int
    quarters: tuple[int, ...]  # the quarters counted (the public: only ended ones)
    threshold: int
    figures: tuple[Figure, ...]
    durations: tuple[Duration, ...]

    def figure(self, slug: str) -> Figure:
        for figure in self.figures:
            if figure.slug == slug:
                return figure
        raise NotFound("No such figure.")


def threshold() -> int:
    return int(settings.OMBUDS_STATISTICS_THRESHOLD)


def last_quarter(*, public: bool, now: dt.datetime | None = None) -> int:
    """The last quarter counted: the public sees only quarters that have ended."""
    current = quarter_of(now or timezone.now())
    if not public:
        return current
    year, quarter = divmod(current, 10)
    return year * 10 + quarter - 1 if quarter > 1 else (year - 1) * 10 + 4


def organisation_years(organisation: Organisation, *, public: bool) -> list[int]:
    """The years with cases of this organisation, newest first (two index look-ups)."""
    bounds = CaseCourse.objects.filter(
        organisation=organisation, quarter__lte=last_quarter(public=public)
    ).aggregate(first=Min("quarter"), last=Max("quarter"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"] // 10, bounds["first"] // 10 - 1, -1))


def organisations_with_years(*, public: bool) -> list[tuple[Organisation, list[int]]]:
    return [
        (org, organisation_years(org, public=public))
        for org in Organisation.objects.order_by("name", "slug")
    ]


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def _table(
    counts: dict[tuple[object, int], int], codes: Iterable[object], quarters: tuple[int, ...]
) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(counts.get((code, q), 0) for q in quarters) for code in codes)


def year_figures(organisation: Organisation, year: int, *, public: bool) -> YearFigures:
    """Every published figure of one organisation-year, suppressed together."""
    last = last_quarter(public=public)
    quarters = tuple(q for q in QUARTERS if year * 10 + q <= last)
    if not quarters:
        raise NotFound("No figures are published for that year yet.")
    rows = CaseCourse.objects.filter(
        organisation=organisation, quarter__gte=year * 10 + 1, quarter__lte=year * 10 + 4
    ).filter(quarter__lte=last)
    # One small GROUP BY per dimension (at most 4 x 12 groups each), not one per case.
    by: dict[str, dict[tuple[object, int], int]] = {}
    for name, column in (("stage", "stage"), ("route", "route"), ("outcome", "outcome"),
                         ("appeal", "appeal"), ("appellant", "appellant"),
                         ("deadlines", "deadline_missed")):  # fmt: skip
        by[name] = {
            (code, quarter % 10): n
            for quarter, code, n in rows.values_list("quarter", column)
            .annotate(n=Count("*"))
            .order_by()
        }
    sanctions: dict[tuple[object, int], int] = defaultdict(int)
    for quarter, codes, n in (
        rows.exclude(sanctions="").values_list("quarter", "sanctions").annotate(n=Count("*"))
        .order_by()
    ):  # fmt: skip
        for code in codes.split():
            sanctions[(code, quarter % 10)] += n
    stages = [s.value for s in Stage]
    sanction_codes = [c for c in ALL_CODES if any(sanctions.get((c, q)) for q in quarters)]
    specs: list[tuple[str, str, list[object], list[str], dict[tuple[object, int], int], bool]] = [
        ("stage", str(_("Cases by stage now")), list(stages),
         [gettext(stage_name(s)) for s in stages], by["stage"], True),
        ("route", str(_("Cases by route")), list(ROUTES), [str(v) for v in ROUTES.values()],
         by["route"], True),
        ("outcome", str(_("Cases by outcome")), list(OUTCOMES),
         [str(v) for v in OUTCOMES.values()], by["outcome"], True),
        ("appeals", str(_("Appeals and their results")), list(APPEALS),
         [str(v) for v in APPEALS.values()], by["appeal"], True),
        ("appellants", str(_("Who appealed")), list(APPELLANTS),
         [str(v) for v in APPELLANTS.values()], by["appellant"], True),
        ("deadlines", str(_("Deadline compliance")), list(DEADLINES),
         [str(v) for v in DEADLINES.values()], by["deadlines"], True),
        ("sanctions", str(_("Sanctions decided (a decision may impose several)")),
         list(sanction_codes), [gettext(sanction_words(c)) for c in sanction_codes], sanctions,
         False),
    ]  # fmt: skip
    limit = threshold()
    tables = [
        Counts(tuple(str(c) for c in codes), _table(counts, codes, quarters), partition=part)
        for _slug, _title, codes, _labels, counts, part in specs
    ]
    published = suppress(tables, limit)
    figures = tuple(
        Figure(slug, title, tuple(labels), shown)
        for (slug, title, _codes, labels, _counts, _part), shown in zip(
            specs, published, strict=True
        )
    )
    return YearFigures(
        organisation=organisation,
        year=year,
        quarters=quarters,
        threshold=limit,
        figures=figures,
        durations=_durations(rows, limit),
    )


def _durations(rows: QuerySet[CaseCourse], limit: int) -> tuple[Duration, ...]:
    measures = [
        ("first_contact_hours", str(_("Time to first contact"))),
        *((f"{stage.value}_hours", str(_("Time in stage: %(stage)s") % {
            "stage": gettext(stage_name(stage.value))})) for stage in TIMED_STAGES),
        ("close_hours", str(_("Time from report to close"))),
    ]  # fmt: skip
    out = []
    for column, label in measures:
        # Whole days, counted in the database: a few hundred groups, not a row per case.
        histogram = dict(
            rows.filter(**{f"{column}__isnull": False})
            .annotate(day=F(column) / 24)
            .values_list("day")
            .annotate(n=Count("*"))
            .order_by()
            .values_list("day", "n")
        )
        out.append(Duration(label, quartiles(histogram, limit)))
    return tuple(out)
