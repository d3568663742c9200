"""A case's events, their fold, and the read models written from it (metadata only).

Nothing here checks who is asking: callers are services and selectors that have.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date

from django.db import connection

from ombuds.cases.course import TIMED_STAGES, course_of, quarter_of
from ombuds.cases.fold import fold
from ombuds.cases.models import Assignment, Case, CaseCourse
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import NotFound
from ombuds.people.models import Organisation, User
from ombuds.record.state import CaseEvent, CaseState
from ombuds.timetable.schedule import holidays_by_id, organisation_holidays


def case_events(case_id: uuid.UUID) -> list[Event]:
    """All events of one case, oldest first."""
    return list(Event.objects.filter(stream=case_stream(case_id)).order_by("stream_version"))


def as_case_event(event: Event) -> CaseEvent:
    """What the fold needs of a stored event."""
    return CaseEvent(
        type=event.type,
        version=event.stream_version,
        recorded_at=parse_time(event.recorded_at),
        metadata=event_metadata(event),
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        schema_version=event.schema_version,
        hash=event.hash,
    )


def case_holidays(case_id: uuid.UUID) -> frozenset[date]:
    """The holidays of the organisation a case belongs to: what the fold's callers pass as
    `holidays=`. A case not yet stored (its submission is being written) follows the
    default region."""
    found = (
        Case.objects.filter(pk=case_id)
        .values_list("organisation_id", "organisation__region")
        .first()
    )
    return holidays_by_id(found[0], found[1]) if found else holidays_by_id(None, "")


def case_state(case_id: uuid.UUID, organisation: Organisation | None = None) -> CaseState:
    """Fold the case's events, on its organisation's working-day calendar: the truth the
    read models must equal (`organisation`: the case's, if the caller has it loaded)."""
    holidays = organisation_holidays(organisation) if organisation else case_holidays(case_id)
    return fold((as_case_event(e) for e in case_events(case_id)), holidays=holidays)


def case_refresh(case_id: uuid.UUID) -> Case:
    """Rewrite the case's read models from its events (inside the command's transaction)."""
    return store_read_models(case_id, case_state(case_id))


def cases_refresh(case_ids: Collection[uuid.UUID]) -> None:
    """`case_refresh` for many cases at once, inside the caller's transaction: their
    events read in one statement per chunk, each case folded on its organisation's
    calendar, and their rows rewritten in a few statements for them all (the sweep
    escalates hundreds of cases in one pass)."""
    ids = list(set(case_ids))
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("organisation")}
    if len(cases) != len(ids):
        raise NotFound("No such case.")
    streams = {case_stream(pk): pk for pk in ids}
    folded: dict[uuid.UUID, list[CaseEvent]] = defaultdict(list)
    names = list(streams)
    for start in range(0, len(names), 500):
        found = Event.objects.filter(stream__in=names[start : start + 500])
        for event in found.order_by("stream", "stream_version"):
            folded[streams[event.stream]].append(as_case_event(event))
    states = {
        pk: fold(folded[pk], holidays=organisation_holidays(case.organisation))
        for pk, case in cases.items()
    }
    for pk, case in cases.items():
        for name, value in _case_fields(states[pk]).items():
            setattr(case, name, value)
    _update_cases(list(cases.values()))
    _sync_many_assignments(cases, states)
    CaseCourse.objects.filter(case_id__in=ids).delete()
    CaseCourse.objects.bulk_create(
        [CaseCourse(case_id=pk, **_course_fields(case, states[pk])) for pk, case in cases.items()],
        batch_size=500,
    )


