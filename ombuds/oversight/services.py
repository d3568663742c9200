"""The auditor's one command, and the sweep's: asking for a full re-verification of the
ledger, and making the figures of quarters that have ended final."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Min

from ombuds.cases.models import CaseCourse
from ombuds.ledger.models import Verification
from ombuds.ledger.rows import read_snapshot
from ombuds.ledger.verification import request_full_verification
from ombuds.lib.errors import NotPermitted
from ombuds.oversight.models import FrozenQuarter, QuarterCount, QuarterDays
from ombuds.oversight.statistics import last_quarter
from ombuds.oversight.tallies import Tally, live_tallies
from ombuds.people.models import Organisation, User
from ombuds.record.roles import Role


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
    try:
        with transaction.atomic():
            frozen = FrozenQuarter.objects.create(
                organisation=organisation, quarter=quarter, frozen_at=at
            )
            QuarterCount.objects.bulk_create(
                QuarterCount(frozen=frozen, figure=figure, code=code, cases=n)
                for figure, counts in tally.counts.items()
                for code, n in counts.items()
            )
            QuarterDays.objects.bulk_create(
                QuarterDays(frozen=frozen, measure=measure, days=day, cases=n)
                for measure, days in tally.days.items()
                for day, n in days.items()
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
    """
    last = last_quarter(public=True, now=now)
    frozen = 0
    for organisation in Organisation.objects.order_by("pk"):
        first = CaseCourse.objects.filter(organisation=organisation).aggregate(q=Min("quarter"))
        if first["q"] is None:
            continue
        done = set(
            FrozenQuarter.objects.filter(organisation=organisation).values_list(
                "quarter", flat=True
            )
        )
        todo = [q for q in _quarters(first["q"] // 10 * 10 + 1, last) if q not in done]
        if not todo:
            continue
        with read_snapshot():  # no write lock while a few hundred thousand rows are read
            tallies = live_tallies(organisation, todo)
        frozen += sum(_freeze(organisation, q, tallies[q], now) for q in todo)
    return frozen
