"""Slowing down guesses at receipts, without storing who is guessing.

Two counters, both in Django's cache and neither holding an IP address or anything
about the person:

- per session: a random id kept in the session (not the session key, which changes at
  sign-in) names a counter of failed attempts. After FREE_FAILURES failures, each next
  attempt must wait 2^(n - FREE_FAILURES) seconds after the last failure, capped at
  MAX_WAIT_SECONDS, before it is even checked.
- global: failures across all sessions in the current minute. Someone who throws away
  their cookies gets a fresh session counter, so when this passes GLOBAL_LIMIT every
  attempt is refused until the minute is over.

The slow key derivation of each attempt is a third brake. With several server processes
the cache must be shared (e.g. Redis or the database cache) for the limits to hold.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

FREE_FAILURES = 3
MAX_WAIT_SECONDS = 5 * 60
GLOBAL_LIMIT = 100  # failures per minute, across all sessions
_SESSION_ID = "ombuds.throttle"
_REMEMBER_SECONDS = 60 * 60  # a session's failures are forgotten an hour after the last


def clock() -> float:
    """Seconds since the epoch; tests replace it."""
    return time.time()


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now and, if not, why."""

    allowed: bool
    wait_seconds: int = 0  # how long this session must wait
    busy: bool = False  # too many failures across everyone this minute


def _session_key(session: Any) -> str:
    throttle_id = session.get(_SESSION_ID)
    if not throttle_id:
        throttle_id = secrets.token_hex(16)
        session[_SESSION_ID] = throttle_id
    digest = hashlib.sha256(throttle_id.encode()).hexdigest()
    return f"ombuds:throttle:session:{digest}"


def _global_key(now: float) -> str:
    return f"ombuds:throttle:global:{int(now // 60)}"


def wait_after(failures: int) -> int:
    """Seconds to wait after the last failure, when there have been `failures`."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))


def attempt_allowed(session: Any) -> Verdict:
    """May this session's next attempt be checked now?"""
    now = clock()
    if cache.get(_global_key(now), 0) >= GLOBAL_LIMIT:
        return Verdict(allowed=False, busy=True)
    failures, last = cache.get(_session_key(session), (0, 0.0))
    remaining = last + wait_after(failures) - now
    if remaining > 0:
        return Verdict(allowed=False, wait_seconds=max(1, math.ceil(remaining)))
    return Verdict(allowed=True)


def record_failure(session: Any) -> Verdict:
    """Count a failed attempt; the verdict says how long before the next one."""
    now = clock()
    global_key = _global_key(now)
    cache.add(global_key, 0, timeout=120)
    try:
        cache.incr(global_key)
    except ValueError:  # expired between add and incr
        cache.set(global_key, 1, timeout=120)
    key = _session_key(session)
    failures, _ = cache.get(key, (0, 0.0))
    cache.set(key, (failures + 1, now), timeout=_REMEMBER_SECONDS)
    wait = wait_after(failures + 1)
    return Verdict(allowed=wait == 0, wait_seconds=wait)


def record_success(session: Any) -> None:
    """A successful sign-in forgets this session's failures."""
    cache.delete(_session_key(session))
