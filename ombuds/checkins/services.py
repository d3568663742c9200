"""Commands of the check-ins after a case closes (they are scheduled with the closure,
by `cases.services.case_close`): the complainant's "no more check-ins", the advocate's
check-in, and the complainant's answer, which, when something has happened, opens a new
case linked to this one with the same advocate. Each is one transaction; every case
event goes through `case_record`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.intake.report import ReportAccount
from ombuds.intake.services import case_open
from ombuds.ledger.services import event_content
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.notifications.services import complainant_notify
from ombuds.people.models import User
from ombuds.record import checkins as rules
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.state import CaseState


def checkins_decline(*, participant: Participant, why: str) -> Case:
    """The complainant has left the organisation, or wants no more check-ins: those not
    yet due are cancelled (before closure: none will be scheduled)."""
    if participant.role != Role.COMPLAINANT:
        raise NotPermitted("Only the complainant can do this.")
    if why not in rules.DECLINE_REASONS:
        raise InvalidInput("Choose why you want no more check-ins")
    state = case_state(participant.case.id, participant.case.organisation)
    if not rules.may_decline(state):
        raise TransitionRefused("There are no check-ins to stop on this case.")
    return case_record(participant, events.CHECKINS_DECLINED, metadata={"why": why}, state=state)


def checkin_record(
    *,
    participant: Participant,
    message: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The advocate records her check-in (the earliest owed, from a week before its date);
    an optional short message to the complainant is sealed with the case key. The
    complainant is then asked whether anything has happened."""
    now = now or timezone.now()
    message = message.strip()
    if len(message) > rules.MAX_MESSAGE:
        raise InvalidInput(f"The message must be {rules.MAX_MESSAGE:,} characters or fewer")
    case = participant.case
    state = case_state(case.id, case.organisation)
    checkin = rules.check_recordable(state, now)
    with transaction.atomic():
        case = case_record(
            participant,
            events.CHECKIN_RECORDED,
            expected_version=expected_version,
            metadata={"checkin": checkin.number},
            content={"message": message},
            state=state,
            now=now,
        )
        # Her account if she has one, else her receipt if she gave an address.
        complainant_notify(case=case, now=now)
    return case


def checkin_answer(
    *, participant: Participant, number: int, something_happened: bool, account: str = ""
) -> Case | None:
    """The complainant answers a check-in. "Nothing has happened" is recorded; "something
    has happened" records her account (case key) and opens a new case, linked to this
    one on both sides, with her advocate kept (a signed assignment) and a case manager
    from the pool; her account is the new case's report. Returns the new case, if any."""
    if participant.role != Role.COMPLAINANT:
        raise NotPermitted("Only the complainant can answer a check-in.")
    case = participant.case
    state = case_state(case.id, case.organisation)
    text = rules.check_answer(state, number, something=something_happened, account=account)
    with transaction.atomic():
        case_record(
            participant,
            events.CHECKIN_ANSWERED,
            metadata={"checkin": number, "something_happened": something_happened},
            content={"account": text},
            state=state,
        )
        if not something_happened:
            return None
        return _linked_case_open(participant=participant, state=state, account=text)


def _linked_case_open(*, participant: Participant, state: CaseState, account: str) -> Case:
    old = participant.case
    first = case_events(old.id)[0]
    told = event_content(first, participant.case_key())
    advocates = state.holders(Role.ADVOCATE) or sorted(state.ever_held(Role.ADVOCATE))
    advocate = User.objects.filter(pseudonym__in=advocates[:1], role=Role.ADVOCATE).first()
    report = ReportAccount(
        what_happened=account,
        people_involved="",
        your_name=str(told.get("your_name", "")),
        contact=str(told.get("contact", "")),
    )
    if participant.private_key is None:
        raise NotPermitted("Sign in again to send this.")
    new, _checkpoint = case_open(
        organisation=old.organisation,
        pseudonym=participant.pseudonym,
        anonymous=state.anonymous,
        # Whoever is connected to the people of the first case is kept off this one too.
        tokens=sorted(state.party_tokens),
        content=report.as_content(),
        holder=participant.holder,
        public_key=vault.public_key_of(participant.private_key),
        advocate=advocate,
        continues=old.reference,
    )
    new_side = Participant(
        case=new,
        role=Role.COMPLAINANT,
        pseudonym=participant.pseudonym,
        holder=participant.holder,
        private_key=participant.private_key,
        person=participant.person,
    )
    new = case_record(
        new_side,
        events.CASE_LINKED,
        metadata={"case": str(old.id), "reference": old.reference, "relation": rules.FOLLOWS},
    )
    case_record(
        participant,
        events.CASE_LINKED,
        metadata={
            "case": str(new.id),
            "reference": new.reference,
            "relation": rules.REPORTED_FROM_HERE,
        },
    )
    return new
