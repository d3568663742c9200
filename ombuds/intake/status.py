"""What the complainant sees of her case: the status page (where it is, her advocate, the
timeline in her words and language, what she told us, check-ins, linked cases), her way
to a linked case, and the proof of receipt. Reads only: her commands are in `services`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from ombuds.cases.fold import fold
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant
from ombuds.cases.read_models import as_case_event, case_events, case_state
from ombuds.cases.selectors import LinkedCase, linked_cases
from ombuds.ledger import merkle
from ombuds.ledger.checkpoints import checkpoint_as_dict
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Checkpoint, Event
from ombuds.ledger.proofs import inclusion_proof
from ombuds.ledger.services import case_stream, event_content, event_metadata
from ombuds.lib.errors import NotFound
from ombuds.people.models import User
from ombuds.people.session import ComplainantAccess
from ombuds.record import checkins as checkin_rules
from ombuds.record.readers import seen_by_party
from ombuds.record.roles import Role
from ombuds.record.stages import FINAL_STAGES, WITHDRAWABLE_STAGES
from ombuds.record.state import CaseState, CheckIn
from ombuds.timetable.schedule import organisation_holidays


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    detail: str = ""


@dataclass(frozen=True)
class ComplainantView:
    case: Case
    participant: Participant
    state: CaseState
    account: dict[str, Any]
    timeline: list[TimelineEntry]
    advocate: str | None
    can_add_information: bool
    can_withdraw: bool
    linked: list[LinkedCase]  # her other cases linked to this one (a check-in's answer)
    checkin: CheckIn | None  # a check-in of her advocate's waiting for her answer
    can_decline_checkins: bool


def _timeline_entry(
    event: Event, case_key: bytes, advocates: dict[str, str]
) -> TimelineEntry | None:
    meta = event_metadata(event)
    seen = seen_by_party(Role.COMPLAINANT, event.type, meta)
    if seen is None:
        return None
    # The registry's words are English msgids, translated here into her language.
    text = gettext(seen.words) if seen.words else ""
    if seen.per_role:  # who joined her case: only the roles she deals with
        text = seen.per_role.get(str(meta["role"]), "")
        if not text:
            return None
        advocate = advocates.get(str(meta["person"])) or gettext("An advocate")
        text = gettext(text).format(advocate=advocate)
    detail = ""
    if seen.detail:
        value = str(event_content(event, case_key).get(seen.detail, ""))
        if not value and str(meta.get("reason_code")) in seen.coded:
            value = gettext(seen.coded[str(meta["reason_code"])])
        detail = f"{gettext(seen.detail_label)}: {value}" if seen.detail_label else value
    return TimelineEntry(parse_time(event.recorded_at), text, detail)


def complainant_case_view(access: ComplainantAccess) -> ComplainantView:
    """Everything the complainant sees on her status page, decrypted with her own key."""
    complainant = complainant_participant(access)
    case, case_key = complainant.case, complainant.case_key()
    events = case_events(case.id)
    # Folded from the events just read: the case's events are read once per page.
    holidays = organisation_holidays(case.organisation)
    state = fold((as_case_event(e) for e in events), holidays=holidays)
    advocate_pseudonyms = state.holders(Role.ADVOCATE)
    advocates = {
        p.pseudonym: p.display_name or gettext("An advocate")
        for p in User.objects.filter(pseudonym__in=[e for e in advocate_pseudonyms])
    }
    timeline = [
        entry
        for entry in (_timeline_entry(e, case_key, advocates) for e in events)
        if entry is not None
    ]
    open_case = state.stage is not None and state.stage not in FINAL_STAGES
    return ComplainantView(
        case=case,
        participant=complainant,
        state=state,
        account=event_content(events[0], case_key),
        timeline=timeline,
        advocate=advocates[advocate_pseudonyms[0]] if advocate_pseudonyms else None,
        can_add_information=open_case,
        can_withdraw=state.stage in WITHDRAWABLE_STAGES and not state.facts.withdrawal_requested,
        linked=linked_cases(case),
        checkin=checkin_rules.to_answer(state),
        can_decline_checkins=checkin_rules.may_decline(state),
    )


def linked_case_access(access: ComplainantAccess, reference: str) -> ComplainantAccess:
    """Her access to another of her cases, linked to the one she is signed in to: the
    same holder (receipt or account) has the linked case's key sealed to it, so she needs
    no new secret. NotFound for any case not linked to hers, or not sealed to her."""
    current = complainant_participant(access)
    target = next((c for c in linked_cases(current.case) if c.reference == reference), None)
    if target is None:
        raise NotFound("No such case.")
    moved = replace(access, case_id=uuid.UUID(target.case_id))
    linked = complainant_participant(moved)  # NotFound unless her key is on it
    if case_state(linked.case.id).holders(Role.COMPLAINANT) != [access.pseudonym]:
        raise NotFound("No such case.")
    return moved


def proof_of_receipt(access: ComplainantAccess) -> dict[str, Any]:
    """The signed checkpoint that includes her submission, and the inclusion proof."""
    case = complainant_participant(access).case
    submitted = Event.objects.get(stream=case_stream(case.id), stream_version=1)
    checkpoint = Checkpoint.objects.filter(size__gt=submitted.seq).order_by("size", "id").first()
    if checkpoint is None:
        raise NotFound("The proof of receipt is not ready yet.")
    # O(log n) stored tree nodes, checked against the signed root before she gets them.
    proof = inclusion_proof(submitted.seq, checkpoint.size)
    if not merkle.verify_inclusion(
        bytes.fromhex(submitted.hash),
        submitted.seq,
        checkpoint.size,
        proof,
        bytes.fromhex(checkpoint.root),
    ):
        raise NotFound("The proof of receipt cannot be made just now. Please try again later.")
    return {
        "about": "Proof that this report was received and recorded in the Ombuds ledger.",
        "case_reference": case.reference,
        "received_at": submitted.recorded_at,
        "event": {"index": submitted.seq, "leaf_hash": submitted.hash},
        "checkpoint": checkpoint_as_dict(checkpoint),
        "inclusion_proof": [h.hex() for h in proof],
    }
