"""Commands on missed deadlines: the handler's reason and new date, the oversight
officer's decision on a long extension, and her re-allocation of a handler who keeps
missing dates. Each is one transaction with its case event and watch row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from django.db import transaction
from django.utils import timezone

from ombuds.cases.assignments import allocate_handler, unassign
from ombuds.cases.commands import case_append, case_record
from ombuds.cases.models import Assignment, Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_refresh
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.lib.working_days import END_OF_DAY, add_working_days
from ombuds.notifications.messages import ESCALATION, UPDATE
from ombuds.notifications.services import complainant_notify, outbox_add
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.timetable.guard import owed_deadlines_pass_to
from ombuds.timetable.models import Watch
from ombuds.timetable.rules import (
    DELAY_REASONS,
    REALLOCATION_REASONS,
    check_new_date,
    needs_approval,
)
from ombuds.timetable.schedule import organisation_holidays, working_days_for

REALLOCATABLE = (Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=UTC)


def open_watch(case: Case, pseudonym: str) -> Watch | None:
    """The deadline this handler must explain now: the blocked one that names her."""
    rows = Watch.objects.filter(case=case, blocked=True).order_by("effective_due_at")
    return next((row for row in rows if pseudonym in row.responsible.split()), None)


def notify_parties(case: Case, now: datetime) -> None:
    """ "There is an update" to each party with an address: the complainant by her
    account, or by her receipt if she has none; the respondent by her account."""
    complainant_notify(case=case, now=now)
    for party in User.objects.filter(assignments__case=case, assignments__role=Role.RESPONDENT):
        outbox_add(recipient=party, kind=UPDATE, now=now, dedupe="update")


def _notify_officers(now: datetime) -> None:
    for officer in User.objects.filter(role=Role.OVERSIGHT_OFFICER, is_active=True):
        outbox_add(recipient=officer, kind=ESCALATION, now=now, dedupe="escalation")


def delay_explain(
    *,
    participant: Participant,
    reason: str,
    new_date: date,
    note: str = "",
    now: datetime | None = None,
) -> Watch:
    """The responsible handler records why a deadline was missed and when it will be met.

    The new date must be a future working day. A date further than one whole service
    level needs the oversight officer's approval: until then the deadline is the furthest
    date allowed without it. The reason (a code) is shown to both parties and the
    oversight officer; the note, if any, is encrypted for the handlers only.
    """
    now = now or timezone.now()
    case = participant.case
    watch = open_watch(case, participant.pseudonym)
    if watch is None:
        raise NotPermitted("You have no missed deadline to explain on this case.")
    if reason not in DELAY_REASONS:
        raise InvalidInput("Choose the reason for the delay.")
    today = now.astimezone(UTC).date()
    holidays = organisation_holidays(case.organisation)
    check_new_date(new_date, today=today, holidays=holidays)
    level = working_days_for(case.organisation, watch.deadline_name)
    approval = needs_approval(new_date, today=today, service_days=level, holidays=holidays)
    allowed = add_working_days(today, level, holidays=holidays) if approval else new_date
    with transaction.atomic():
        case_record(
            participant,
            events.DELAY_EXPLAINED,
            metadata={
                "deadline": watch.deadline_name,
                "reason": reason,
                "new_due": new_date.isoformat(),
                "needs_approval": approval,
            },
            content={"note": note.strip()} if note.strip() else None,
            key=Key.HANDLERS,
        )
        Watch.objects.filter(pk=watch.pk).update(
            blocked=False,
            reason=reason,
            effective_due_at=_end_of(allowed),
            awaiting_approval=approval,
            requested_due_at=_end_of(new_date) if approval else None,
            reminded_at=None,
        )
        notify_parties(case, now)
        if approval:
            _notify_officers(now)
    watch.refresh_from_db()
    return watch


def _require_officer(actor: User) -> Actor:
    if actor.role != Role.OVERSIGHT_OFFICER:
        raise NotPermitted("Only the oversight officer can do this.")
    return Actor(pseudonym=actor.pseudonym, role=actor.role)


def extension_decide(
    *, actor: User, case: Case, approve: bool, now: datetime | None = None
) -> Watch:
    """The oversight officer approves or refuses an extension beyond the service level.
    Refused, the deadline stays the furthest date the service level allows."""
    who = _require_officer(actor)
    now = now or timezone.now()
    watch = Watch.objects.filter(case=case, awaiting_approval=True).first()
    if watch is None or watch.requested_due_at is None:
        raise TransitionRefused("No extension on this case is waiting for a decision.")
    with transaction.atomic():
        # The oversight officer is not on the case: she records a decision about its delay.
        case_append(
            case.id,
            events.EXTENSION_APPROVED if approve else events.EXTENSION_REFUSED,
            actor=who,
            metadata={
                "deadline": watch.deadline_name,
                "new_due": (watch.requested_due_at if approve else watch.effective_due_at)
                .date()
                .isoformat(),
            },
        )
        case_refresh(case.id)
        changes: Mapping[str, object] = {"awaiting_approval": False, "requested_due_at": None}
        if approve:
            changes = {**changes, "effective_due_at": watch.requested_due_at, "reminded_at": None}
        Watch.objects.filter(pk=watch.pk).update(**changes)
        notify_parties(case, now)
    watch.refresh_from_db()
    return watch


def handler_reallocate(*, actor: User, case: Case, role: Role, why: str) -> User | None:
    """Take a case from the handler(s) in `role` and allocate another at random from the
    eligible pool (the usual independence rules: nobody who ever handled the case). The
    officer holds no case key: the new handler receives the keys from a colleague the
    next time one opens the case (`share_missing_keys`)."""
    who = _require_officer(actor)
    if role not in REALLOCATABLE:
        raise InvalidInput("Only a case manager, an advocate or an investigator can be changed.")
    if why not in REALLOCATION_REASONS:
        raise InvalidInput("Choose why the case is being re-allocated.", field="why")
    current = list(
        User.objects.filter(assignments__case=case, assignments__role=role.value).distinct()
    )
    if not current:
        raise NotFound("Nobody holds that role on this case.")
    if not _missed_by({person.pseudonym for person in current}, case, role):
        raise InvalidInput(
            "Only a handler who has missed a deadline on this case can be replaced. "
            "Nobody in that role has missed one."
        )
    with transaction.atomic():
        for person in current:
            case = unassign(
                case=case,
                person=person,
                role=role,
                why=f"oversight: {why}",  # a code: metadata is in the clear
                actor=who,
                expected_version=None,
            )
        chosen = allocate_handler(case=case, keys={}, role=role, actor=who, expected_version=None)
        if chosen is None:
            raise InvalidInput(
                "Nobody else is free of any conflict with this case; nothing was changed."
            )
        owed_deadlines_pass_to(case_id=case.id, role=role.value, successor=chosen.pseudonym)
    return chosen


def _missed_by(pseudonyms: set[str], case: Case, role: Role) -> bool:
    """Whether the case's record shows a deadline missed by one of them in `role`."""
    for event in Event.objects.filter(
        stream=case_stream(case.id), type=events.DEADLINE_MISSED.type
    ):
        metadata = event_metadata(event)
        named = {str(p) for p in metadata.get("responsible", [])}
        if metadata.get("responsible_role") == role.value and named & pseudonyms:
            return True
    return False


def is_assigned(case: Case, person: User) -> bool:
    return Assignment.objects.filter(case=case, person=person, role=person.role).exists()
