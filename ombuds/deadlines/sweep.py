"""The deadlines sweep: remind before a deadline, escalate when one is missed.

`ombuds sweep` runs it once (`--loop` keeps running). Work is claimed with a conditional
UPDATE on `deadlines.Watch`, so two sweeps at once act on each deadline once; the work is
done in batches of BATCH deadlines, each batch's events, read models, watch rows and
notifications written in one transaction (a few statements for the whole batch, not a
few per deadline), so a sweep that dies half-way leaves nothing half-done: the batches
committed stand, and the next sweep takes the rest once their claims' lease runs out.

1. watch: one row per open case whose current deadline falls due within the window
   (an insert that ignores rows another sweep has already added);
2. remind: rows due within REMIND_WORKING_DAYS working days, not yet reminded: the
   responsible handlers are sent a reminder (outbox);
3. escalate: rows past due and not yet escalated for this date: `case.deadline_missed`,
   the handlers are blocked until they record a reason and a new date, and every
   oversight officer is told.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from ombuds.cases.commands import case_append_many
from ombuds.cases.models import Assignment, Case
from ombuds.cases.read_models import cases_refresh
from ombuds.cases.services import case_close_unappealed
from ombuds.deadlines.updates import UPDATE_CLOCK, answered
from ombuds.ledger.actor import SYSTEM
from ombuds.lib.errors import ConcurrentChange
from ombuds.lib.working_days import END_OF_DAY, add_working_days
from ombuds.notifications.messages import ESCALATION, MISSED, REMINDER
from ombuds.notifications.services import outbox_add_many, worker_name
from ombuds.people.models import Organisation, User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import CHECKIN_DEADLINES
from ombuds.timetable.models import Watch
from ombuds.timetable.rules import REMIND_WORKING_DAYS
from ombuds.timetable.schedule import organisation_holidays
from ombuds.timetable.service_levels import responsible_role

LEASE = timedelta(minutes=10)  # a claim older than this was lost with its sweep
BATCH = 100  # deadlines per transaction
WINDOW = timedelta(days=10)  # watch deadlines this close (covers 2 working days + holidays)
_OPEN = [stage.value for stage in OPEN_STAGES]
_PARTIES_TIME = frozenset({"appeal_window"})
SIDE_CLOCKS = frozenset(
    {UPDATE_CLOCK}
)  # not the lifecycle's deadline; see updates.py  # the parties' own time: nobody misses it


@dataclass(frozen=True)
class SweepResult:
    watched: int
    reminded: int
    escalated: int
    closed: int = 0  # decided cases nobody appealed in time


def _close_unappealed(now: datetime) -> int:
    """Close every decided case whose time to appeal has passed with no appeal: its
    decision is final, and the complainant's check-ins start with the closure. A case
    another command changed meanwhile is left to the next sweep."""
    closed = 0
    due = Case.objects.filter(
        stage=Stage.DECISION.value, deadline_name__in=_PARTIES_TIME, deadline_at__lt=now
    ).select_related("organisation")
    for case in due.order_by("deadline_at")[:BATCH]:
        try:
            closed += case_close_unappealed(case=case, now=now) is not None
        except ConcurrentChange:
            continue
    return closed


def _watched() -> Q:
    """Cases whose current deadline is watched: open ones, and closed ones that owe a
    check-in (after closure the advocate's check-in is the case's deadline)."""
    return Q(stage__in=_OPEN) | Q(stage=Stage.CLOSED.value, deadline_name__in=CHECKIN_DEADLINES)


def _watch_new(now: datetime) -> int:
    """Add a watch row for every watched case whose current deadline is near or past."""
    known = Watch.objects.filter(
        case=OuterRef("pk"), deadline_name=OuterRef("deadline_name"), due_at=OuterRef("deadline_at")
    )
    new = (
        Case.objects.filter(_watched(), deadline_at__lte=now + WINDOW)
        .exclude(deadline_name__in=_PARTIES_TIME)
        .exclude(Exists(known))
        .values_list("pk", "deadline_name", "deadline_at")
    )
    rows = [
        Watch(
            case_id=pk,
            deadline_name=name,
            due_at=due,
            effective_due_at=due,
            responsible_role=responsible_role(name),
        )
        for pk, name, due in new.iterator(chunk_size=2000)
        if due is not None  # the filter on deadline_at already excludes it; for the types
    ]
    Watch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def _current() -> Q:
    """The watch row still describes the case's current deadline (or a side clock, such
    as an update the complainant asked for, on an open case). A check-in after closure
    stops being current once recorded or cancelled: the case's deadline moves on."""
    open_case = Q(case__stage__in=_OPEN) & (
        Q(case__deadline_at=F("due_at")) | Q(deadline_name__in=SIDE_CLOCKS)
    )
    checkin = Q(
        case__stage=Stage.CLOSED.value,
        deadline_name__in=CHECKIN_DEADLINES,
        case__deadline_name=F("deadline_name"),
        case__deadline_at=F("due_at"),
    )
    return open_case | checkin


def _claimable(now: datetime) -> Q:
    return Q(claimed_by="") | Q(claimed_at__lt=now - LEASE)


def _to_escalate(now: datetime) -> Q:
    return Q(effective_due_at__lt=now, blocked=False) & (
        Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("effective_due_at"))
    )


def _to_remind(now: datetime, organisation: Organisation) -> Q:
    today = now.astimezone(UTC).date()
    horizon = add_working_days(
        today, REMIND_WORKING_DAYS, holidays=organisation_holidays(organisation)
    )
    return Q(
        case__organisation=organisation,
        effective_due_at__gte=now,
        effective_due_at__lte=datetime.combine(horizon, END_OF_DAY, tzinfo=UTC),
        reminded_at__isnull=True,
    )


