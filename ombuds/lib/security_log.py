"""Security events, logged as structured lines (`lib/logs.py`) for the operator.

Each event is named once here. Its fields are pseudonyms, roles, counts and outcomes:
never a name, never case content, never an IP address or anything typed by the person
(a mistyped sign-in name can be a password).
"""

from __future__ import annotations

import logging
from enum import StrEnum

_logger = logging.getLogger("ombuds.security")

Field = str | int | bool | None


class SecurityEvent(StrEnum):
    SIGN_IN_SUCCEEDED = "sign_in.succeeded"
    SIGN_IN_REFUSED = "sign_in.refused"
    # The signed record does not prove the account as the people table has it (a row
    # written or changed by hand): its sign-in is refused like a wrong password, its pages
    # like another role's (fields: the pseudonym).
    PERSON_UNPROVEN = "person.unproven"
    SIGNED_OUT = "signed_out"
    RECEIPT_ACCEPTED = "receipt.accepted"
    RECEIPT_REFUSED = "receipt.refused"
    RECEIPT_LOCKED_OUT = "receipt.locked_out"  # too many wrong receipts: made to wait
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event name
    PASSKEY_ADDED = "passkey.added"
    PASSKEY_REMOVED = "passkey.removed"
    ORGANISATION_CREATED = "admin.organisation_created"
    STAFF_CREATED = "admin.staff_created"
    ROLE_CHANGED = "admin.role_changed"
    ADMINISTRATOR_ACTION = "admin.action"  # any other administrator command: its event type
    LEDGER_VERIFICATION_FAILED = "ledger.verification_failed"
    # An append found the head's signature not good: it refused (fields: the head's size).
    LEDGER_HEAD_UNSIGNED = "ledger.head_unsigned"
    # The operator signed the head as it stands, after an incident (`ombuds checkpoint
    # --accept-head`; fields: the head's size).
    LEDGER_HEAD_ACCEPTED = "ledger.head_accepted"
    # A frozen quarter's stored figures do not give the digest signed into the ledger: the
    # statistics pages withhold it (fields: organisation slug, quarter, who noticed).
    STATISTICS_UNCHECKED = "statistics.figures_unchecked"


def security_event(event: SecurityEvent, **fields: Field) -> None:
    """Log one security event with its (content-free) fields."""
    level = logging.WARNING if event in _WARNINGS else logging.INFO
    _logger.log(level, event.value, extra={"security": {"event": event.value, **fields}})


def administrator_action(*, by: str, action: str) -> None:
    """Log an administrator's command once its transaction commits (none if it rolls back)."""
    from django.db import transaction

    transaction.on_commit(
        lambda: security_event(SecurityEvent.ADMINISTRATOR_ACTION, by=by, action=action)
    )


_WARNINGS = frozenset(
    {
        SecurityEvent.SIGN_IN_REFUSED,
        SecurityEvent.PERSON_UNPROVEN,
        SecurityEvent.RECEIPT_REFUSED,
        SecurityEvent.RECEIPT_LOCKED_OUT,
        SecurityEvent.LEDGER_VERIFICATION_FAILED,
        SecurityEvent.LEDGER_HEAD_UNSIGNED,
        SecurityEvent.LEDGER_HEAD_ACCEPTED,
        SecurityEvent.STATISTICS_UNCHECKED,
    }
)
