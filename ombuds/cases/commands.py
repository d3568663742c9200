"""The one command path: a participant records one event of a declared kind on a case.

`case_record` checks the rules of the event's row (or of its lifecycle transition),
encrypts the content with the key the caller names, appends the event and writes the
read models from the state folded in memory, in one transaction. Services call it; no
service repeats a role check that a row already makes (`permit` asks the same question
early, when a service must refuse before validating its input).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombuds.cases.fold import apply
from ombuds.cases.lifecycle import check_transition, transition_for_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import as_case_event, case_state, store_read_models
from ombuds.cases.signals import case_ended
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import NotPermitted, TransitionRefused
from ombuds.record.roles import ROLE_IN_SENTENCE, Role
from ombuds.record.services import event_append, events_append
from ombuds.record.spec import EventSpec, Key, MalformedEvent
from ombuds.record.stages import FINAL_STAGES, Stage
from ombuds.record.state import CaseState
from ombuds.timetable.guard import check_not_blocked
from ombuds.timetable.schedule import working_days_for


def permit(
    role: Role, spec: EventSpec, stage: Stage | None = None, *, staged: bool = False
) -> None:
    """Refuse unless `role` may record `spec` (and, when `staged`, at `stage`)."""
    if spec.roles and role not in spec.roles:
        who = " or ".join(sorted(ROLE_IN_SENTENCE[r] for r in spec.roles if r != Role.SYSTEM))
        raise NotPermitted(f"Only {who} can do this." if who else "This is not yours to do.")
    if staged and spec.stages is not None and stage not in spec.stages:
        raise TransitionRefused("This cannot be done at this stage of the case.")


def case_record(
    participant: Participant,
    spec: EventSpec,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
    content: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    key: Key = Key.CASE,
    now: datetime | None = None,
    state: CaseState | None = None,
) -> Case:
    """Record one event of kind `spec` by `participant`, if its rules allow it now.

    A lifecycle transition's event is checked against its row in the table (roles, source
    stage, guards at `now`, reason) and defaults `expected_version` to the version the
    participant loaded; any other event against its registry row (roles, stages).
    `content` is encrypted with the participant's copy of `key`. `state`: the case's state
    if the caller already folded it in this transaction.
    """
    case = participant.case
    meta: dict[str, Any] = {}
    with transaction.atomic():
        state = state if state is not None else case_state(case.id, case.organisation)
        if state.unexplained_misses:
            # A handler who owes the reason for a missed deadline does nothing else first.
            check_not_blocked(
                case_id=case.id, actor=participant.actor, event_type=spec.type, now=now
            )
        if spec.transition:
            transition = transition_for_event(spec.type)
            if transition is None:
                raise MalformedEvent(f"{spec.type} has no row in the lifecycle table")
            check_transition(
                transition,
                stage=state.stage,
                role=participant.role,
                facts=state.facts_at(now or timezone.now()),
                reason=reason,
            )
            meta = {"from": state.stage.value if state.stage else None, "to": transition.target}
            if transition.starts is not None:
                # The deadline as this organisation's service level sets it today.
                meta["working_days"] = working_days_for(case.organisation, transition.starts.name)
            if expected_version is None:
                expected_version = case.version
        else:
            permit(participant.role, spec, state.stage, staged=True)
        if key != Key.CASE:
            meta["key"] = key.value
        event = case_append(
            case.id,
            spec,
            actor=participant.actor,
            metadata={**meta, **(metadata or {})},
            content=content,
            key=participant.case_key(key) if content is not None else None,
            expected_version=expected_version,
            # The stream's tip as just folded: no second read of it under the head lock.
            tip=(state.version, state.tip_hash) if state.tip_hash else None,
        )
        written = case_write(case, state, event)
        if spec.transition and Stage(written.stage) in FINAL_STAGES:
            case_ended.send(sender=Case, case=written)  # e.g. its interim measures end
        return written


def case_append(
    case_id: uuid.UUID,
    spec: EventSpec,
    *,
    actor: Actor,
    metadata: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    key: bytes | None = None,
    expected_version: int | None = None,
    tip: tuple[int, str] | None = None,
) -> Event:
    """Append one case event without writing the read models: for a command that appends
    several and writes the read models once (`case_write`), inside its transaction."""
    return event_append(
        spec,
        stream=case_stream(case_id),
        actor=actor,
        metadata=metadata,
        content=content,
        key=key,
        expected_version=expected_version,
        tip=tip,
    )


def case_append_many(
    spec: EventSpec, *, actor: Actor, batch: Sequence[tuple[uuid.UUID, Mapping[str, Any]]]
) -> list[Event]:
    """One event of the kind `spec` (metadata only) on each case of `batch`, appended
    together inside the caller's transaction; the caller then writes the read models of
    them all at once (`read_models.cases_refresh`). For the system's sweeps."""
    return events_append(
        spec, actor=actor, batch=[(case_stream(case_id), metadata) for case_id, metadata in batch]
    )


def case_write(case: Case, before: CaseState, *appended: Event) -> Case:
    """Fold the events just appended into `before` and write the read models, without
    reading the case's events again (unless someone else appended in between)."""
    state = before
    for event in appended:
        if event.stream_version != state.version + 1:
            state = case_state(case.id)  # another command's event came first: refold
            break
        state = apply(state, as_case_event(event))
    return store_read_models(case.id, state, stored=case, before=before)
