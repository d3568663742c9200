"""Staff who leave, change role or lose their password: the administrator's commands.

A person who leaves or changes role is taken off every open case where she holds a
handler role; each place is re-allocated at random from the pool under the usual
independence rules, and every wrap of a case key to her is deleted. The administrator
holds no case key, so the newcomer is given the keys by `share_missing_keys` the next
time a colleague on the case opens it: the administrator never gains access to a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ombuds import vault
from ombuds.cases.assignments import allocate_handler, panel_of, unassign
from ombuds.cases.keys import person_holder, revoke_case_key
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.read_models import case_state
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.models import HANDLER_ROLES, STAFF_ROLES, User
from ombuds.people.services import actor_of, check_password
from ombuds.people.signed_record import signed_people
from ombuds.record import grants
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.record.stages import OPEN_STAGES
from ombuds.timetable.guard import owed_deadlines_pass_to

# Roles one person fills on a case; a panel seat is filled by allocating a new panel.
# A panel member's seat is filled too: a panel short of one can never decide.
_REALLOCATED = (Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR, Role.PANEL_MEMBER)


@dataclass
class Released:
    """What taking someone off her cases did (counts only: nothing about the cases)."""

    cases: int = 0
    reallocated: int = 0
    unfilled: list[str] = field(default_factory=list)  # case references left a place short
    wraps_removed: int = 0


def _require_administrator(actor: User | None, person: User) -> None:
    if actor is not None and (actor.role != Role.ADMINISTRATOR or not signed_people([actor])):
        raise NotPermitted("Only a scheme administrator can do this.")
    if actor is not None and actor.pk == person.pk:
        raise InvalidInput("You cannot do this to your own account. Ask another administrator.")
    if person.role not in STAFF_ROLES:
        raise InvalidInput("Only staff accounts are managed here.")


def _last_administrator(person: User) -> bool:
    others = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=person.pk)
    return person.role == Role.ADMINISTRATOR and not others.exists()


def _remove_wraps(person: User) -> int:
    holder = person_holder(person)
    cases = Case.objects.filter(keys__holder=holder).distinct()
    removed = CaseKey.objects.filter(holder=holder).count()
    for case in cases:
        revoke_case_key(case, holder=holder)
    return removed


def _release(*, person: User, actor: User | None, why: str) -> Released:
    """Take `person` off her open cases, and an advocate off closed cases whose check-ins
    she still owes, and re-allocate them; delete all her wraps. Run after her account no
    longer qualifies for the pool, inside the caller's transaction."""
    released = Released(wraps_removed=CaseKey.objects.filter(holder=person_holder(person)).count())
    assignments = Assignment.objects.filter(
        person=person, role__in=[r.value for r in HANDLER_ROLES]
    ).select_related("case")
    for assignment in list(assignments):
        case = assignment.case
        role = Role(assignment.role)
        state = case_state(case.id)
        if case.stage not in {s.value for s in OPEN_STAGES} and not (
            role == Role.ADVOCATE and any(c.owed for c in state.checkins)
        ):
            continue  # an ended case she owes nothing on keeps her name in its record
        released.cases += 1
        panel = panel_of(state, person.pseudonym)  # a panel member's
        case = unassign(
            case=case,
            person=person,
            role=role,
            why=why,
            actor=actor_of(actor),
            expected_version=None,
        )
        chosen = None
        if role in _REALLOCATED and (role != Role.PANEL_MEMBER or panel is not None):
            # No keys: the administrator holds none. Colleagues share them on next open.
            chosen = allocate_handler(
                case=case,
                keys={},
                role=role,
                actor=actor_of(actor),
                expected_version=case.version,
                panel=panel if role == Role.PANEL_MEMBER else None,
            )
        if chosen is None:
            released.unfilled.append(case.reference)
        else:
            released.reallocated += 1
            owed_deadlines_pass_to(case_id=case.id, role=role.value, successor=chosen.pseudonym)
    _remove_wraps(person)  # her cases' wraps went with unassign; closed cases' go here
    return released


def person_deactivate(*, actor: User | None, person: User) -> Released:
    """Deactivate a staff account: she can no longer sign in, and her cases are
    re-allocated and her key wraps removed. Administrators (or the command line) only."""
    _require_administrator(actor, person)
    if not person.is_active:
        raise InvalidInput("That account is already deactivated.")
    if _last_administrator(person):
        raise InvalidInput("This is the last administrator: add another one first.")
    with transaction.atomic():
        person.is_active = False
        person.save(update_fields=["is_active"])
        event_append(
            events_scheme.PERSON_DEACTIVATED,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={"person": person.pseudonym},
        )
        return _release(person=person, actor=actor, why="deactivated")


def person_set_role(*, actor: User | None, person: User, role: Role) -> Released:
    """Change a staff member's role. Her cases in the old role are re-allocated and her
    key wraps removed; an organisation liaison's account is made afresh instead."""
    _require_administrator(actor, person)
    if role not in STAFF_ROLES:
        raise InvalidInput("Choose a staff role.")
    if role == Role.LIAISON:
        raise InvalidInput(
            "An organisation liaison belongs to an organisation: create a new account."
        )
    if role.value == person.role:
        raise InvalidInput("The person already has that role.")
    if _last_administrator(person):
        raise InvalidInput("This is the last administrator: add another one first.")
    with transaction.atomic():
        old = person.role
        person.role = role.value
        person.organisation = None
        person.save(update_fields=["role", "organisation"])
        event_append(
            events_scheme.PERSON_ROLE_CHANGED,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={"person": person.pseudonym, "old": old, "new": role.value},
        )
        return _release(person=person, actor=actor, why="role changed")


def password_reset(*, actor: User | None, person: User, new_password: str) -> Released:
    """A staff member forgot her password: the administrator sets a new one and she gets
    a new key pair (the old private key is lost with the old password). Her wraps to
    the old key are deleted; she stays on her cases, and a colleague who opens one seals
    its keys to her new key (`share_missing_keys`). The administrator sees no case."""
    _require_administrator(actor, person)
    check_password(new_password, person)
    keys = vault.new_keypair()
    locked = vault.lock_private_key(
        keys.private_key, password=new_password, cost=settings.OMBUDS_KDF
    )
    with transaction.atomic():
        person.public_key = keys.public_key
        person.locked_private_key = locked
        person.set_password(new_password)
        person.save(update_fields=["public_key", "locked_private_key", "password"])
        event_append(
            events_scheme.PASSWORD_RESET,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={
                "person": person.pseudonym,
                grants.KEYPRINT: grants.keyprint(keys.public_key),
            },
        )
        return Released(wraps_removed=_remove_wraps(person))
