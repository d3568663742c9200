"""Collated testimony: where a complainant's consent stands, and when an organisation's
accounts may be shown (plain Python, no Django).

She consents (with her own words), her advocate prepares the anonymised text (numbered
drafts), she approves one draft, and it is published; she may withdraw at any time, and
may consent again afterwards. An organisation's approved accounts are shown only once
there are at least `MINIMUM_ACCOUNTS` of them, so that no account stands alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ombuds.record.events import (
    TESTIMONY_APPROVED,
    TESTIMONY_CONSENTED,
    TESTIMONY_DRAFTED,
    TESTIMONY_WITHDRAWN,
)

MINIMUM_ACCOUNTS = 5  # as the issue asks: an account is never shown with fewer than four others
MAX_ACCOUNT = 5_000  # characters: an account, not a case file


@dataclass(frozen=True)
class Testimony:
    """Where one case's testimony stands (the latest round of consent)."""

    consented: bool = False  # consent given and not withdrawn
    drafts: int = 0  # the advocate's drafts in this round
    approved: int | None = None  # the draft she approved, if any


def testimony_fold(events: Iterable[tuple[str, Mapping[str, Any]]]) -> Testimony:
    """Fold (type, metadata) pairs of one case, oldest first; other types are skipped."""
    state = Testimony()
    for event_type, metadata in events:
        if event_type == TESTIMONY_CONSENTED.type:
            state = Testimony(consented=True)
        elif event_type == TESTIMONY_DRAFTED.type and state.consented:
            state = Testimony(True, int(metadata["draft"]), None)
        elif event_type == TESTIMONY_APPROVED.type and state.consented:
            state = Testimony(True, state.drafts, int(metadata["draft"]))
        elif event_type == TESTIMONY_WITHDRAWN.type:
            state = Testimony()
    return state


def may_consent(state: Testimony) -> bool:
    return not state.consented


def may_draft(state: Testimony) -> bool:
    """The advocate prepares a text after consent and until she approves one."""
    return state.consented and state.approved is None


def may_approve(state: Testimony, draft: int) -> bool:
    """Only the latest draft, once, and only while consent stands."""
    return state.consented and state.approved is None and draft == state.drafts > 0


def may_withdraw(state: Testimony) -> bool:
    return state.consented


def shown(approved_accounts: int) -> bool:
    """Whether an organisation's accounts may be shown at all."""
    return approved_accounts >= MINIMUM_ACCOUNTS
