"""Commands of collated testimony: her consent (with her own words), her advocate's
anonymised text, her approval of it, and the withdrawal of her consent. Each is one
transaction; every case event goes through `case_record`; the approved text is the only
thing written outside the ledger, sealed for the public page, and withdrawal deletes it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.record.events import (
    TESTIMONY_APPROVED,
    TESTIMONY_CONSENTED,
    TESTIMONY_DRAFTED,
    TESTIMONY_WITHDRAWN,
)
from ombuds.record.roles import Role
from ombuds.testimony import rules
from ombuds.testimony.models import ApprovedAccount
from ombuds.testimony.sealing import account_seal, holder_of
from ombuds.testimony.standing import testimony_of


def _hers(participant: Participant) -> None:
    if participant.role != Role.COMPLAINANT:
        raise NotPermitted("Only the complainant can decide about her own account.")


def _checked(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise InvalidInput("Write the anonymised account.")
    if len(text) > rules.MAX_ACCOUNT:
        raise InvalidInput(f"The account must be {rules.MAX_ACCOUNT:,} characters or fewer.")
    return text


def testimony_consent(*, participant: Participant, account: str) -> Case:
    """She agrees that an anonymised account of her experience may be published, in
    aggregate; `account` is her own words for her advocate to work from (may be empty)."""
    _hers(participant)
    account = _checked(account, required=False)
    with transaction.atomic():
        if not rules.may_consent(testimony_of(participant).state):
            raise TransitionRefused(gettext("You have already agreed."))
        return case_record(participant, TESTIMONY_CONSENTED, content={"account": account})


def testimony_draft(*, participant: Participant, text: str, expected_version: int) -> Case:
    """Her advocate's anonymised text, prepared with her, for her to approve."""
    text = _checked(text, required=True)
    with transaction.atomic():
        state = testimony_of(participant).state
        if not rules.may_draft(state):
            raise TransitionRefused(
                "There is nothing to prepare: she has not agreed, or has already approved a text."
            )
        return case_record(
            participant,
            TESTIMONY_DRAFTED,
            expected_version=expected_version,
            content={"text": text},
            metadata={"draft": state.drafts + 1},
        )


def testimony_approve(*, participant: Participant, draft: int) -> Case:
    """She approves the latest draft: it is kept, sealed, for the transparency page."""
    _hers(participant)
    with transaction.atomic():
        view = testimony_of(participant)
        if not rules.may_approve(view.state, draft):
            raise TransitionRefused(
                gettext("Your advocate has changed the text since. Read it again.")
            )
        case = case_record(participant, TESTIMONY_APPROVED, metadata={"draft": draft})
        ApprovedAccount.objects.create(
            organisation=participant.case.organisation,
            holder=holder_of(participant.case.id),
            sealed=account_seal(view.draft),
        )
    return case


def testimony_withdraw(*, participant: Participant) -> Case:
    """She withdraws her consent: her account leaves the transparency page at once."""
    _hers(participant)
    with transaction.atomic():
        if not rules.may_withdraw(testimony_of(participant).state):
            raise TransitionRefused(gettext("You have not agreed to publication."))
        case = case_record(participant, TESTIMONY_WITHDRAWN)
        ApprovedAccount.objects.filter(holder=holder_of(participant.case.id)).delete()
    return case
