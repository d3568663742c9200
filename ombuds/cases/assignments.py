"""Allocation from the independent pool, and taking people off a case.

The pool's rules are `cases/allocation.py` (pure); this writes their outcome: the
`case.assigned` event with its seed and pool sizes, and the keys the role receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ombuds.cases.allocation import (
    Pool,
    allocation_seed,
    choose,
    choose_several,
    eligible_pool,
)
from ombuds.cases.commands import case_append
from ombuds.cases.keys import (
    case_keys_store,
    keys_for_role,
    person_holder,
    revoke_case_key,
    sealed_case_key,
)
from ombuds.cases.lifecycle import PANEL_SIZE
from ombuds.cases.models import Case, CaseKey
from ombuds.cases.read_models import case_refresh, case_state
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Checkpoint, Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import InvalidInput
from ombuds.people.models import User
from ombuds.people.signed_record import signed_people
from ombuds.record import events
from ombuds.record.roles import HANDLER_ROLES, Role
from ombuds.record.state import CaseState
from ombuds.timetable.guard import check_not_blocked


def submission_root(case: Case) -> str:
    """Root of the checkpoint signed right after the case's submission: the allocation seed's
    source, fixed before any handler could be chosen."""
    first = Event.objects.get(stream=case_stream(case.id), stream_version=1)
    checkpoint = Checkpoint.objects.filter(size__gt=first.seq).order_by("size", "id").first()
    if checkpoint is None:
        raise InvalidInput("The case's submission has not been checkpointed yet.")
    return checkpoint.root


def _candidates(role: Role) -> dict[str, User]:
    """The pool for `role`: only people whose signed creation proves that role and key."""
    return candidates_for((role,))[role]


def candidates_for(roles: tuple[Role, ...]) -> dict[Role, dict[str, User]]:
    """The pools of several roles, read (and their grants checked) at once: a new case
    draws a case manager and an advocate from the same read."""
    pool = User.objects.filter(
        role__in=[role.value for role in roles], is_active=True
    ).select_related("declaration")
    pools: dict[Role, dict[str, User]] = {role: {} for role in roles}
    for person in signed_people(pool):
        pools[Role(person.role)][person.pseudonym] = person
    return pools


@dataclass
class Opening:
    """A new case being written in one go (`intake.services.case_open`): the events its
    allocations append and the keys they seal are collected here, and written with the
    case's read models once, at the end, instead of one by one."""

    first: Event
    appended: list[Event] = field(default_factory=list)
    wraps: list[CaseKey] = field(default_factory=list)
    candidates: dict[Role, dict[str, User]] = field(default_factory=dict)

    def tip(self) -> tuple[int, str]:
        last = self.appended[-1] if self.appended else self.first
        return last.stream_version, last.hash


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


_HANDLERS = frozenset(role.value for role in HANDLER_ROLES)


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
    opening: Opening | None = None,
) -> None:
    assignment = {"person": person.pseudonym, "role": role.value, **metadata}
    if opening is None and actor.role in _HANDLERS:
        # Allocating is an act on the case like any other (cases.commands.case_record): a
        # handler who owes the reason for a missed deadline records it first.
        check_not_blocked(case_id=case.id, actor=actor, event_type=events.ASSIGNED.type)
    with transaction.atomic(savepoint=False):  # one step of its caller's command
        event = case_append(
            case.id,
            events.ASSIGNED,
            actor=actor,
            expected_version=expected_version,
            metadata=assignment,
            tip=opening.tip() if opening else None,
        )
        if opening is not None:
            opening.appended.append(event)
        elif appended is None:
            case_refresh(case.id)
        else:
            appended.append(event)
    wraps = [
        sealed_case_key(
            case,
            key,
            holder=person_holder(person),
            public_key=bytes(person.public_key),
            purpose=purpose,
        )
        for purpose, key in keys_for_role(role, keys).items()
    ]
    if opening is not None:
        opening.wraps.extend(wraps)
    else:
        case_keys_store(wraps)


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
    opening: Opening | None = None,
    panel: str | None = None,
) -> User | None:
    """Pick a handler for `role` at random from the eligible pool, record it, share the keys.
    A panel member is allocated to `panel` (a seat left by a leaver or a conflicted member).

    The event records the seed and how many were eligible, conflicted and excluded, so
    anyone can recompute the choice. Returns None (recording nothing) if nobody is eligible.
    A command that already holds the case's state and submission root passes them in; one
    that collects `appended` events writes the read models itself, once, at its end, and a
    new case's `opening` collects its keys as well.
    """
    state = state if state is not None else case_state(case.id)
    candidates = opening.candidates[role] if opening else _candidates(role)
    pool = _pool(state, candidates)
    if not pool.eligible:
        return None
    round_number = state.rounds.get(role.value, 0)
    seed = allocation_seed(
        submission_root=root or submission_root(case),
        case_id=str(case.id),
        role=role.value if panel is None else f"{role.value}:{panel}",  # as allocate_panel's
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
        opening=opening,
        metadata={
            "eligible": len(pool.eligible),
            "conflicted": pool.conflicted,
            "excluded": pool.excluded,
            "seed": seed,
            "round": round_number,
            **({} if panel is None else {"panel": panel}),
        },
    )
    return chosen


