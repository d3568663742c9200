"""Interim measures: proposed with a reason and a review date, approved by a case manager,
disclosed to the respondent, who may make representations, and reviewed, or lapsed at
the review date. The organisation is told only the person, the measure and the dates.

The reason is disclosed to the respondent with the measure: she has a right to know why
a measure is imposed on her, and cannot answer it otherwise. The investigator is told so
when she writes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, system_participant
from ombuds.cases.read_models import case_events
from ombuds.investigation.measure_selectors import measures_of
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.rules import (
    CONTINUED,
    IN_FORCE,
    LAPSED,
    LIFTED,
    MAX_TEXT,
    MEASURE_KINDS,
    PROPOSED,
    REVIEW_OUTCOMES,
    MeasureState,
    check_review_date,
    clean_text,
    kind_words,
)
from ombuds.investigation.selectors import today
from ombuds.investigation.services import respondent_channel
from ombuds.ledger.services import event_metadata
from ombuds.liaison.services import notice_send
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.timetable.schedule import organisation_holidays

MAX_NAME = 200


def measures_refresh(case: Case) -> None:
    """Rewrite the case's InterimMeasure rows from its events (inside the command)."""
    for number, m in measures_of(case).items():
        InterimMeasure.objects.update_or_create(
            case=case,
            number=number,
            defaults={
                "kind": m.kind,
                "review_date": m.review_date,
                "status": m.status,
                "proposed_at": m.proposed_at,
                "approved_at": m.approved_at,
                "reviewed_at": m.reviewed_at,
                "ended_at": m.ended_at,
            },
        )


def _measure(case: Case, number: int) -> MeasureState:
    measure = measures_of(case).get(number)
    if measure is None:
        raise NotFound("No such measure.")
    return measure


def _content(participant: Participant, event_type: str, number: int) -> dict[str, Any]:
    """The content of the measure's event of this type, opened with the handler's keys."""
    for event in reversed(case_events(participant.case.id)):
        if event.type == event_type and event_metadata(event).get("measure") == number:
            return open_event(event, participant.keys()) or {}
    return {}


def _not_in_force(measure: MeasureState, on: date) -> TransitionRefused:
    """Why nothing can be done on a measure now: a pattern whose parts (the number, the day,
    the month's name, the year) are filled in after it is looked up in her language."""
    status = measure.status_on(on)
    number = str(measure.number)
    if status == PROPOSED:
        return TransitionRefused(
            "Measure %(number)s has not been approved, so it is not in force.", number=number
        )
    if status == LAPSED:
        review = measure.review_date
        return TransitionRefused(
            "Measure %(number)s lapsed at its review date, %(day)s %(month)s %(year)s; nothing "
            "can be done on it now. Propose a new measure if one is still needed.",
            number=number,
            day=str(review.day),
            month=f"{review:%B}",  # a month's name: Django's own catalogue has it in Welsh
            year=str(review.year),
        )
    return TransitionRefused("Measure %(number)s has been lifted.", number=number)


def on_case_ended(sender: object, case: Case, **_: object) -> None:
    """Interim measures are interim: when their case ends (closed, withdrawn, referred),
    every measure in force or still proposed ends with it, and the organisation is told to
    stop applying those in force. Inside the ending command's transaction."""
    on = today()
    ending = [m for m in measures_of(case).values() if m.status_on(on) in {*IN_FORCE, PROPOSED}]
    for measure in ending:
        system = system_participant(case)
        case = case_record(system, events.MEASURE_ENDED, metadata={"measure": measure.number})
        if measure.status_on(on) in IN_FORCE:
            notice_send(
                sender=system_participant(case),
                kind="measure_ended",
                instruction={
                    "measure": f"Interim measure {measure.number} ended because the case "
                    "ended. Stop applying it."
                },
            )
    if ending:
        measures_refresh(case)


def _liaison_words(measure: MeasureState) -> str:
    return f"Interim measure {measure.number}: {MEASURE_KINDS[measure.kind][1]}"


def measure_propose(
    *,
    participant: Participant,
    kind: str,
    review_date: date,
    reason: str,
    details: str = "",
    expected_version: int | None = None,
) -> int:
    """The investigator proposes an interim measure with a written reason and a review
    date; returns its number. Nothing takes effect until a case manager approves it."""
    if participant.role != Role.INVESTIGATOR:
        raise NotPermitted("Only the investigator proposes interim measures.")
    if kind not in MEASURE_KINDS:
        raise InvalidInput("Choose the kind of measure.")
    reason = clean_text(reason, missing="Enter the reason for the measure.", name="The reason")
    details = details.strip()
    if kind == "other" and not details:
        raise InvalidInput("Describe the measure.")
    if len(details) > MAX_TEXT:
        raise InvalidInput("The description must be 20,000 characters or fewer.")
    check_review_date(
        review_date, today=today(), holidays=organisation_holidays(participant.case.organisation)
    )
    with transaction.atomic():
        number = len(measures_of(participant.case)) + 1
        case = case_record(
            participant,
            events.MEASURE_PROPOSED,
            expected_version=expected_version,
            content={"reason": reason, "details": details},
            metadata={"measure": number, "kind": kind, "review_date": review_date.isoformat()},
            key=Key.HANDLERS,
        )
        measures_refresh(case)
    return number