def _claim(worker: str, now: datetime, wanted: Q) -> list[Watch]:
    ids = list(
        Watch.objects.filter(_current(), wanted, _claimable(now)).values_list("pk", flat=True)
    )
    claimed: list[Watch] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        # The same conditions again, in the UPDATE itself: what another sweep took
        # between the two statements is not taken twice.
        Watch.objects.filter(wanted, _claimable(now), pk__in=chunk).update(
            claimed_by=worker, claimed_at=now
        )
    for start in range(0, len(ids), 500):
        claimed += Watch.objects.filter(
            pk__in=ids[start : start + 500], claimed_by=worker, claimed_at=now
        ).order_by("pk")
    return claimed


def _responsible(rows: list[Watch]) -> dict[int, list[User]]:
    """Each row's responsible handlers (those assigned in its role), in one statement."""
    found: dict[tuple[object, str], list[User]] = defaultdict(list)
    held = Assignment.objects.filter(case_id__in={row.case_id for row in rows})
    for assignment in held.select_related("person").order_by("person__pseudonym"):
        found[(assignment.case_id, assignment.role)].append(assignment.person)
    return {row.pk: found[(row.case_id, row.responsible_role)] for row in rows}


def _still_held(rows: list[Watch], worker: str) -> list[Watch]:
    """The rows whose claim is still this sweep's (inside the batch's transaction; a
    claim lost to a later sweep after the lease ran out is left to that sweep)."""
    mine = Watch.objects.select_for_update().filter(pk__in=[r.pk for r in rows], claimed_by=worker)
    held = set(mine.values_list("pk", flat=True))
    return [row for row in rows if row.pk in held]


def _remind(rows: list[Watch], worker: str, now: datetime) -> int:
    """Remind the responsible handlers of one batch of deadlines, in one transaction."""
    with transaction.atomic():
        held = _still_held(rows, worker)
        Watch.objects.filter(pk__in=[r.pk for r in held]).update(
            claimed_by="", claimed_at=None, reminded_at=now
        )
        people = _responsible(held)
        recipients = [person for row in held for person in people[row.pk]]
        outbox_add_many(recipients=recipients, kind=REMINDER, now=now, dedupe="reminder")
    return len(held)


def _escalate(rows: list[Watch], worker: str, now: datetime, officers: list[User]) -> int:
    """Escalate one batch of missed deadlines: all of it in one transaction, or none.

    Each case gets its `case.deadline_missed` (appended together), its read models are
    refolded, its watch row is released as escalated (blocking its handlers), and the
    handlers and oversight officers are told once each.
    """
    met = [r.pk for r in rows if r.deadline_name in SIDE_CLOCKS and answered(r)]
    if met:  # an update asked for and given in time: nothing was missed
        Watch.objects.filter(pk__in=met, claimed_by=worker).delete()
    people = _responsible([r for r in rows if r.pk not in met])
    with transaction.atomic():
        held = _still_held([r for r in rows if r.pk not in met], worker)
        if not held:
            return 0
        released: dict[str, list[int]] = defaultdict(list)
        for row in held:
            released[" ".join(p.pseudonym for p in people[row.pk])].append(row.pk)
        for pseudonyms, pks in released.items():  # one UPDATE per set of people responsible
            Watch.objects.filter(pk__in=pks).update(
                claimed_by="",
                claimed_at=None,
                escalated_at=now,
                blocked=bool(pseudonyms),
                misses=F("misses") + 1,
                responsible=pseudonyms,
            )
        case_append_many(
            events.DEADLINE_MISSED,
            actor=SYSTEM,
            batch=[
                (
                    row.case_id,
                    {
                        "deadline": row.deadline_name,
                        "due": row.effective_due_at.isoformat(),
                        "responsible_role": row.responsible_role,
                        "responsible": [p.pseudonym for p in people[row.pk]],
                        "misses": row.misses + 1,
                    },
                )
                for row in held
            ],
        )
        cases_refresh({row.case_id for row in held})
        missed = [person for row in held for person in people[row.pk]]
        outbox_add_many(recipients=missed, kind=MISSED, now=now, dedupe="missed")
        outbox_add_many(recipients=officers, kind=ESCALATION, now=now, dedupe="escalation")
    return len(held)


def deadlines_sweep(now: datetime, *, worker: str | None = None) -> SweepResult:
    """One pass: close decided cases nobody appealed in time, watch, remind, escalate.
    Safe to run again, and with other sweeps."""
    worker = worker or worker_name()
    closed = _close_unappealed(now)
    watched = _watch_new(now)
    reminded = 0
    for organisation in Organisation.objects.all():
        for chunk in _batches(_claim(worker, now, _to_remind(now, organisation))):
            reminded += _remind(chunk, worker, now)
    officers = list(User.objects.filter(role=Role.OVERSIGHT_OFFICER, is_active=True))
    escalated = 0
    for chunk in _batches(_claim(worker, now, _to_escalate(now))):
        escalated += _escalate(chunk, worker, now, officers)
    return SweepResult(watched=watched, reminded=reminded, escalated=escalated, closed=closed)


def _batches(rows: list[Watch]) -> list[list[Watch]]:
    """Rows committed together, all or nothing: one disk sync and a few statements per
    batch, not per deadline, and a batch holds the write lock only briefly. A sweep that
    dies between batches leaves the rest claimed until LEASE runs out; the next sweep
    then takes them."""
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]
