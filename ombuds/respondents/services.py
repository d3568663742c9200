"""The respondent's way in: invitation, joining with her own password, her own key.

The respondent holds only the case's respondent key, so the complainant's account, her
contact details and anything not disclosed stay closed to her even with the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ombuds import vault
from ombuds.cases.commands import case_append, case_record
from ombuds.cases.keys import open_event, person_holder, share_case_key, share_missing_keys
from ombuds.cases.models import Case, CaseKey
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_refresh, case_state
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.limits.services import derivation_or_busy, guess_tag
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.services import account_prepare, account_save, party_sign_in_name
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.respondents.models import Invitation
from ombuds.respondents.redaction import redact_all

INVITERS = frozenset({Role.CASE_MANAGER, Role.INVESTIGATOR})
INVITATION_STAGES = frozenset({Stage.INVESTIGATION})
_INVITATION_HOLDER = "invitation"


def respondent_key(participant: Participant) -> bytes:
    """The case's respondent key, made on first use and sealed to every handler on the case
    except the advocate, who supports the complainant and never holds it.

    Only such a handler may call this (the respondent opens hers with participant.case_key).
    """
    if participant.role not in HANDLER_ROLES or participant.role == Role.ADVOCATE:
        raise NotPermitted("Only the case manager, investigator or panel hold this channel.")
    wraps = CaseKey.objects.filter(case=participant.case, purpose=Key.RESPONDENT)
    if wraps.filter(holder=participant.holder).exists():
        return participant.case_key(Key.RESPONDENT)
    if wraps.exists():
        # Making a second key would reseal it over every handler's copy and cut the
        # respondent (who holds the first) off from everything written after.
        raise InvalidInput("The respondent's key on this case has not been shared with you.")
    key = vault.new_case_key()
    person = participant.person
    if person is None:
        raise NotPermitted("Only a handler can open the respondent's channel.")
    share_case_key(
        participant.case,
        key,
        holder=participant.holder,
        public_key=bytes(person.public_key),
        purpose=Key.RESPONDENT,
    )
    # Everyone else on the case gets it by the one rule of who holds which key.
    share_missing_keys(participant.case, participant.keys())
    return key


@dataclass(frozen=True)
class InvitationCode:
    case: Case
    code: str  # shown once to the inviting handler; never stored


def respondent_invite(
    *, participant: Participant, expected_version: int | None = None
) -> InvitationCode:
    """A case manager or the investigator invites the respondent once the investigation
    is open. Returns the invitation code to pass to her privately (it is not stored)."""
    if participant.role not in INVITERS:
        raise NotPermitted("Only the case manager or the investigator can invite the respondent.")
    if case_state(participant.case.id).stage not in INVITATION_STAGES:
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
            tag=guess_tag(code),
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
            purpose=Key.RESPONDENT,
        )
        case_record(
            participant,
            registry.RESPONDENT_INVITED,
            expected_version=expected_version,
            metadata={"invitation": invitation.pk},
        )
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
    tag = guess_tag(code)
    if tag is None:
        raise refused
    waiting = Invitation.objects.filter(joined=False)
    if not waiting.filter(Q(tag=tag) | Q(tag__isnull=True)).exists():
        raise refused  # turned away without any Argon2id work
    derivation_or_busy()
    derived = vault.receipt_keys(code, cost=settings.OMBUDS_KDF)
    invitation = waiting.filter(lookup=derived.lookup).first()
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
        case_append(
            invitation.case_id,
            registry.RESPONDENT_JOINED,
            actor=Actor(pseudonym=person.pseudonym, role=Role.RESPONDENT.value),
            metadata={"person": person.pseudonym, "role": Role.RESPONDENT.value},
        )
        case_refresh(invitation.case_id)
    return Joined(person=person, private_key=private_key)


# The allegations, disclosed in writing ----------------------------------------------

DISCLOSERS = frozenset({Role.INVESTIGATOR})
DISCLOSURE_STAGES = frozenset({Stage.INVESTIGATION})


def respondent_invited(case: Case) -> bool:
    """Whether the respondent has been invited to this case (joined or not)."""
    return Invitation.objects.filter(case=case).exists()


def disclosure_refusal(case: Case) -> str | None:
    """Why the allegations cannot be disclosed on this case now, or None if they can."""
    if case_state(case.id).stage not in DISCLOSURE_STAGES:
        return "The allegations are disclosed while the investigation is open."
    if not respondent_invited(case):
        return "Invite the respondent before disclosing the allegations."
    return None


def allegations_disclose(
    *, participant: Participant, allegations: list[str], expected_version: int | None = None
) -> Case:
    """The investigator tells the respondent the allegations in writing.

    Each allegation has the text between [redact] and [/redact] removed; blank ones are
    dropped and the rest numbered by position. Allowed during the investigation once the
    respondent has been invited (her invitation key already opens it, so she reads it the
    moment she joins). A later disclosure amends the allegations and supersedes this one.
    """
    if participant.role not in DISCLOSERS:
        raise NotPermitted("Only the investigator can disclose the allegations.")
    disclosed = redact_all(allegations)
    with transaction.atomic():
        refusal = disclosure_refusal(participant.case)
        if refusal is not None:
            raise TransitionRefused(refusal)
        if Key.RESPONDENT not in participant.keys():
            raise InvalidInput("You do not hold the respondent's key for this case.")
        return case_record(
            participant,
            registry.ALLEGATIONS_DISCLOSED,
            expected_version=expected_version,
            content={"allegations": disclosed},
            metadata={"count": len(disclosed)},
            key=Key.RESPONDENT,
        )


def disclosed_allegations(participant: Participant) -> list[str]:
    """The allegations as last disclosed to the respondent (the latest disclosure wins),
    numbered by position; [] if none has been disclosed yet.

    For the respondent and for handlers holding the respondent key; NotPermitted for
    anyone who cannot open the disclosure (the complainant holds no respondent key).
    """
    latest = (
        Event.objects.filter(
            stream=case_stream(participant.case.id), type=registry.ALLEGATIONS_DISCLOSED.type
        )
        .order_by("-stream_version")
        .first()
    )
    if latest is None:
        return []
    content = open_event(latest, participant.keys())
    if content is None:
        raise NotPermitted("You cannot read what was disclosed to the respondent.")
    return [str(allegation) for allegation in content["allegations"]]


# Her response, and the witnesses she names -------------------------------------------

MAX_RESPONSE = 50_000
MAX_WITNESSES = 30
MAX_WITNESS_NAME = 200
MAX_WITNESS_HOW = 5_000


@dataclass(frozen=True)
class Witness:
    name: str
    how: str  # how they can help: what they saw, heard or know


def _check_witnesses(witnesses: Sequence[Witness]) -> list[dict[str, str]]:
    if len(witnesses) > MAX_WITNESSES:
        raise InvalidInput(f"Name at most {MAX_WITNESSES} witnesses at once.")
    checked = []
    for number, witness in enumerate(witnesses, start=1):
        name, how = witness.name.strip(), witness.how.strip()
        if not name:
            raise InvalidInput(f"Give the name of witness {number}.")
        if len(name) > MAX_WITNESS_NAME or len(how) > MAX_WITNESS_HOW:
            raise InvalidInput(
                f"Witness {number}: the name must be {MAX_WITNESS_NAME} characters or fewer "
                f"and how they can help {MAX_WITNESS_HOW:,} or fewer."
            )
        checked.append({"name": name, "how": how})
    return checked


def response_submit(
    *, participant: Participant, response: str, witnesses: Sequence[Witness]
) -> Case:
    """The respondent answers the allegations in writing and may name witnesses.

    Only once the allegations have been disclosed and while the case is open. She may
    send more than one; each is recorded, readable by her and the handlers only.
    """
    if participant.role != Role.RESPONDENT:
        raise NotPermitted("Only the respondent can respond to the allegations.")
    text = response.strip()
    named = _check_witnesses(witnesses)
    if not text and not named:
        raise InvalidInput("Write your response, or name at least one witness.")
    if len(text) > MAX_RESPONSE:
        raise InvalidInput(f"Your response must be {MAX_RESPONSE:,} characters or fewer.")
    with transaction.atomic():
        state = case_state(participant.case.id)
        if state.stage not in OPEN_STAGES:
            raise TransitionRefused("The case has ended, so a response can no longer be sent.")
        if not state.facts.respondent_told_allegations:
            raise TransitionRefused(
                "You can respond once you have been told the allegations in writing."
            )
        return case_record(
            participant,
            registry.RESPONSE_SUBMITTED,
            content={"response": text, "witnesses": named},
            metadata={"witnesses": len(named)},
            key=Key.RESPONDENT,
        )


# Her evidence ----------------------------------------------------------------------------


# Handlers reading what the respondent sent -----------------------------------------------
