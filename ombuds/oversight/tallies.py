"""The counts of an organisation's quarters before suppression: read live from the
statistics read model (`cases.CaseCourse`) for a quarter still open to change, or from the
frozen figures (`oversight.FrozenQuarter`) once the sweep has made a quarter final, with
the digest of the rows read, to be checked against the digest the sweep signed into the
ledger (`signed_digests`, `sealing.py`). Read-only. Both give the same `Tally` for the same
cases (tests/oversight compare them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F

from ombuds.cases.course import TIMED_STAGES
from ombuds.cases.models import CaseCourse
from ombuds.ledger.encoding import EventRecord, event_hash
from ombuds.ledger.models import Event
from ombuds.ledger.staging import EVENT_COLUMNS
from ombuds.oversight.models import FiguresCheck, FrozenQuarter, QuarterCount, QuarterDays
from ombuds.oversight.sealing import STATISTICS_STREAM, CountRow, DaysRow, quarter_digest
from ombuds.people.models import Organisation
from ombuds.record.events.scheme import QUARTER_FROZEN

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
    whole days -> cases. `final_at` is when it was frozen (None: counted live), and
    `digest` that of the frozen rows as read (`sealing.quarter_digest`; "" if live)."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    days: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    final_at: dt.datetime | None = None
    digest: str = ""


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
    """The frozen quarters from `first` to `last` (three index look-ups), each with the
    digest of exactly the rows read (a duplicated row changes it)."""
    frozen = {
        f.id: (f.quarter, Tally(final_at=f.frozen_at))
        for f in FrozenQuarter.objects.filter(
            organisation=organisation, quarter__gte=first, quarter__lte=last
        )
    }
    if not frozen:
        return {}
    counts: dict[int, list[CountRow]] = defaultdict(list)
    days_rows: dict[int, list[DaysRow]] = defaultdict(list)
    for frozen_id, figure, code, n in QuarterCount.objects.filter(frozen_id__in=frozen).values_list(
        "frozen_id", "figure", "code", "cases"
    ):
        frozen[frozen_id][1].counts[figure][code] = n
        counts[frozen_id].append((figure, code, n))
    for frozen_id, measure, days, n in QuarterDays.objects.filter(frozen_id__in=frozen).values_list(
        "frozen_id", "measure", "days", "cases"
    ):
        frozen[frozen_id][1].days[measure][days] = n
        days_rows[frozen_id].append((measure, days, n))
    for frozen_id, (quarter, tally) in frozen.items():
        tally.digest = quarter_digest(
            organisation.slug, quarter, counts[frozen_id], days_rows[frozen_id]
        )
    return dict(frozen.values())


def signed_digests(
    organisation: Organisation | None = None, first: int = 0, last: int = 99999
) -> dict[tuple[str, int], set[str]]:
    """(organisation slug, quarter) -> the digests the ledger holds for it (normally one),
    from the `statistics.quarter_frozen` events of the quarters `first` to `last` (one
    index range: their own stream). An event whose stored hash does not match its columns
    is left out, so its quarter reads as unsigned: `ombuds verify` reports the event."""
    events = Event.objects.filter(stream=STATISTICS_STREAM, type=QUARTER_FROZEN.type)
    if organisation is not None:  # canonical JSON: sorted keys, no spaces
        events = events.filter(metadata__contains=f'"organisation":"{organisation.slug}"')
    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in events.order_by("stream_version").values_list(*EVENT_COLUMNS):
        try:
            meta = json.loads(row[8])
            key = (str(meta["organisation"]), int(meta["quarter"]))
            digest = str(meta["digest"])
        except (ValueError, KeyError, TypeError):
            continue
        if not first <= key[1] <= last or (organisation and key[0] != organisation.slug):
            continue
        record = EventRecord(
            seq=row[0], stream=row[1], stream_version=row[2], type=row[3],
            schema_version=row[4], recorded_at=row[5], actor_id=row[6], actor_role=row[7],
            metadata=row[8], body=bytes(row[9]), prev_hash=row[10],
        )  # fmt: skip
        if event_hash(record) == row[11]:
            out[key].add(digest)
    return dict(out)


def unchecked_quarters(
    organisation: Organisation,
    stored: dict[int, Tally],
    signed: dict[tuple[str, int], set[str]],
    first: int = 0,
    last: int = 99999,
) -> set[int]:
    """The organisation's quarters from `first` to `last` whose figures cannot be published
    as final: stored rows (`frozen_tallies`) whose digest is not the one, and only one, the
    ledger holds for that quarter; stored rows with no signed digest; and signed quarters
    whose stored rows are gone."""
    slug = organisation.slug
    bad = {
        q for q, tally in stored.items()
        if tally.final_at is not None and signed.get((slug, q)) != {tally.digest}
    }  # fmt: skip
    return bad | {q for s, q in signed if s == slug and first <= q <= last and q not in stored}


def last_frozen_quarter(organisation: Organisation) -> int | None:
    return (
        FrozenQuarter.objects.filter(organisation=organisation)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .first()
    )


@dataclass(frozen=True)
class UncheckedQuarter:
    organisation: str  # its name
    slug: str
    year: int
    quarter: int


def latest_figures_check() -> tuple[FiguresCheck | None, list[UncheckedQuarter]]:
    """The sweep's latest check of every frozen quarter, and the quarters it found that
    do not match their signed digest (for the auditor's page: two small look-ups)."""
    check = FiguresCheck.objects.order_by("-checked_at", "-id").first()
    if check is None:
        return None, []
    found = [(str(u["organisation"]), int(u["quarter"])) for u in check.unchecked]
    names = dict(
        Organisation.objects.filter(slug__in={s for s, _ in found}).values_list("slug", "name")
    )
    return check, [UncheckedQuarter(names.get(s, s), s, q // 10, q % 10) for s, q in found]