def assign_continuing(
    *,
    case: Case,
    keys: Mapping[str, bytes],
    person: User,
    role: Role,
    continues: str,
    actor: Actor,
    state: CaseState,
    appended: list[Event] | None = None,
    opening: Opening | None = None,
) -> User | None:
    """Put on a new case the handler who held `role` on the case it continues (a linked
    case: the complainant keeps her advocate), if the independence rules still allow her;
    None (recording nothing) if not, and the caller allocates from the pool instead.

    It is the same signed `case.assigned` as an allocation, so her keys are sealed by the
    same path; its seed names the case continued (`continues:<reference>`) instead of a
    draw, and it records the pool's sizes as checked."""
    candidates = {p.pseudonym: p for p in signed_people([person]) if p.role == role.value}
    if person.pseudonym not in candidates or not person.is_active:
        return None
    pool = _pool(state, opening.candidates[role] if opening else _candidates(role))
    if person.pseudonym not in pool.eligible:
        return None
    _assign(
        case=case,
        keys=keys,
        person=person,
        role=role,
        actor=actor,
        expected_version=None,
        appended=appended,
        opening=opening,
        metadata={
            "eligible": len(pool.eligible),
            "conflicted": pool.conflicted,
            "excluded": pool.excluded,
            "seed": f"continues:{continues}",
            "round": state.rounds.get(role.value, 0),
        },
    )
    return person


def assign_approved(*, case: Case, person: User, role: Role, approval: str, actor: Actor) -> bool:
    """Put on a case a handler whose access a recorded approval allowed (the manager of a
    case naming the same person, approved by the oversight officer), if the independence
    rules allow her; False (recording nothing) if not. The same signed `case.assigned` as
    an allocation, its seed naming the approval (`approved:<approval>`). No key is sealed
    here, since the approver holds none: a colleague who holds them shares them the next
    time she opens the case (`cases.keys.share_missing_keys`)."""
    state = case_state(case.id)
    signed = {p.pseudonym for p in signed_people([person]) if p.role == role.value}
    pool = _pool(state, _candidates(role))
    if person.pseudonym not in signed or person.pseudonym not in pool.eligible:
        return False
    _assign(
        case=case,
        keys={},
        person=person,
        role=role,
        actor=actor,
        expected_version=None,
        metadata={
            "eligible": len(pool.eligible),
            "conflicted": pool.conflicted,
            "excluded": pool.excluded,
            "seed": f"approved:{approval}",
            "round": state.rounds.get(role.value, 0),
        },
    )
    return True


def allocate_panel(
    *, case: Case, keys: Mapping[str, bytes], panel: str, actor: Actor, expected_version: int | None
) -> list[User]:
    """Allocate a panel of PANEL_SIZE at random under the same independence rules."""
    state = case_state(case.id)
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


def panel_of(state: CaseState, pseudonym: str) -> str | None:
    """The panel this panel member sits on in the case, if any."""
    return next((which for which, members in state.panels.items() if pseudonym in members), None)


def unassign(
    *, case: Case, person: User, role: Role, why: str, actor: Actor, expected_version: int | None
) -> Case:
    """Take someone off a case: the event, and her copy of the case key is deleted."""
    with transaction.atomic():
        case_append(
            case.id,
            events.UNASSIGNED,
            actor=actor,
            expected_version=expected_version,
            metadata={"person": person.pseudonym, "role": role.value, "why": why},
        )
        case = case_refresh(case.id)
        revoke_case_key(case, holder=person_holder(person))
    return case
