"""Case plumbing shared by the services that write cases: events, read models, keys.

Not a service module itself: nothing here checks who is asking.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.allocation import (
    Pool,
    allocation_seed,
    choose,
    choose_several,
    eligible_pool,
)
from ombuds.cases.lifecycle import (
    OPEN_STAGES,
    PANEL_SIZE,
    Role,
    Stage,
    check_transition,
    transition_named,
)
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.state import ASSIGNED, UNASSIGNED, CaseEvent, CaseState, fold
from ombuds.deadlines.schedule import case_holidays
from ombuds.ledger.actor import Actor
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Checkpoint, Event
from ombuds.ledger.services import append_event, case_stream, event_content, event_metadata
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, TransitionRefused
from ombuds.people.models import HANDLER_ROLES, Organisation, User


def person_holder(person: User) -> str:
    return f"person:{person.pseudonym}"


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
    )


def case_state_from_events(case_id: uuid.UUID) -> CaseState:
    """Fold the case's events: the truth the read models must equal."""
    events = (as_case_event(e) for e in case_events(case_id))
    return fold(events, holidays=case_holidays(case_id))  # deadlines (issue 9): its calendar


def case_refresh(case_id: uuid.UUID) -> Case:
    """Rewrite the case's read models from its events (inside the command's transaction).

    Written as plain updates and only the assignment rows that changed: this runs in every
    command, on the submission path among them.
    """
    return store_read_models(case_id, case_state_from_events(case_id))


def store_read_models(
    case_id: uuid.UUID,
    state: CaseState,
    organisation: Organisation | None = None,
    *,
    new: bool = False,
    stored: Case | None = None,
) -> Case:
    """Write a state already folded from the case's events to the read models (`new`: the
    case has none yet, so there is nothing to read back first)."""
    if state.stage is None or state.received_at is None or state.stage_entered_at is None:
        raise NotFound("No such case.")
    fields = {
        "reference": state.reference,
        "anonymous": state.anonymous,
        "stage": state.stage.value,
        "received_at": state.received_at,
        "stage_entered_at": state.stage_entered_at,
        "deadline_name": state.deadline_name,
        "deadline_at": state.deadline_at,
        "version": state.version,
    }
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
    _sync_assignments(case, state, new=new)
    return case


def _sync_assignments(case: Case, state: CaseState, *, new: bool) -> None:
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
        people = {
            p.pseudonym: p.pk
            for p in User.objects.filter(pseudonym__in=[p for p, _ in added]).only(
                "pk", "pseudonym"
            )
        }
        Assignment.objects.bulk_create(
            Assignment(case=case, person_id=people[pseudonym], role=role)
            for pseudonym, role in sorted(added)
            if pseudonym in people  # an anonymous complainant has no account
        )


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
        append_case_event(
            case_id=case_id,
            event_type=event_type,
            actor=actor,
            expected_version=expected_version,
            metadata=metadata,
            content=content,
            case_key=case_key,
        )
        return case_refresh(case_id)


def append_case_event(
    *,
    case_id: uuid.UUID,
    event_type: str,
    actor: Actor,
    expected_version: int | None,
    metadata: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    case_key: bytes | None = None,
) -> Event:
    """Append one case event without refreshing the read models: for a command that
    appends several and writes the read models once at the end, inside its transaction."""
    return append_event(
        stream=case_stream(case_id),
        event_type=event_type,
        actor=actor,
        metadata=metadata,
        content=content,
        case_key=case_key,
        expected_version=expected_version,
    )


CASE_KEY = "case"  # the complainant's account and what she is told; she holds it
RESPONDENT_KEY = "respondent"  # opens only what is disclosed to or exchanged with her
HANDLERS_KEY = "handlers"  # the scheme's own working: assessments, witnesses, deliberations
KEY_PURPOSES = (CASE_KEY, RESPONDENT_KEY, HANDLERS_KEY)


def keys_for_role(role: Role, keys: Mapping[str, bytes]) -> dict[str, bytes]:
    """The keys a handler in `role` is given. The advocate supports the complainant: she
    never holds the respondent's channel."""
    if role == Role.ADVOCATE:
        return {p: key for p, key in keys.items() if p in (CASE_KEY, HANDLERS_KEY)}
    return dict(keys)


