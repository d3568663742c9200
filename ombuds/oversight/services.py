"""The auditor's one command: ask for a full re-verification of the ledger."""

from __future__ import annotations

from ombuds.ledger.models import Verification
from ombuds.ledger.verification import request_full_verification
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import User
from ombuds.record.roles import Role


def full_verification_request(*, actor: User) -> Verification:
    """Queue a full re-verification; `ombuds verify --full` (cron or the sweep worker) runs
    it in the background, never the web request. Asking again while one is queued or
    running returns that one."""
    if actor.role != Role.AUDITOR:
        raise NotPermitted("Only an auditor can ask for a full re-verification.")
    return request_full_verification(requested_by=actor.pseudonym)
