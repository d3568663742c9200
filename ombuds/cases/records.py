"""Case plumbing shared by the services that write cases: events, read models, keys.

Not a service module itself: nothing here checks who is asking.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ombuds import vault
from ombuds.cases.allocation import allocation_seed, choose
from ombuds.cases.lifecycle import Role
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.state import ASSIGNED, CaseEvent, CaseState, fold
from ombuds.ledger.actor import Actor
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Checkpoint, Event
from ombuds.ledger.services import append_event, case_stream, event_metadata
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound
from ombuds.people.models import Organisation, User


def person_holder(person: User) -> str:
    return f"person:{person.pseudonym}"


def case_events(case_id: uuid.UUID) -> list[Event]:
    """All events of one case, oldest first."""
    return list(Event.objects.filter(stream=case_stream(case_id)).order_by("stream_version"))


def case_state_from_events(case_id: uuid.UUID) -> CaseState:
    """Fold the case's events: the truth the read models must equal."""
    return fold(
        CaseEvent(
            type=e.type,
            version=e.stream_version,
            recorded_at=parse_time(e.recorded_at),
            metadata=event_metadata(e),
        )
        for e in case_events(case_id)
    )


def case_refresh(case_id: uuid.UUID) -> Case:
    """Rewrite the case's read models from its events (inside the command's transaction)."""
    state = case_state_from_events(case_id)
    if state.stage is None or state.received_at is None or state.stage_entered_at is None:
        raise NotFound("No such case.")
    case, _ = Case.objects.update_or_create(
        id=case_id,
        defaults={
            "reference": state.reference,
            "organisation": Organisation.objects.get(slug=state.organisation),
            "anonymous": state.anonymous,
            "stage": state.stage.value,
            "received_at": state.received_at,
            "stage_entered_at": state.stage_entered_at,
            "deadline_name": state.deadline_name,
            "deadline_at": state.deadline_at,
            "version": state.version,
        },
    )
    people = {
        p.pseudonym: p for p in User.objects.filter(pseudonym__in=[p for p, _ in state.assignments])
    }
    Assignment.objects.filter(case=case).delete()
    Assignment.objects.bulk_create(
        Assignment(case=case, person=people[pseudonym], role=role)
        for pseudonym, role in sorted(state.assignments)
        if pseudonym in people
    )
    return case


def record_case_event(
    *,
    case_id: uuid.UUID,
    event_type: str,
    actor: Actor,
    expected_version: int | None,
    metadata: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    case_key: bytes | None = None,
) -> Case:
    """Append one case event and bring the read models up to date, in one transaction."""
    with transaction.atomic():
        append_event(
            stream=case_stream(case_id),
            event_type=event_type,
            actor=actor,
            metadata=metadata,
            content=content,
            case_key=case_key,
            expected_version=expected_version,
        )
        return case_refresh(case_id)


def case_key_for(case: Case, *, holder: str, private_key: bytes | None) -> bytes:
    """Open the case key sealed to `holder`. NotFound when the holder has no wrap."""
    wrap = CaseKey.objects.filter(case=case, holder=holder).first()
    if wrap is None or private_key is None:
        raise NotFound("No such case.")
    try:
        return vault.open_case_key(bytes(wrap.sealed_key), private_key=private_key)
    except DecryptionFailed as exc:
        raise NotFound("No such case.") from exc


def share_case_key(case: Case, case_key: bytes, *, holder: str, public_key: bytes) -> None:
    """Seal the case key to one more holder."""
    CaseKey.objects.update_or_create(
        case=case,
        holder=holder,
        defaults={"sealed_key": vault.seal_case_key(case_key, to_public_key=public_key)},
    )


def submission_root(case: Case) -> str:
    """Root of the checkpoint signed right after the case's submission: the allocation seed's
    source, fixed before any handler could be chosen."""
    first = Event.objects.get(stream=case_stream(case.id), stream_version=1)
    checkpoint = Checkpoint.objects.filter(size__gt=first.seq).order_by("size", "id").first()
    if checkpoint is None:
        raise InvalidInput("The case's submission has not been checkpointed yet.")
    return checkpoint.root


def allocate_handler(
    *, case: Case, case_key: bytes, role: Role, actor: Actor, expected_version: int | None
) -> User | None:
    """Pick a handler for `role` at random from the eligible pool, record it, share the key.

    Returns None (and records nothing) when nobody is eligible.
    """
    state = case_state_from_events(case.id)
    already = {p for p, _ in state.assignments}
    pool = User.objects.filter(role=role.value, is_active=True).exclude(pseudonym__in=already)
    eligible = {p.pseudonym: p for p in pool}
    if not eligible:
        return None
    round_number = sum(
        1
        for e in case_events(case.id)
        if e.type == ASSIGNED and event_metadata(e).get("role") == role.value
    )
    seed = allocation_seed(
        submission_root=submission_root(case),
        case_id=str(case.id),
        role=role.value,
        round_number=round_number,
    )
    chosen = eligible[choose(list(eligible), seed)]
    record_case_event(
        case_id=case.id,
        event_type=ASSIGNED,
        actor=actor,
        expected_version=expected_version,
        metadata={
            "person": chosen.pseudonym,
            "role": role.value,
            "eligible": len(eligible),
            "seed": seed,
            "round": round_number,
        },
    )
    share_case_key(
        case, case_key, holder=person_holder(chosen), public_key=bytes(chosen.public_key)
    )
    return chosen
