"""Routing a case after assessment, and the complainant's consents and withdrawal.

Informal resolution needs her agreement; referral to the police needs her consent, or a
recorded risk to others and safeguarding overrides by two different people; she may
withdraw at any time, but with a risk to others on record her withdrawal is a request
the case manager decides.
"""

from __future__ import annotations

from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_state
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import FINAL_STAGES, WITHDRAWABLE_STAGES

# Handlers who may record a safeguarding override; two different people are needed.
OVERRIDERS = frozenset({Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR})
MAX_TEXT = 20_000


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"Write {what}.")
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"Keep it under {MAX_TEXT:,} characters.")
    return value


def _require(participant: Participant, *roles: Role) -> None:
    if participant.role not in roles:
        raise NotPermitted("Your role on this case does not allow this.")


def complainant_agree_informal(*, complainant: Participant) -> Case:
    """The complainant agrees to informal resolution (needed before it can start)."""
    _require(complainant, Role.COMPLAINANT)
    return case_record(complainant, events.INFORMAL_AGREED)


def complainant_consent_referral(*, complainant: Participant) -> Case:
    """The complainant consents to her case being referred to the police."""
    _require(complainant, Role.COMPLAINANT)
    return case_record(complainant, events.REFERRAL_CONSENTED)


def complainant_withdraw_referral_consent(*, complainant: Participant) -> Case:
    """The complainant takes back her consent to referral, before the case is referred."""
    _require(complainant, Role.COMPLAINANT)
    if not case_state(complainant.case.id).facts.complainant_consents_to_referral:
        raise InvalidInput("You have not consented to referral to the police.")
    return case_record(complainant, events.REFERRAL_CONSENT_WITHDRAWN)


def risk_record(*, participant: Participant, details: str) -> Case:
    """The case manager records a risk to others (it changes what withdrawal and referral
    mean for this case)."""
    _require(participant, Role.CASE_MANAGER)
    return case_record(
        participant,
        events.RISK_RECORDED,
        content={"details": _text(details, "the risk")},
        key=Key.HANDLERS,
    )


def safeguarding_override_record(*, participant: Participant, reason: str) -> Case:
    """A handler records a safeguarding override of the complainant's wishes on referral.

    Referral without her consent needs a recorded risk and two such overrides by
    different people, so no one person can take the decision from her.
    """
    _require(participant, *OVERRIDERS)
    state = case_state(participant.case.id)
    if not state.facts.risk_to_others_recorded:
        raise TransitionRefused("A safeguarding override needs a recorded risk to others.")
    if participant.pseudonym in state.safeguarding_overriders:
        raise InvalidInput("You have already recorded an override; a second person must.")
    return case_record(
        participant,
        events.SAFEGUARDING_OVERRIDE,
        content={"reason": _text(reason, "the reason for the override")},
        key=Key.HANDLERS,
    )


def route(
    *, participant: Participant, to: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """The case manager routes an assessed case: "informal", "investigation", or an
    informal case escalated to investigation ("escalate", with a reason)."""
    routes = {
        "informal": events.INFORMAL_STARTED,
        "investigation": events.INVESTIGATION_OPENED,
        "escalate": events.ESCALATED,
    }
    if to not in routes:
        raise InvalidInput("Choose informal resolution or an investigation.")
    reason = reason.strip()
    return case_record(
        participant,
        routes[to],
        expected_version=expected_version,
        reason=reason or None,
        content={"reason": reason} if reason else None,
        key=Key.HANDLERS,
    )


def refer(*, participant: Participant, reason: str, expected_version: int | None = None) -> Case:
    """The case manager refers the case to the police (consent, or risk + two overrides)."""
    reason = reason.strip()
    return case_record(
        participant,
        events.REFERRED,
        expected_version=expected_version,
        reason=reason,
        content={"reason": reason} if reason else None,
        key=Key.HANDLERS,
    )


def complainant_withdraw(*, complainant: Participant, reason: str = "") -> Case:
    """The complainant withdraws. With a risk to others on record this becomes a request
    the case manager decides; either way it is recorded and she is told which."""
    _require(complainant, Role.COMPLAINANT)
    state = case_state(complainant.case.id)
    content = {"reason": reason.strip()}
    if state.stage in FINAL_STAGES or state.stage is None:
        raise TransitionRefused("This case has already ended.")
    if state.stage not in WITHDRAWABLE_STAGES:
        raise TransitionRefused(
            "The panel has decided your case, so the complaint can no longer be withdrawn."
        )
    if state.facts.risk_to_others_recorded:
        if state.facts.withdrawal_requested:
            raise InvalidInput("You have already asked to withdraw.")
        return case_record(complainant, events.WITHDRAWAL_REQUESTED, content=content)
    return case_record(complainant, events.WITHDRAWN, content=content)


def withdrawal_decide(
    *,
    participant: Participant,
    accept: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """The case manager accepts the complainant's withdrawal request, or continues the
    case without her for a recorded reason (the risk to others)."""
    _require(participant, Role.CASE_MANAGER)
    if accept:
        return case_record(
            participant, events.WITHDRAWAL_ACCEPTED, expected_version=expected_version
        )
    state = case_state(participant.case.id)
    if not state.facts.withdrawal_requested:
        raise TransitionRefused("The complainant has not asked to withdraw.")
    with transaction.atomic():
        return case_record(
            participant,
            events.CONTINUED_AFTER_WITHDRAWAL,
            expected_version=expected_version,
            content={"reason": _text(reason, "why the case must continue")},
            key=Key.HANDLERS,
        )