def share_missing_keys(participant: Participant) -> int:
    """Seal to every handler on the case the keys her role should hold and she lacks.

    A handler allocated by someone who did not hold every key (the complainant choosing a
    new advocate holds only the case key) gets the rest the next time a colleague who
    holds them opens the case. Returns how many wraps were added.
    """
    held = participant.keys()
    have = set(CaseKey.objects.filter(case=participant.case).values_list("holder", "purpose"))
    added = 0
    handlers = User.objects.filter(
        assignments__case=participant.case, assignments__role__in=HANDLER_ROLES
    ).distinct()
    for handler in handlers:
        holder = person_holder(handler)
        for purpose, key in keys_for_role(Role(handler.role), held).items():
            if (holder, purpose) not in have:
                share_case_key(
                    participant.case,
                    key,
                    holder=holder,
                    public_key=bytes(handler.public_key),
                    purpose=purpose,
                )
                added += 1
    return added


def case_key_for(
    case: Case, *, holder: str, private_key: bytes | None, purpose: str = CASE_KEY
) -> bytes:
    """Open the case key of `purpose` sealed to `holder`. NotFound when she has none."""
    wrap = CaseKey.objects.filter(case=case, holder=holder, purpose=purpose).first()
    if wrap is None or private_key is None:
        raise NotFound("No such case.")
    try:
        return vault.open_case_key(bytes(wrap.sealed_key), private_key=private_key)
    except DecryptionFailed as exc:
        raise NotFound("No such case.") from exc


def keys_for(case: Case, *, holder: str, private_key: bytes | None) -> dict[str, bytes]:
    """Every case key this holder can open, by purpose."""
    if private_key is None:
        return {}
    keys: dict[str, bytes] = {}
    for wrap in CaseKey.objects.filter(case=case, holder=holder):
        try:
            keys[wrap.purpose] = vault.open_case_key(
                bytes(wrap.sealed_key), private_key=private_key
            )
        except DecryptionFailed:
            continue
    return keys


def share_case_key(
    case: Case, case_key: bytes, *, holder: str, public_key: bytes, purpose: str = CASE_KEY
) -> None:
    """Seal one of the case's keys to one more holder (replacing her old wrap, if any)."""
    wrap = CaseKey(
        case=case,
        holder=holder,
        purpose=purpose,
        sealed_key=vault.seal_case_key(case_key, to_public_key=public_key),
    )
    # One upsert statement rather than a read and a write.
    CaseKey.objects.bulk_create(
        [wrap],
        update_conflicts=True,
        unique_fields=["case", "holder", "purpose"],
        update_fields=["sealed_key"],
    )


def open_event(event: Event, keys: Mapping[str, bytes]) -> dict[str, Any] | None:
    """An event's content, if one of `keys` opens it; None if it is not for these keys."""
    purpose = str(event_metadata(event).get("key", CASE_KEY))
    key = keys.get(purpose)
    if key is None:
        return None
    return event_content(event, key)


def revoke_case_key(case: Case, *, holder: str) -> None:
    """Remove a holder's wraps: unassigning someone takes the case away from her."""
    CaseKey.objects.filter(case=case, holder=holder).delete()


def submission_root(case: Case) -> str:
    """Root of the checkpoint signed right after the case's submission: the allocation seed's
    source, fixed before any handler could be chosen."""
    first = Event.objects.get(stream=case_stream(case.id), stream_version=1)
    checkpoint = Checkpoint.objects.filter(size__gt=first.seq).order_by("size", "id").first()
    if checkpoint is None:
        raise InvalidInput("The case's submission has not been checkpointed yet.")
    return checkpoint.root


def _candidates(role: Role) -> dict[str, User]:
    pool = User.objects.filter(role=role.value, is_active=True).select_related("declaration")
    return {person.pseudonym: person for person in pool}


def _tokens(person: User) -> frozenset[str]:
    declaration = getattr(person, "declaration", None)
    return frozenset(declaration.tokens) if declaration else frozenset()


def _pool(state: CaseState, candidates: Mapping[str, User]) -> Pool:
    return eligible_pool(
        {pseudonym: _tokens(person) for pseudonym, person in candidates.items()},
        party_tokens=state.party_tokens,
        handled=frozenset(p for p, _ in state.handled),
        recused=state.recused,
    )


