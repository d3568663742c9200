"""How long a run of failures makes the next attempt wait, and how a token bucket fills.
Plain Python: no Django."""

from __future__ import annotations

FREE_FAILURES = 5  # typing mistakes cost nothing
MAX_WAIT_SECONDS = 15 * 60


def wait_after(failures: int) -> int:
    """Seconds an account waits after its last failure, when there have been `failures`
    in a row: nothing for the first few, then doubling, capped at 15 minutes."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))


def refill(tokens: float, *, elapsed: float, rate: float, burst: float) -> float:
    """Tokens in a bucket `elapsed` seconds later."""
    return min(burst, tokens + max(0.0, elapsed) * rate)