def measure_approve(
    *,
    participant: Participant,
    measure: int,
    respondent_name: str,
    expected_version: int | None = None,
) -> Case:
    """A case manager approves a proposed measure. The respondent is sent a copy (kind,
    description, reason, dates) with her key, and the organisation's liaisons are told the
    person, the measure and the dates, never the allegations.

    `respondent_name` is the name the organisation knows her by (it goes to the liaisons)."""
    if participant.role != Role.CASE_MANAGER:
        raise NotPermitted("Only a case manager approves interim measures.")
    name = " ".join(respondent_name.split())
    if not name:
        raise InvalidInput("Enter the respondent's name as the organisation knows them.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"The name must be {MAX_NAME} characters or fewer.")
    on = today()
    with transaction.atomic():
        state = _measure(participant.case, measure)
        if state.status != PROPOSED:
            raise TransitionRefused(f"Measure {measure} has already been approved.")
        if state.review_date <= on:
            raise TransitionRefused(
                f"The review date of measure {measure} has come, so it cannot be approved. "
                "Ask the investigator to propose it again with a new review date."
            )
        proposal = _content(participant, events.MEASURE_PROPOSED.type, measure)
        respondent_channel(participant)
        case_record(
            participant,
            events.MEASURE_APPROVED,
            expected_version=expected_version,
            content={"respondent_name": name},
            metadata={"measure": measure},
            key=Key.HANDLERS,
        )
        case = case_record(
            participant,
            events.MEASURE_DISCLOSED,
            content={
                "kind": state.kind,
                "measure": kind_words(state.kind),
                "details": str(proposal.get("details", "")),
                "reason": str(proposal.get("reason", "")),
                "starts": on.isoformat(),
                "review_date": state.review_date.isoformat(),
            },
            metadata={"measure": measure},
            key=Key.RESPONDENT,
        )
        notice_send(
            sender=participant,
            kind="interim_measure",
            instruction={
                "respondent": name,
                "measure": _liaison_words(state),
                "starts": on.isoformat(),
                "until": state.review_date.isoformat(),
            },
        )
        measures_refresh(case)
    return case


def measure_represent(*, participant: Participant, measure: int, text: str) -> Case:
    """The respondent makes representations on a measure in force on her."""
    if participant.role != Role.RESPONDENT:
        raise NotPermitted("Only the respondent makes representations on a measure.")
    text = clean_text(text, missing="Enter your representations.", name="Your representations")
    with transaction.atomic():
        state = _measure(participant.case, measure)
        if state.status == PROPOSED:
            raise NotFound("No such measure.")  # not disclosed to her
        if not state.in_force_on(today()):
            raise _not_in_force(state, today())
        case = case_record(
            participant,
            events.MEASURE_REPRESENTATION,
            content={"text": text},
            metadata={"measure": measure},
            key=Key.RESPONDENT,
        )
        measures_refresh(case)
    return case


def measure_review(
    *,
    participant: Participant,
    measure: int,
    outcome: str,
    reason: str,
    review_date: date | None = None,
    expected_version: int | None = None,
) -> Case:
    """A case manager reviews a measure in force, on or before its review date: continues it
    to a new review date, or lifts it. The respondent reads the outcome and the reason; the
    organisation is told to keep applying it until the new date, or to stop."""
    if participant.role != Role.CASE_MANAGER:
        raise NotPermitted("Only a case manager reviews interim measures.")
    if outcome not in REVIEW_OUTCOMES:
        raise InvalidInput("Choose whether to continue or lift the measure.")
    reason = clean_text(reason, missing="Enter the reason for the decision.", name="The reason")
    on = today()
    if outcome == CONTINUED:
        if review_date is None:
            raise InvalidInput("Enter the new review date.", field="review_date")
        check_review_date(
            review_date, today=on, holidays=organisation_holidays(participant.case.organisation)
        )
    with transaction.atomic():
        state = _measure(participant.case, measure)
        if state.status_on(on) not in IN_FORCE:
            raise _not_in_force(state, on)
        name = str(
            _content(participant, events.MEASURE_APPROVED.type, measure).get("respondent_name", "")
        )
        respondent_channel(participant)
        new_date = review_date.isoformat() if outcome == CONTINUED and review_date else None
        case = case_record(
            participant,
            events.MEASURE_REVIEWED,
            expected_version=expected_version,
            content={"reason": reason},
            metadata={"measure": measure, "outcome": outcome, "review_date": new_date},
            key=Key.RESPONDENT,
        )
        if outcome == LIFTED:
            words = kind_words(state.kind).lower()
            notice_send(
                sender=participant,
                kind="measure_ended",
                instruction={
                    "respondent": name,
                    "measure": f"Interim measure {measure} ({words}) was lifted on "
                    f"{on.isoformat()}. Stop applying it.",
                },
            )
        else:
            notice_send(
                sender=participant,
                kind="interim_measure",
                instruction={
                    "respondent": name,
                    "measure": f"{_liaison_words(state)} (continued after review)",
                    "starts": state.starts.isoformat() if state.starts else on.isoformat(),
                    "until": new_date,
                },
            )
        measures_refresh(case)
    return case
