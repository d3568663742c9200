"""Participants: anyone acting on a case, handler or party, with the key to open it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ombuds.cases.keys import case_key_for, keys_for, person_holder
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.ledger.actor import SYSTEM, Actor
from ombuds.lib.errors import NotFound
from ombuds.people.models import User
from ombuds.people.session import ComplainantAccess
from ombuds.record.roles import Role
from ombuds.record.spec import Key


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

    def case_key(self, purpose: str = Key.CASE) -> bytes:
        """Open this participant's copy of a case key (NotFound if she has none)."""
        return case_key_for(
            self.case, holder=self.holder, private_key=self.private_key, purpose=purpose
        )

    def keys(self) -> dict[str, bytes]:
        """Every case key this participant holds, by purpose."""
        return keys_for(self.case, holder=self.holder, private_key=self.private_key)


def system_participant(case: Case) -> Participant:
    """The system, acting on `case` (it holds no case key: what it records has no content)."""
    return Participant(
        case=case,
        role=Role.SYSTEM,
        pseudonym=SYSTEM.pseudonym,
        holder=SYSTEM.pseudonym,
        private_key=None,
    )


def handler_participant(person: User, case: Case, private_key: bytes | None) -> Participant:
    """A handler on a case in her own role; NotFound (the case stays hidden) otherwise.

    A case loaded through `selectors.case_for_handler` for this very person was checked by
    that query; any other is checked here."""
    checked = getattr(case, "checked_for", None) == person.pk
    if (
        not checked
        and not Assignment.objects.filter(case=case, person=person, role=person.role).exists()
    ):
        raise NotFound("No such case.")
    return assigned_handler(person, case, private_key)


def assigned_handler(person: User, case: Case, private_key: bytes | None) -> Participant:
    """A handler on a case the caller loaded through `case_for_handler`, which has already
    checked the assignment as part of its query."""
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


def respondent_participant(person: User, private_key: bytes | None) -> Participant:
    """The respondent on her own case (NotFound for anyone else)."""
    if person.role != Role.RESPONDENT:
        raise NotFound("No such case.")
    assignment = Assignment.objects.filter(person=person, role=Role.RESPONDENT).first()
    if assignment is None:
        raise NotFound("No such case.")
    return party_participant(
        case_id=assignment.case_id,
        role=Role.RESPONDENT,
        holder=person_holder(person),
        pseudonym=person.pseudonym,
        private_key=private_key,
        person=person,
    )


def complainant_participant(access: ComplainantAccess) -> Participant:
    """The complainant as a participant in her own case (NotFound if her key is gone)."""
    return party_participant(
        case_id=access.case_id,
        role=Role.COMPLAINANT,
        holder=access.holder,
        pseudonym=access.pseudonym,
        private_key=access.private_key,
    )


def account_complainant_access(person: User, private_key: bytes) -> ComplainantAccess | None:
    """The case of a complainant who signed in with her account."""
    if person.role != Role.COMPLAINANT:
        return None
    # Her first case; a case linked to it is reached from its page.
    assignment = (
        Assignment.objects.filter(person=person, role=Role.COMPLAINANT)
        .order_by("case__received_at", "case_id")
        .first()
    )
    if assignment is None:
        return None
    return ComplainantAccess(
        case_id=assignment.case_id,
        holder=person_holder(person),
        pseudonym=person.pseudonym,
        private_key=private_key,
    )
