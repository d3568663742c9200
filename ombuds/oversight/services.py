"""The auditor's one command, and the sweep's: asking for a full re-verification of the
ledger, making the figures of quarters that have ended final (each with its digest signed
into the ledger in the same transaction), and checking every frozen quarter against its
signed digest for the auditor's page."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Min

from ombuds.cases.models import CaseCourse
from ombuds.ledger.actor import SYSTEM
from ombuds.ledger.models import Verification
from ombuds.ledger.rows import read_snapshot
from ombuds.ledger.verification import request_full_verification
from ombuds.lib.errors import NotPermitted
from ombuds.lib.security_log import SecurityEvent, security_event
from ombuds.oversight.models import FiguresCheck, FrozenQuarter, QuarterCount, QuarterDays
from ombuds.oversight.sealing import STATISTICS_STREAM, quarter_digest
from ombuds.oversight.statistics import last_quarter
from ombuds.oversight.tallies import (
    Tally,
    frozen_tallies,
    live_tallies,
    signed_digests,
    unchecked_quarters,
)
from ombuds.people.models import Organisation, User
from ombuds.record.events.scheme import QUARTER_FROZEN
from ombuds.record.roles import Role
from ombuds.record.services import event_append


def full_verification_request(*, actor: User) -> Verification:
    """Queue a full re-verification; `ombuds verify --full` (cron or the sweep worker) runs
    it in the background, never the web request. Asking again while one is queued or
    running returns that one."""
    if actor.role != Role.AUDITOR:
        raise NotPermitted("Only an auditor can ask for a full re-verification.")
    return request_full_verification(requested_by=actor.pseudonym)


def _quarters(first: int, last: int) -> list[int]:
    """Every quarter from `first` to `last`, both included (2025 Q4 is followed by 2026 Q1)."""
    out = []
    year, quarter = divmod(first, 10)
    while year * 10 + quarter <= last:
        out.append(year * 10 + quarter)
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out


def _freeze(organisation: Organisation, quarter: int, tally: Tally, at: dt.datetime) -> bool:
    """Store the quarter's counts and sign their digest into the ledger: one transaction,
    so there are never stored figures without their event, nor an event without them."""
    counts = [(f, code, n) for f, by_code in tally.counts.items() for code, n in by_code.items()]
    days = [(m, day, n) for m, by_day in tally.days.items() for day, n in by_day.items()]
    try:
        with transaction.atomic():
            frozen = FrozenQuarter.objects.create(
                organisation=organisation, quarter=quarter, frozen_at=at
            )
            QuarterCount.objects.bulk_create(
                QuarterCount(frozen=frozen, figure=figure, code=code, cases=n)
                for figure, code, n in counts
            )
            QuarterDays.objects.bulk_create(
                QuarterDays(frozen=frozen, measure=measure, days=day, cases=n)
                for measure, day, n in days
            )
            event_append(
                QUARTER_FROZEN,
                stream=STATISTICS_STREAM,
                actor=SYSTEM,
                metadata={
                    "organisation": organisation.slug,
                    "quarter": quarter,
                    "digest": quarter_digest(organisation.slug, quarter, counts, days),
                },
            )
    except IntegrityError:
        return False  # another sweep froze it at the same moment: its figures stand
    return True


def statistics_freeze(*, now: dt.datetime) -> int:
    """Make the figures of every quarter that has ended final, for each organisation, from
    the first year it had a case; returns how many quarters were frozen now.

    Run by `ombuds sweep`. A quarter is counted from the read model in one snapshot and
    stored with the time it became final; from then on its published figures come only
    from what was stored, so a later event about one of its cases (a withdrawal, a
    decision) changes nothing the public was shown, and no two publications can be set
    against each other to give away a hidden count or one person's outcome. Several
    sweeps may run: a quarter is frozen once (a unique constraint), the rest is refused.

    Each quarter's digest goes into the ledger with it (`statistics.quarter_frozen`). A
    quarter the ledger says was frozen but whose stored figures are gone is not frozen
    again from today's read model (its figures would differ from those published): the
    pages withhold it, and the check below lists it. Then, at most hourly, every frozen
    quarter is checked against its signed digest (`frozen_figures_check`).
    """
    last = last_quarter(public=True, now=now)
    frozen = 0
    signed = signed_digests()
    for organisation in Organisation.objects.order_by("pk"):
        first = CaseCourse.objects.filter(organisation=organisation).aggregate(q=Min("quarter"))
        if first["q"] is None:
            continue
        done = set(
            FrozenQuarter.objects.filter(organisation=organisation).values_list(
                "quarter", flat=True
            )
        )
        done |= {q for slug, q in signed if slug == organisation.slug}
        todo = [q for q in _quarters(first["q"] // 10 * 10 + 1, last) if q not in done]
        if not todo:
            continue
        with read_snapshot():  # no write lock while a few hundred thousand rows are read
            tallies = live_tallies(organisation, todo)
        frozen += sum(_freeze(organisation, q, tallies[q], now) for q in todo)
    frozen_figures_check(now=now, force=frozen > 0)
    return frozen


CHECK_EVERY = dt.timedelta(hours=1)


def frozen_figures_check(*, now: dt.datetime, force: bool = False) -> FiguresCheck | None:
    """Check every frozen quarter of every organisation against its signed digest and
    store the result for the auditor's page (her page must not read every frozen row at
    each view); a security event for each quarter that fails. Run by the sweep at most
    once an hour (`force`: now). Returns the stored check, or None if none was due."""
    latest = FiguresCheck.objects.order_by("-checked_at", "-id").first()
    if latest is not None and not force and now - latest.checked_at < CHECK_EVERY:
        return None
    signed = signed_digests()
    unchecked: list[dict[str, object]] = []
    quarters = 0
    for organisation in Organisation.objects.order_by("slug"):
        stored = frozen_tallies(organisation, 0, 99999)
        quarters += len(stored)
        for quarter in sorted(unchecked_quarters(organisation, stored, signed)):
            unchecked.append({"organisation": organisation.slug, "quarter": quarter})
            security_event(
                SecurityEvent.STATISTICS_UNCHECKED,
                organisation=organisation.slug, quarter=quarter, seen_by="sweep",
            )  # fmt: skip
    with transaction.atomic():
        FiguresCheck.objects.all().delete()  # only the latest is kept
        return FiguresCheck.objects.create(checked_at=now, quarters=quarters, unchecked=unchecked)
