"""Published statistics of one organisation and year, counted per quarter (`tallies.py`:
the frozen figures of a quarter the sweep made final, else the statistics read model
`cases.CaseCourse`: codes, quarters and hours; never content, names or references) and
published through the suppression rule (`suppression.py`). Read-only: a selector.

A case is counted in the year and quarter it was received. The public sees only quarters
that have ended and been frozen (so what it is shown never changes afterwards), published
as the year's publication after its latest quarter, held to the earlier ones
(`suppression.publish_in_turn`); the auditor sees the others too, counted live and
suppressed anew. Durations are quartiles (nearest rank) over at
least the threshold's number of cases, in days; the public's take in a quarter's durations
only once they, with any held before them, are at least that many
(`suppression.durations_in_turn`).

A frozen quarter is published only if its stored rows give the digest the sweep signed
into the ledger when it froze them (`tallies.unchecked_quarters`). One that does not (rows
edited, added or deleted; no signed digest; signed but its rows gone) is withheld, the
page says so, and a security event is logged. The public's year is published in turn, each
quarter on top of the ones before it, so it sees the year only up to the quarter before
the first one withheld: publishing the later ones without it would need its true counts
(to hold them to what was shown before), and dropping its column would let two
publications be differenced. The auditor's view, suppressed anew each time, leaves out
only the quarters that fail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ombuds.cases.course import TIMED_STAGES, Appeal, Outcome, Route, quarter_of
from ombuds.cases.models import CaseCourse
from ombuds.lib.errors import NotFound
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.oversight.suppression import (
    Counts,
    Published,
    Spread,
    durations_in_turn,
    publish_in_turn,
    quartiles,
    suppress,
)
from ombuds.oversight.tallies import (
    DEADLINE_CODES,
    SANCTIONS,
    Tally,
    frozen_tallies,
    last_frozen_quarter,
    live_tallies,
    signed_digests,
    unchecked_quarters,
)
from ombuds.people.models import Organisation
from ombuds.record.outcomes import ALL_CODES, sanction_words
from ombuds.record.stages import Stage, stage_name

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
DEADLINES: dict[str, Promise] = {
    DEADLINE_CODES[False]: _("Every deadline met"),
    DEADLINE_CODES[True]: _("A deadline missed"),
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
    final: tuple[tuple[int, dt.datetime], ...] = ()  # frozen quarters shown, and when
    # Frozen quarters withheld because their stored figures do not match the digest signed
    # into the ledger; and (the public's) those withheld because they come after one.
    unchecked: tuple[int, ...] = ()
    held_back: tuple[int, ...] = ()

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
    """The years with cases of this organisation, newest first (index look-ups only);
    for the public, only up to the last quarter the sweep made final."""
    last = last_quarter(public=public)
    if public:
        last = min(last, last_frozen_quarter(organisation) or 0)
    quarters = CaseCourse.objects.filter(organisation=organisation, quarter__lte=last)
    # Two index seeks: SQLite answers MIN and MAX in one query by scanning the whole range.
    first = quarters.aggregate(q=Min("quarter"))["q"]
    if first is None:
        return []
    newest = quarters.aggregate(q=Max("quarter"))["q"]
    return list(range(newest // 10, first // 10 - 1, -1))


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
    counts: dict[tuple[str, int], int], codes: Iterable[object], quarters: tuple[int, ...]
) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(counts.get((str(code), q), 0) for q in quarters) for code in codes)


def _year_tallies(
    organisation: Organisation, year: int, *, public: bool
) -> tuple[dict[int, Tally], set[int], set[int]]:
    """The year's quarters to publish: the public's only ended and frozen, the auditor's
    every one begun (frozen ones as frozen, the rest live); every frozen one checked
    against its signed digest. Also the quarters that failed, and those held back."""
    first, last = year * 10 + 1, min(last_quarter(public=public), year * 10 + 4)
    stored = frozen_tallies(organisation, first, last)
    signed = signed_digests(organisation, first, last)
    unchecked = unchecked_quarters(organisation, stored, signed, first, last)
    for quarter in sorted(unchecked):
        security_event(
            SecurityEvent.STATISTICS_UNCHECKED, organisation=organisation.slug,
            quarter=quarter, seen_by="public" if public else "auditor",
        )  # fmt: skip
    if public:  # in turn: up to the first quarter not frozen or not checked
        tallies: dict[int, Tally] = {}
        for quarter in range(first, last + 1):
            if quarter not in stored or quarter in unchecked:
                break
            tallies[quarter] = stored[quarter]
        return tallies, unchecked, (set(stored) | unchecked) - set(tallies) - unchecked
    tallies = {q: t for q, t in stored.items() if q not in unchecked}
    open_quarters = [q for q in range(first, last + 1) if q not in stored and q not in unchecked]
    return tallies | live_tallies(organisation, open_quarters), unchecked, set()


def year_figures(organisation: Organisation, year: int, *, public: bool) -> YearFigures:
    """Every published figure of one organisation-year, suppressed together; no figures,
    only the quarters withheld, when none can be published."""
    tallies, unchecked, held_back = _year_tallies(organisation, year, public=public)
    quarters = tuple(sorted(q % 10 for q in tallies))
    if not quarters and not unchecked:
        raise NotFound("No figures are published for that year yet.")
    if not quarters:
        return YearFigures(
            organisation=organisation, year=year, quarters=(), threshold=threshold(),
            figures=(), durations=(), unchecked=tuple(sorted(q % 10 for q in unchecked)),
            held_back=tuple(sorted(q % 10 for q in held_back)),
        )  # fmt: skip
    by: dict[str, dict[tuple[str, int], int]] = defaultdict(dict)
    for quarter, tally in tallies.items():
        for figure, counts in tally.counts.items():
            for code, n in counts.items():
                by[figure][(code, quarter % 10)] = n
    sanctions = by[SANCTIONS]
    stages = [s.value for s in Stage]
    sanction_codes = [c for c in ALL_CODES if any(sanctions.get((c, q)) for q in quarters)]
    specs: list[tuple[str, str, list[object], list[str], dict[tuple[str, int], int], bool]] = [
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
    # The public has seen this year after each earlier quarter too (final counts): what
    # it is shown now is held to what those showed. The auditor's view is counted anew.
    published = publish_in_turn(tables, limit)[-1] if public else suppress(tables, limit)
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
        durations=_durations([t for _q, t in sorted(tallies.items())], limit, public=public),
        final=tuple(
            (q % 10, t.final_at) for q, t in sorted(tallies.items()) if t.final_at is not None
        ),
        unchecked=tuple(sorted(q % 10 for q in unchecked)),
        held_back=tuple(sorted(q % 10 for q in held_back)),
    )


def _durations(tallies: Iterable[Tally], limit: int, *, public: bool) -> tuple[Duration, ...]:
    measures = [
        ("first_contact_hours", str(_("Time to first contact"))),
        *((f"{stage.value}_hours", str(_("Time in stage: %(stage)s") % {
            "stage": gettext(stage_name(stage.value))})) for stage in TIMED_STAGES),
        ("close_hours", str(_("Time from report to close"))),
    ]  # fmt: skip
    by_quarter: dict[str, list[dict[int, int]]] = defaultdict(list)
    for tally in tallies:  # whole days by quarter, in the year's order
        for measure, days in tally.days.items():
            by_quarter[measure].append(dict(days))
    # The public's quartiles change only by a threshold's worth of cases at a time, as its
    # counts do (`durations_in_turn`); the auditor's are taken over every case anew.
    histograms = {
        measure: durations_in_turn(quarters, limit) if public else _added(quarters)
        for measure, quarters in by_quarter.items()
    }
    return tuple(
        Duration(label, quartiles(dict(histograms.get(column, {})), limit))
        for column, label in measures
    )


def _added(quarters: Iterable[dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for days in quarters:
        for day, n in days.items():
            total[day] += n
    return dict(total)
