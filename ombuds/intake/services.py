"""Commands of the complainant: report, come back, add information, withdraw.

An anonymous complainant is a receipt holder with no account; an identified one has an
account with a generated sign-in name and her own password. Either way, the case key is
sealed to her own public key, so she can read what she sent.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from ombuds import vault
from ombuds.cases.assignments import (
    Opening,
    allocate_handler,
    assign_continuing,
    candidates_for,
)
from ombuds.cases.commands import case_record
from ombuds.cases.fold import apply
from ombuds.cases.keys import case_keys_store, person_holder, sealed_case_key
from ombuds.cases.lifecycle import SUBMIT, check_transition
from ombuds.cases.models import Case
from ombuds.cases.participants import complainant_participant
from ombuds.cases.read_models import as_case_event, case_state, store_read_models
from ombuds.cases.routing import complainant_withdraw
from ombuds.intake.models import ReceiptCredential, SentForm
from ombuds.intake.report import ReportAccount
from ombuds.intake.signals import report_submitted
from ombuds.ledger.actor import SYSTEM, Actor
from ombuds.ledger.checkpoints import checkpoint_create
from ombuds.ledger.models import Checkpoint
from ombuds.ledger.services import case_stream
from ombuds.ledger.staging import run_with_appends_at_commit
from ombuds.lib.errors import DomainError, InvalidInput
from ombuds.limits.services import derivation_or_busy, guess_tag
from ombuds.people.models import Organisation, User
from ombuds.people.services import (
    account_prepare,
    account_save,
    interest_tokens,
    new_pseudonym,
    party_sign_in_name,
)
from ombuds.people.session import ComplainantAccess
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.record.spec import Key
from ombuds.record.stages import FINAL_STAGES
from ombuds.record.state import CaseFacts, CaseState
from ombuds.timetable.schedule import organisation_holidays, working_days_for
from ombuds.timetable.service_levels import ACKNOWLEDGE

# Crockford's alphabet: no I, L, O or U to misread when a reference is read aloud.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Submission:
    case: Case
    checkpoint: Checkpoint
    receipt: str | None  # shown once, never stored
    sign_in_name: str | None
    access: ComplainantAccess


class AlreadySent(DomainError):
    """The "Send report" form carrying this token was sent before; nothing was created."""


# The send form's one-time token: vault.random_token(16), made for each check-answers page.
_SEND_TOKEN = re.compile(r"[0-9a-f]{32}")
FORM_EXPIRED = "This form has expired. Check your answers and send your report again."


def new_send_token() -> str:
    """A one-time token for one "Send report" form."""
    return vault.random_token(16)


def _check_send_token(send_token: str | None) -> None:
    if send_token is None:
        return
    if not _SEND_TOKEN.fullmatch(send_token):
        raise InvalidInput(FORM_EXPIRED)
    if SentForm.objects.filter(token=send_token).exists():
        raise AlreadySent("This report has already been sent.")


def _claim_send_token(send_token: str | None) -> None:
    """Record the token inside the submission's transaction: of two posts of one form,
    at once or one after the other, only one commits (the primary key decides)."""
    if send_token is None:
        return
    try:
        # No savepoint: the first write of the submission's transaction, and a refusal
        # ends that transaction anyway.
        with transaction.atomic(savepoint=False):
            SentForm.objects.create(token=send_token)
    except IntegrityError as exc:
        raise AlreadySent("This report has already been sent.") from exc


def _new_reference() -> str:
    while True:
        token = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"OMB-{token[:4]}-{token[4:]}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


def report_submit(
    *,
    organisation_slug: str,
    account: ReportAccount,
    anonymous: bool,
    password: str | None = None,
    send_token: str | None = None,
) -> Submission:
    """Accept a report: one transaction writes the case, its key wraps, the complainant's
    credential, a signed checkpoint that includes it, and the allocation of a case manager
    and an advocate. It is acknowledged to her only after this commits.

    With `send_token` (the form's one-time token) a second post of the same form raises
    AlreadySent and creates nothing.
    """
    _check_send_token(send_token)
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise InvalidInput("Choose the organisation your report is about.")
    account.check(anonymous=anonymous)
    check_transition(SUBMIT, stage=None, role=Role.COMPLAINANT, facts=CaseFacts())
    # Argon2id work first, outside the transaction, so the write lock is held briefly.
    receipt: str | None = None
    person: User | None = None
    if anonymous:
        receipt = vault.new_receipt()
        keys = vault.receipt_keys(receipt, cost=settings.OMBUDS_KDF)
        public_key, private_key = keys.keypair.public_key, keys.keypair.private_key
        holder, pseudonym = f"receipt:{keys.lookup}", new_pseudonym()
    else:
        if not password:
            raise InvalidInput("Choose a password, or choose to stay anonymous.")
        person = account_prepare(
            username=party_sign_in_name("c"), password=password, role=Role.COMPLAINANT
        )
        private_key = vault.unlock_private_key(bytes(person.locked_private_key), password=password)
        public_key, holder, pseudonym = (
            bytes(person.public_key),
            person_holder(person),
            person.pseudonym,
        )
    actor = Actor(pseudonym=pseudonym, role=Role.COMPLAINANT.value)

    def submit() -> tuple[Case, Checkpoint]:
        # Run again, from nothing, if another command appended meanwhile: the ledger's
        # head is taken only for the statement that writes this one's events at the end.
        _claim_send_token(send_token)
        if person is not None:
            account_save(person, actor=actor)
        case, checkpoint = case_open(
            organisation=organisation,
            pseudonym=pseudonym,
            anonymous=anonymous,
            tokens=interest_tokens(account.interests(anonymous=anonymous)),
            content=account.as_content(),
            holder=holder,
            public_key=public_key,
        )
        report_submitted.send(
            sender=Case,
            case=case,
            named_person=account.respondent_name,
            organisation=organisation.slug,
        )
        if anonymous:
            ReceiptCredential.objects.create(
                tag=guess_tag(receipt or ""),
                lookup=holder.removeprefix("receipt:"),
                case=case,
                public_key=public_key,
                complainant=pseudonym,
            )
        return case, checkpoint

    case, checkpoint = run_with_appends_at_commit(submit)
    case_id = case.id
    access = ComplainantAccess(
        case_id=case_id, holder=holder, pseudonym=pseudonym, private_key=private_key
    )
    return Submission(
        case=case,
        checkpoint=checkpoint,
        receipt=receipt,
        sign_in_name=person.username if person else None,
        access=access,
    )


def case_open(
    *,
    organisation: Organisation,
    pseudonym: str,
    anonymous: bool,
    tokens: list[str],
    content: dict[str, Any],
    holder: str,
    public_key: bytes,
    advocate: User | None = None,
    continues: str = "",
) -> tuple[Case, Checkpoint]:
    """Write a new case inside the caller's transaction: its submission, the case key
    sealed to the complainant (`holder`), a signed checkpoint that includes it, and the
    allocation of a case manager and an advocate. `advocate`: the one she keeps from the
    case this one `continues` (a linked case), when the independence rules allow her."""
    case_id = uuid.uuid4()
    case_key = vault.new_case_key()
    # The scheme's working key: assessments, witnesses, deliberations. She never holds it.
    handlers_key = vault.new_case_key()
    roles = (Role.CASE_MANAGER, Role.ADVOCATE)
    # Read the pools (and check their signed grants) before the first append takes the
    # ledger's head, so the head is held for the writes alone.
    candidates = candidates_for(roles)
    actor = Actor(pseudonym=pseudonym, role=Role.COMPLAINANT.value)
    submitted = event_append(
        registry.SUBMITTED,
        stream=case_stream(case_id),
        actor=actor,
        metadata={
            "reference": _new_reference(),
            "organisation": organisation.slug,
            "anonymous": anonymous,
            "complainant": pseudonym,
            # Keyed fingerprints only: the first allocation already excludes handlers
            # connected to the people and places she named.
            "tokens": tokens,
            "working_days": working_days_for(organisation, ACKNOWLEDGE.name),
        },
        content=content,
        key=case_key,
        expected_version=0,
        tip=(0, ""),  # a new stream
    )
    # The state after one event, folded in memory: no need to read it back.
    state = apply(
        CaseState(), as_case_event(submitted), holidays=organisation_holidays(organisation)
    )
    checkpoint = checkpoint_create()
    # The case's rows do not exist yet: the allocations below collect their events and
    # sealed keys in `opening`, and everything is written once, at the end. They only add
    # assignments, which cannot change who is eligible for the other role, so they share
    # the state after the submission.
    case = Case(id=case_id, organisation=organisation)
    opening = Opening(first=submitted, candidates=candidates)
    opening.wraps.append(sealed_case_key(case, case_key, holder=holder, public_key=public_key))
    keys: dict[str, bytes] = {Key.CASE: case_key, Key.HANDLERS: handlers_key}
    for role in roles:
        if role == Role.ADVOCATE and advocate is not None:
            kept = assign_continuing(
                case=case,
                keys=keys,
                person=advocate,
                role=role,
                continues=continues,
                actor=SYSTEM,
                state=state,
                opening=opening,
            )
            if kept is not None:
                continue
        allocate_handler(
            case=case,
            keys=keys,
            role=role,
            actor=SYSTEM,
            expected_version=None,
            state=state,
            root=checkpoint.root,
            opening=opening,
        )
    for event in opening.appended:
        state = apply(state, as_case_event(event))
    accounts: dict[str, int | None] = {
        person.pseudonym: person.pk for pool in candidates.values() for person in pool.values()
    }
    if anonymous:
        accounts[pseudonym] = None  # she has no account; a named one is looked up
    case = store_read_models(case_id, state, organisation, new=True, people=accounts)
    case_keys_store(opening.wraps)
    return case, checkpoint


def receipt_sign_in(receipt: str) -> ComplainantAccess | None:
    """Open the case a receipt belongs to; None for any receipt that does not (one answer
    for malformed and unknown receipts alike, so nothing is revealed).

    A receipt whose keyed tag matches no case is turned away at once; only the others
    cost an Argon2id derivation, taken from the global budget (ServerBusy when spent).
    """
    tag = guess_tag(receipt)
    if tag is None:
        return None
    if not ReceiptCredential.objects.filter(Q(tag=tag) | Q(tag__isnull=True)).exists():
        return None
    derivation_or_busy()
    keys = vault.receipt_keys(receipt, cost=settings.OMBUDS_KDF)
    credential = ReceiptCredential.objects.filter(lookup=keys.lookup).first()
    if credential is None or bytes(credential.public_key) != keys.keypair.public_key:
        return None
    if credential.tag is None:  # issued before tags: give it one now
        ReceiptCredential.objects.filter(pk=credential.pk).update(tag=tag)
    return ComplainantAccess(
        case_id=credential.case_id,
        holder=f"receipt:{keys.lookup}",
        pseudonym=credential.complainant,
        private_key=keys.keypair.private_key,
    )


def report_add_information(*, access: ComplainantAccess, text: str) -> Case:
    """The complainant adds to her report (encrypted), while the case is open."""
    complainant = complainant_participant(access)
    text = text.strip()
    if not text:
        raise InvalidInput("Write the information you want to add.")
    if len(text) > 20_000:
        raise InvalidInput("That is too long for one addition. Split it into parts.")
    if case_state(complainant.case.id).stage in {None, *FINAL_STAGES}:
        raise InvalidInput("This case has ended, so information can no longer be added.")
    return case_record(
        complainant,
        registry.INFORMATION_ADDED,
        expected_version=complainant.case.version,
        content={"text": text},
    )


def report_withdraw(*, access: ComplainantAccess, reason: str = "") -> Case:
    """The complainant withdraws her complaint (a reason is optional). With a risk to
    others on record it becomes a request her case manager decides."""
    return complainant_withdraw(complainant=complainant_participant(access), reason=reason)
