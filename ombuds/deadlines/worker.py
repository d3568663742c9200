"""`ombuds sweep`: one pass of everything the scheme does on its own clock.

Deadlines (remind, escalate), interim measures past their review date, the staff's
daily digest, then the outbox. `--loop` repeats it; several workers may run at once,
since every part claims its work by conditional UPDATE.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.investigation.sweeps import measures_sweep
from ombuds.lib.working_days import END_OF_DAY, add_working_days
from ombuds.notifications.messages import DIGEST
from ombuds.notifications.models import Outbox
from ombuds.notifications.services import outbox_flush, worker_name
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import CHECKIN_DEADLINES
from ombuds.timetable.rules import REMIND_WORKING_DAYS


def digest_queue(now: datetime) -> int:
    """Queue today's digest (counts of cases due soon and overdue) for each handler with
    an address and something due, once a day. Returns how many were queued."""
    today = now.astimezone(UTC).date()
    soon = datetime.combine(add_working_days(today, REMIND_WORKING_DAYS), END_OF_DAY, tzinfo=UTC)
    key = f"digest:{today.isoformat()}"
    open_stages = [s.value for s in OPEN_STAGES]
    # Open cases, and a closed case's check-in still owed (its deadline after closure).
    watched = Q(assignments__case__stage__in=open_stages) | Q(
        assignments__case__stage=Stage.CLOSED.value,
        assignments__case__deadline_name__in=CHECKIN_DEADLINES,
    )
    mine = Q(assignments__role__in=[r.value for r in HANDLER_ROLES]) & watched
    counts = (
        User.objects.filter(role__in=[r.value for r in HANDLER_ROLES], is_active=True)
        .filter(contact_address__isnull=False)
        .exclude(outbox__dedupe=key)
        .annotate(
            due_soon=Count(
                "assignments",
                filter=mine
                & Q(
                    assignments__case__deadline_at__gte=now,
                    assignments__case__deadline_at__lte=soon,
                ),
            ),
            overdue=Count("assignments", filter=mine & Q(assignments__case__deadline_at__lt=now)),
        )
        .filter(Q(due_soon__gt=0) | Q(overdue__gt=0))
    )
    rows = [
        Outbox(
            recipient=person,
            kind=DIGEST,
            created_at=now,
            next_attempt_at=now,
            dedupe=key,
            due_soon=person.due_soon,
            overdue=person.overdue,
        )
        for person in counts
    ]
    try:
        with transaction.atomic():
            Outbox.objects.bulk_create(rows)
    except IntegrityError:
        return 0  # another sweep queued today's digests at the same moment
    return len(rows)


def sweep_once(now: datetime, *, worker: str, say: Callable[[str], None] = print) -> None:
    result = deadlines_sweep(now, worker=worker)
    say(
        f"Deadlines: {result.watched} newly watched, {result.reminded} reminder(s), "
        f"{result.escalated} escalation(s)."
    )
    say(f"{measures_sweep(now)} interim measure(s) lapsed at their review date.")
    say(f"{digest_queue(now)} daily digest(s) queued.")
    sent = outbox_flush(now=now, worker=worker)
    say(f"Notifications: {sent.sent} sent, {sent.failed} to retry later.")


def sweep_command(
    *,
    loop: bool,
    interval: float,
    now: datetime | None = None,
    also: Sequence[Callable[[datetime], str]] = (),
) -> int:
    """`also`: parts of higher apps on the same clock (this app cannot import them), each
    given the time and saying what it did (the statistics' quarter freeze)."""
    worker = worker_name()
    while True:
        moment = now or timezone.now()
        sweep_once(moment, worker=worker)
        for part in also:
            print(part(moment))
        if not loop:
            return 0
        time.sleep(interval)


__all__ = ["digest_queue", "sweep_command", "sweep_once"]
