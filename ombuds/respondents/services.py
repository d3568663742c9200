"""The respondent's way in: invitation, joining with her own password, her own key.

The respondent holds only the case's respondent key, so the complainant's account, her
contact details and anything not disclosed stay closed to her even with the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.lifecycle import Role, Stage
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.records import (
    RESPONDENT_KEY,
    Participant,
    case_fact,
    case_state_from_events,
    party_participant,
    person_holder,
    record_case_event,
    share_case_key,
)
from ombuds.ledger.actor import Actor
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.services import account_prepare, account_save, party_sign_in_name
from ombuds.respondents.models import Invitation

INVITERS = frozenset({Role.CASE_MANAGER, Role.INVESTIGATOR})
INVITATION_STAGES = frozenset({Stage.INVESTIGATION})
_INVITATION_HOLDER = "invitation"


def respondent_key(participant: Participant) -> bytes:
    """The case's respondent key, made on first use and sealed to every handler on the case.

    Only a handler may call this (the respondent opens hers with participant.case_key).
    """
    if participant.role not in HANDLER_ROLES:
        raise NotPermitted("Only a handler can open the respondent's channel.")
    existing = CaseKey.objects.filter(
        case=participant.case, holder=participant.holder, purpose=RESPONDENT_KEY
    ).exists()
    if existing:
        return participant.case_key(RESPONDENT_KEY)
    key = vault.new_case_key()
    handlers = User.objects.filter(
        assignments__case=participant.case, assignments__role__in=HANDLER_ROLES
    ).distinct()
    for handler in handlers:
        share_case_key(
            participant.case,
            key,
            holder=person_holder(handler),
            public_key=bytes(handler.public_key),
            purpose=RESPONDENT_KEY,
        )
    return key


@dataclass(frozen=True)
class InvitationCode:
    case: Case
    code: str  # shown once to the inviting handler; never stored


def respondent_invite(*, participant: Participant) -> InvitationCode:
    """A case manager or the investigator invites the respondent once the investigation
    is open. Returns the invitation code to pass to her privately (it is not stored)."""
    if participant.role not in INVITERS:
        raise NotPermitted("Only the case manager or the investigator can invite the respondent.")
    if case_state_from_events(participant.case.id).stage not in INVITATION_STAGES:
        raise InvalidInput("The respondent is invited once an investigation is open.")
    if Invitation.objects.filter(case=participant.case).exists():
        raise InvalidInput("The respondent has already been invited to this case.")
    code = vault.new_receipt()
    derived = vault.receipt_keys(code, cost=settings.OMBUDS_KDF)
    keypair = vault.new_keypair()
    locked = vault.lock_private_key(keypair.private_key, password=code, cost=settings.OMBUDS_KDF)
    with transaction.atomic():
        key = respondent_key(participant)
        invitation = Invitation.objects.create(
            case=participant.case,
            lookup=derived.lookup,
            public_key=keypair.public_key,
            locked_private_key=locked,
            invited_at=timezone.now(),
        )
        share_case_key(
            participant.case,
            key,
            holder=f"{_INVITATION_HOLDER}:{invitation.pk}",
            public_key=keypair.public_key,
            purpose=RESPONDENT_KEY,
        )
        case_fact(participant, "case.respondent_invited", metadata={"invitation": invitation.pk})
    return InvitationCode(case=participant.case, code=code)


@dataclass(frozen=True)
class Joined:
    person: User
    private_key: bytes


def respondent_join(*, code: str, password: str) -> Joined:
    """The respondent uses her invitation code once and chooses her own password.

    One generic refusal for any code that does not open an invitation.
    """
    refused = InvalidInput("That invitation code is not right, or has already been used.")
    if vault.normalise_receipt(code) is None:
        raise refused
    derived = vault.receipt_keys(code, cost=settings.OMBUDS_KDF)
    invitation = Invitation.objects.filter(lookup=derived.lookup, joined=False).first()
    if invitation is None:
        raise refused
    private_key = vault.unlock_private_key(bytes(invitation.locked_private_key), password=code)
    person = account_prepare(
        username=party_sign_in_name("r"), password=password, role=Role.RESPONDENT
    )
    # Keep the key pair the respondent key was sealed to; lock it under her password.
    person.public_key = bytes(invitation.public_key)
    person.locked_private_key = vault.lock_private_key(
        private_key, password=password, cost=settings.OMBUDS_KDF
    )
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, joined=False).update(joined=True)
        if not claimed:
            raise refused
        account_save(person, actor=Actor(pseudonym=person.pseudonym, role=Role.RESPONDENT.value))
        CaseKey.objects.filter(
            case=invitation.case, holder=f"{_INVITATION_HOLDER}:{invitation.pk}"
        ).update(holder=person_holder(person))
        record_case_event(
            case_id=invitation.case_id,
            event_type="case.respondent_joined",
            actor=Actor(pseudonym=person.pseudonym, role=Role.RESPONDENT.value),
            expected_version=None,
            metadata={"person": person.pseudonym, "role": Role.RESPONDENT.value},
        )
    return Joined(person=person, private_key=private_key)


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
