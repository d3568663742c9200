"""Runs of `ombuds verify`, stored, so that nobody re-verifies the ledger on a page view.

`run_verification` is called by `ombuds verify` (from cron, or the sweep worker): by
default it checks only what was appended since the last run that verified, and with
`full=True` everything, first claiming a full run an auditor asked for, if any, by a
conditional update so that two workers never run the same request.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombuds.ledger.models import Verification
from ombuds.ledger.verify import VerifyReport, verify_ledger, verify_since

log = logging.getLogger("ombuds.ledger")


def latest_verification() -> Verification | None:
    """The most recent finished run, whatever it found."""
    return Verification.objects.filter(state=Verification.State.DONE).order_by("-id").first()


def open_full_request() -> Verification | None:
    """A full re-verification asked for and not finished yet, if there is one."""
    open_states = (Verification.State.REQUESTED, Verification.State.RUNNING)
    return Verification.objects.filter(state__in=open_states).order_by("id").first()


def request_full_verification(*, requested_by: str) -> Verification:
    """Queue a full re-verification (or return the one already queued). Runs elsewhere."""
    with transaction.atomic():
        existing = open_full_request()
        if existing is not None:
            return existing
        return Verification.objects.create(
            kind=Verification.Kind.FULL,
            state=Verification.State.REQUESTED,
            requested_by=requested_by,
            requested_at=timezone.now(),
        )


def _claim_request() -> Verification | None:
    for candidate in Verification.objects.filter(state=Verification.State.REQUESTED).order_by("id"):
        claimed = Verification.objects.filter(
            id=candidate.id, state=Verification.State.REQUESTED
        ).update(state=Verification.State.RUNNING)
        if claimed:
            candidate.state = Verification.State.RUNNING
            return candidate
    return None


def _last_good() -> Verification | None:
    return (
        Verification.objects.filter(state=Verification.State.DONE, ok=True)
        .order_by("-size", "-id")
        .first()
    )


def run_verification(
    *,
    full: bool = False,
    against: Mapping[str, Any] | None = None,
    extra: Callable[[VerifyReport], Iterable[str]] | None = None,
) -> tuple[Verification, VerifyReport]:
    """Verify (incrementally unless `full`, or when nothing verified before), store the
    result and return it. Reads in one snapshot; writes only the result row. `extra`
    adds checks from the layers above (the signed access grants), given the ledger's own
    report (from where the run began; whether it found a problem), stored with the run
    and timed with it."""
    row = _claim_request() if full else None
    base = None if full else _last_good()
    if base is None:
        report = verify_ledger(against=against)
    else:
        report = verify_since(
            size=base.size,
            root=base.root,
            frontier=json.loads(base.frontier),
            last_checkpoint=base.last_checkpoint,
            against=against,
        )
    if extra is not None:
        started = time.perf_counter()
        report.extend(extra(report))
        report.seconds += time.perf_counter() - started
    if row is None:
        row = Verification(
            kind=Verification.Kind.INCREMENTAL if base else Verification.Kind.FULL,
            requested_at=timezone.now(),
        )
    row.state = Verification.State.DONE
    row.finished_at = timezone.now()
    row.from_size = report.from_size
    row.size = report.size
    row.root = report.root
    row.frontier = json.dumps(report.frontier)
    row.last_checkpoint = report.last_checkpoint
    row.events = report.events
    row.streams = report.streams
    row.checkpoints = report.checkpoints
    row.seconds = report.seconds
    row.ok = report.ok
    row.problems = json.dumps(report.problems)
    row.save()
    if not report.ok:
        # Sequence numbers and sizes only: a problem sentence never holds case content.
        log.error(
            "ledger verification failed",
            extra={"verification": row.id, "problems": len(report.problems)},
        )
    return row, report
