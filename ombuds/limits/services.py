"""Throttles that hold across server processes (database rows) and store no address.

- `derivation_take`: one global token bucket of Argon2id derivations that strangers can
  make the server do (receipts, invitation codes and passwords that reach the slow
  check), so guessing can never take more than OMBUDS_DERIVATIONS_PER_SECOND of CPU. A
  request that finds the bucket empty waits its turn for a few seconds rather than being
  refused at once.
- `account_*`: failures per sign-in name, with a growing delay, and the count the holder
  is told about at her next sign-in.
"""

from __future__ import annotations

import hashlib
import math
import random
import time

from django.conf import settings
from django.db import transaction

from ombuds import vault
from ombuds.keys import RECEIPT_TAG_KEY
from ombuds.lib.errors import DomainError
from ombuds.limits.models import FailureCount, TokenBucket
from ombuds.limits.rules import refill, wait_after

DERIVATIONS = "derivations"
_POLL_SECONDS = 0.05


def _try_take(name: str, *, rate: float, burst: float) -> float:
    """Take a token if there is one (0.0), else how long until the next one."""
    now = time.time()
    with transaction.atomic():
        bucket = TokenBucket.objects.select_for_update().filter(name=name).first()
        if bucket is None:
            TokenBucket.objects.create(name=name, tokens=burst - 1, updated=now)
            return 0.0
        tokens = refill(bucket.tokens, elapsed=now - bucket.updated, rate=rate, burst=burst)
        if tokens >= 1:
            TokenBucket.objects.filter(name=name).update(tokens=tokens - 1, updated=now)
            return 0.0
    return (1 - tokens) / rate


def bucket_take(name: str, *, per_day: float) -> bool:
    """Take one from the bucket `name` (full at `per_day`, refilled at `per_day` a day),
    without waiting. False: it is empty, and the action must not happen."""
    return _try_take(name, rate=per_day / 86_400, burst=per_day) == 0.0


def derivation_take(*, patience: float | None = None) -> bool:
    """Take one Argon2id derivation from the global budget, waiting up to `patience`
    seconds for it. False: the server is busy, the attempt is not checked."""
    rate = float(settings.OMBUDS_DERIVATIONS_PER_SECOND)
    burst = float(settings.OMBUDS_DERIVATIONS_BURST)
    patience = settings.OMBUDS_DERIVATION_PATIENCE if patience is None else patience
    deadline = time.monotonic() + patience
    while True:
        needed = _try_take(DERIVATIONS, rate=rate, burst=burst)
        if needed == 0.0:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        # Jitter spreads waiting requests so none is always first or always last.
        time.sleep(min(left, needed, _POLL_SECONDS) * (0.5 + random.random()))  # noqa: S311


def account_key(username: str) -> str:
    """Which counter a sign-in name uses: a hash, so the table lists no names."""
    return hashlib.sha256(f"account:{username.strip().casefold()}".encode()).hexdigest()


def account_wait(key: str) -> int:
    """Seconds before this account's next attempt may be checked (0: now)."""
    row = FailureCount.objects.filter(key=key).first()
    if row is None:
        return 0
    remaining = row.last_failure + wait_after(row.failures) - time.time()
    return max(0, math.ceil(remaining))


def account_failed(key: str) -> int:
    """Count a failure; returns the seconds before the next attempt."""
    now = time.time()
    with transaction.atomic():
        row, _ = FailureCount.objects.select_for_update().get_or_create(key=key)
        row.failures += 1
        row.unreported += 1
        row.last_failure = now
        row.save()
    return wait_after(row.failures)


def account_succeeded(key: str) -> int:
    """A complete sign-in forgets the run of failures; returns how many failures there
    were since the holder last signed in, to tell her."""
    with transaction.atomic():
        row = FailureCount.objects.select_for_update().filter(key=key).first()
        if row is None:
            return 0
        row.delete()
    return row.unreported


class ServerBusy(DomainError):
    """The budget of slow checks is spent for now: the attempt was not checked."""


def derivation_or_busy() -> None:
    """Take a derivation from the budget, or raise ServerBusy."""
    if not derivation_take():
        raise ServerBusy("Many people are trying to sign in right now. Try again in a minute.")


def _tag_key() -> bytes:
    return RECEIPT_TAG_KEY.read()


def guess_tag(words: str) -> int | None:
    """The keyed tag of a receipt or invitation code (None if it is not seven words): a
    wrong one is turned away by an index lookup, before any Argon2id work."""
    return vault.receipt_tag(_tag_key(), words)