def _update_cases(cases: list[Case]) -> None:
    """One UPDATE statement run for every case row (executemany): Django's bulk_update
    builds a CASE expression per field and row, which costs more than the writes."""
    fields = [f for name in _CASE_FIELDS for f in Case._meta.concrete_fields if f.name == name]
    pk = next(f for f in Case._meta.concrete_fields if f.primary_key)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Case._meta.db_table)} SET "  # noqa: S608 - names from the model
        + ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
        + f" WHERE {quote(str(pk.column))} = %s"
    )
    rows = [
        [field.get_db_prep_value(getattr(case, field.attname), connection) for field in fields]
        + [pk.get_db_prep_value(case.pk, connection)]
        for case in cases
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _sync_many_assignments(
    cases: dict[uuid.UUID, Case], states: dict[uuid.UUID, CaseState]
) -> None:
    """`_sync_assignments` for many cases: one read, at most one delete and one insert."""
    stored: dict[uuid.UUID, dict[tuple[str, str], int]] = defaultdict(dict)
    for pk, case_id, pseudonym, role in Assignment.objects.filter(
        case_id__in=list(cases)
    ).values_list("pk", "case_id", "person__pseudonym", "role"):
        stored[case_id][(pseudonym, role)] = pk
    gone = [
        pk
        for case_id in cases
        for pair, pk in stored[case_id].items()
        if pair not in states[case_id].assignments
    ]
    if gone:
        Assignment.objects.filter(pk__in=gone).delete()
    added = {
        (case_id, pair)
        for case_id in cases
        for pair in states[case_id].assignments - stored[case_id].keys()
    }
    people = dict(
        User.objects.filter(pseudonym__in={p for _, (p, _) in added}).values_list("pseudonym", "pk")
    )
    Assignment.objects.bulk_create(
        Assignment(case_id=case_id, person_id=people[pseudonym], role=role)
        for case_id, (pseudonym, role) in sorted(added)
        if pseudonym in people  # an anonymous complainant has no account
    )


_CASE_FIELDS = (
    "reference",
    "anonymous",
    "stage",
    "received_at",
    "stage_entered_at",
    "deadline_name",
    "deadline_at",
    "version",
)


def _case_fields(state: CaseState) -> dict[str, object]:
    """The case row's fields from its folded state."""
    if state.stage is None or state.received_at is None or state.stage_entered_at is None:
        raise NotFound("No such case.")
    return {
        "reference": state.reference,
        "anonymous": state.anonymous,
        "stage": state.stage.value,
        "received_at": state.received_at,
        "stage_entered_at": state.stage_entered_at,
        "deadline_name": state.deadline_name,
        "deadline_at": state.deadline_at,
        "version": state.version,
    }


def store_read_models(
    case_id: uuid.UUID,
    state: CaseState,
    organisation: Organisation | None = None,
    *,
    new: bool = False,
    stored: Case | None = None,
    before: CaseState | None = None,
    people: Mapping[str, int | None] | None = None,
) -> Case:
    """Write a state already folded from the case's events to the read models.

    `new`: the case has none yet, so there is nothing to read back. `before`: the state
    the stored rows were written from, so unchanged assignments are not read again.
    `people`: the account ids of the people assigned (None: she has no account), when the
    caller has them loaded.
    """
    fields = _case_fields(state)
    case = stored or (
        None if new else Case.objects.filter(id=case_id).select_related("organisation").first()
    )
    if case is None:
        if organisation is None or organisation.slug != state.organisation:
            organisation = Organisation.objects.get(slug=state.organisation)
        case = Case.objects.create(id=case_id, organisation=organisation, **fields)
    else:
        Case.objects.filter(id=case_id).update(**fields)
        for name, value in fields.items():
            setattr(case, name, value)
    if before is None or before.assignments != state.assignments:
        _sync_assignments(case, state, new=new, people=people)
    if before is None or before.course != state.course or before.version != state.version:
        _store_course(case, state, new=new)
    return case


def _store_course(case: Case, state: CaseState, *, new: bool) -> None:
    """The case's figures for the statistics (metadata only)."""
    fields = _course_fields(case, state)
    if new or not CaseCourse.objects.filter(case_id=case.id).update(**fields):
        CaseCourse.objects.create(case_id=case.id, **fields)


def _course_fields(case: Case, state: CaseState) -> dict[str, object]:
    course = course_of(state)
    return {
        "organisation_id": case.organisation_id,
        "quarter": quarter_of(case.received_at),
        "stage": course.stage,
        "route": course.route,
        "outcome": course.outcome,
        "sanctions": " ".join(course.sanctions),
        "upheld": course.upheld,
        "appeal": course.appeal,
        "appellant": course.appellant,
        "deadline_missed": course.deadline_missed,
        "first_contact_hours": course.first_contact_hours,
        "close_hours": course.close_hours,
        **{f"{stage.value}_hours": course.stage_hours.get(stage) for stage in TIMED_STAGES},
    }


def _sync_assignments(
    case: Case, state: CaseState, *, new: bool, people: Mapping[str, int | None] | None
) -> None:
    stored = {
        (pseudonym, role): pk
        for pk, pseudonym, role in (
            []
            if new
            else Assignment.objects.filter(case=case).values_list("pk", "person__pseudonym", "role")
        )
    }
    wanted = set(state.assignments)
    gone = [pk for pair, pk in stored.items() if pair not in wanted]
    if gone:
        Assignment.objects.filter(pk__in=gone).delete()
    added = wanted - stored.keys()
    if added:
        accounts: Mapping[str, int | None] | None = people
        if accounts is None or not {p for p, _ in added} <= accounts.keys():
            accounts = {
                p.pseudonym: p.pk
                for p in User.objects.filter(pseudonym__in=[p for p, _ in added]).only(
                    "pk", "pseudonym"
                )
            }
        Assignment.objects.bulk_create(
            Assignment(case=case, person_id=account, role=role)
            for pseudonym, role in sorted(added)
            # an anonymous complainant has no account
            if (account := accounts.get(pseudonym)) is not None
        )