def _assign(
    *,
    case: Case,
    keys: Mapping[str, bytes],
    person: User,
    role: Role,
    actor: Actor,
    expected_version: int | None,
    metadata: Mapping[str, Any],
    appended: list[Event] | None = None,
) -> None:
    assignment = {"person": person.pseudonym, "role": role.value, **metadata}
    if appended is None:
        record_case_event(
            case_id=case.id,
            event_type=ASSIGNED,
            actor=actor,
            expected_version=expected_version,
            metadata=assignment,
        )
    else:
        appended.append(
            append_case_event(
                case_id=case.id,
                event_type=ASSIGNED,
                actor=actor,
                expected_version=expected_version,
                metadata=assignment,
            )
        )
    for purpose, key in keys_for_role(role, keys).items():
        share_case_key(
            case,
            key,
            holder=person_holder(person),
            public_key=bytes(person.public_key),
            purpose=purpose,
        )


def allocate_handler(
    *,
    case: Case,
    keys: Mapping[str, bytes],
    role: Role,
    actor: Actor,
    expected_version: int | None,
    state: CaseState | None = None,
    root: str | None = None,
    appended: list[Event] | None = None,
) -> User | None:
    """Pick a handler for `role` at random from the eligible pool, record it, share the keys.

    The event records the seed and how many were eligible, conflicted and excluded, so
    anyone can recompute the choice. Returns None (recording nothing) if nobody is eligible.
    A command that already holds the case's state and submission root passes them in; one
    that collects `appended` events writes the read models itself, once, at its end.
    """
    state = state if state is not None else case_state_from_events(case.id)
    candidates = _candidates(role)
    pool = _pool(state, candidates)
    if not pool.eligible:
        return None
    round_number = state.rounds.get(role.value, 0)
    seed = allocation_seed(
        submission_root=root or submission_root(case),
        case_id=str(case.id),
        role=role.value,
        round_number=round_number,
    )
    chosen = candidates[choose(pool.eligible, seed)]
    _assign(
        case=case,
        keys=keys,
        person=chosen,
        role=role,
        actor=actor,
        expected_version=expected_version,
        appended=appended,
        metadata={
            "eligible": len(pool.eligible),
            "conflicted": pool.conflicted,
            "excluded": pool.excluded,
            "seed": seed,
            "round": round_number,
        },
    )
    return chosen


def allocate_panel(
    *, case: Case, keys: Mapping[str, bytes], panel: str, actor: Actor, expected_version: int | None
) -> list[User]:
    """Allocate a panel of PANEL_SIZE at random under the same independence rules."""
    state = case_state_from_events(case.id)
    candidates = _candidates(Role.PANEL_MEMBER)
    pool = _pool(state, candidates)
    if len(pool.eligible) < PANEL_SIZE:
        raise InvalidInput(
            f"Only {len(pool.eligible)} panel members are free of any conflict with this case; "
            f"{PANEL_SIZE} are needed. Ask an administrator to add panel members."
        )
    round_number = state.rounds.get(Role.PANEL_MEMBER.value, 0)
    seed = allocation_seed(
        submission_root=submission_root(case),
        case_id=str(case.id),
        role=f"{Role.PANEL_MEMBER.value}:{panel}",
        round_number=round_number,
    )
    chosen = [candidates[p] for p in choose_several(pool.eligible, seed, PANEL_SIZE)]
    with transaction.atomic():
        for index, person in enumerate(chosen):
            _assign(
                case=case,
                keys=keys,
                person=person,
                role=Role.PANEL_MEMBER,
                actor=actor,
                expected_version=expected_version if index == 0 else None,
                appended=None if index == len(chosen) - 1 else [],
                metadata={
                    "panel": panel,
                    "seat": index,
                    "eligible": len(pool.eligible),
                    "conflicted": pool.conflicted,
                    "excluded": pool.excluded,
                    "seed": seed,
                    "round": round_number,
                },
            )
    return chosen


def unassign(
    *, case: Case, person: User, role: Role, why: str, actor: Actor, expected_version: int | None
) -> Case:
    """Take someone off a case: the event, and her copy of the case key is deleted."""
    case = record_case_event(
        case_id=case.id,
        event_type=UNASSIGNED,
        actor=actor,
        expected_version=expected_version,
        metadata={"person": person.pseudonym, "role": role.value, "why": why},
    )
    revoke_case_key(case, holder=person_holder(person))
    return case


# Participants: anyone acting on a case, handler or party, with the key to open it. ------


@dataclass(frozen=True)
class Participant:
    """Someone acting on a case: an assigned handler, or a party (complainant, respondent).

    `person` is None for an anonymous complainant, who acts through her receipt.
    """

    case: Case
    role: Role
    pseudonym: str
    holder: str
    private_key: bytes | None = field(repr=False)
    person: User | None = None

    @property
    def actor(self) -> Actor:
        return Actor(pseudonym=self.pseudonym, role=self.role.value)

    def case_key(self, purpose: str = CASE_KEY) -> bytes:
        """Open this participant's copy of a case key (NotFound if she has none)."""
        return case_key_for(
            self.case, holder=self.holder, private_key=self.private_key, purpose=purpose
        )

    def keys(self) -> dict[str, bytes]:
        """Every case key this participant holds, by purpose."""
        return keys_for(self.case, holder=self.holder, private_key=self.private_key)


def handler_participant(
    person: User, reference_or_case: Case, private_key: bytes | None
) -> Participant:
    """A handler on a case in her own role; NotFound (the case stays hidden) otherwise."""
    case = reference_or_case
    if not Assignment.objects.filter(case=case, person=person, role=person.role).exists():
        raise NotFound("No such case.")
    return Participant(
        case=case,
        role=Role(person.role),
        pseudonym=person.pseudonym,
        holder=person_holder(person),
        private_key=private_key,
        person=person,
    )


def party_participant(
    *,
    case_id: uuid.UUID,
    role: Role,
    holder: str,
    pseudonym: str,
    private_key: bytes | None,
    person: User | None = None,
) -> Participant:
    """A complainant or respondent on her own case; NotFound unless she holds a wrap."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not CaseKey.objects.filter(case=case, holder=holder).exists():
        raise NotFound("No such case.")
    return Participant(
        case=case,
        role=role,
        pseudonym=pseudonym,
        holder=holder,
        private_key=private_key,
        person=person,
    )


def _key_marker(purpose: str) -> dict[str, str]:
    if purpose not in KEY_PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    return {} if purpose == CASE_KEY else {"key": purpose}


def case_transition(
    participant: Participant,
    name: str,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
    content: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    key_purpose: str = CASE_KEY,
) -> Case:
    """Make lifecycle transition `name` if the table allows this participant to now.

    `content` is encrypted with the case key of `key_purpose` ("respondent" for what the
    respondent may read)."""
    transition = transition_named(name)
    state = case_state_from_events(participant.case.id)
    facts = state.facts_at(now or timezone.now())
    check_transition(
        transition, stage=state.stage, role=participant.role, facts=facts, reason=reason
    )
    case_key = participant.case_key(key_purpose) if content is not None else None
    return record_case_event(
        case_id=participant.case.id,
        event_type=transition.event_type,
        actor=participant.actor,
        expected_version=participant.case.version if expected_version is None else expected_version,
        metadata={
            "from": state.stage.value if state.stage else None,
            "to": transition.target.value,
            **_key_marker(key_purpose),
            **(metadata or {}),
        },
        content=content,
        case_key=case_key,
    )


def case_fact(
    participant: Participant,
    event_type: str,
    *,
    expected_version: int | None = None,
    content: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    stages: frozenset[Stage] | None = OPEN_STAGES,
    key_purpose: str = CASE_KEY,
) -> Case:
    """Record an event that is not a stage change (a consent, a note, a signature...).

    Refused outside `stages` (by default: once the case has ended; None: at any stage).
    The caller checks that the participant's role may record this event.
    """
    if stages is not None:
        state = case_state_from_events(participant.case.id)
        if state.stage not in stages:
            raise TransitionRefused("This cannot be done at this stage of the case.")
    case_key = participant.case_key(key_purpose) if content is not None else None
    return record_case_event(
        case_id=participant.case.id,
        event_type=event_type,
        actor=participant.actor,
        expected_version=expected_version,
        metadata={**_key_marker(key_purpose), **(metadata or {})},
        content=content,
        case_key=case_key,
    )
