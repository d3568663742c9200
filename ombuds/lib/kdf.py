"""Argon2id cost parameters (plain data, shared by settings and the vault), and the bound
on how many derivations one process runs at once."""

import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class KdfCost:
    """Argon2id passes (opslimit) and memory in bytes (memlimit)."""

    opslimit: int
    memlimit: int


# DESIGN.md: no weaker than 3 passes over 64 MiB.
PRODUCTION_KDF = KdfCost(opslimit=3, memlimit=64 * 1024 * 1024)
# Explicitly insecure; for the test suite and end-to-end test servers only.
TEST_KDF = KdfCost(opslimit=1, memlimit=8 * 1024)


# At most this many Argon2id derivations run at once in one process (OMBUDS_KDF_CONCURRENCY,
# default the number of cores). More would only share the same cores, and starve the
# request that holds the ledger head of the CPU it needs to finish and let go.
def _slots() -> int:
    raw = os.environ.get("OMBUDS_KDF_CONCURRENCY", "")
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return os.cpu_count() or 1


KDF_CONCURRENCY = _slots()
# The derivations run on their own threads at a lower priority (a higher nice value,
# OMBUDS_KDF_NICE, default 10): a request holding the ledger head, or any other short
# request, then gets a core as soon as it needs one instead of queueing behind 200 ms of
# Argon2id. (Linux gives each thread its own nice value.)
KDF_NICE = int(os.environ.get("OMBUDS_KDF_NICE", "10") or 0)

_T = TypeVar("_T")
_cpu_lock = threading.Lock()
_cpu = {"seconds": 0.0, "calls": 0}


def _lower_priority() -> None:
    # Not Linux, or not allowed: the derivations run at the usual priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), KDF_NICE)


_workers = ThreadPoolExecutor(
    max_workers=KDF_CONCURRENCY, thread_name_prefix="ombuds-kdf", initializer=_lower_priority
)


def _timed(derive: Callable[[], _T]) -> _T:
    started = time.thread_time()
    try:
        return derive()
    finally:
        spent = time.thread_time() - started
        with _cpu_lock:
            _cpu["seconds"] += spent
            _cpu["calls"] += 1


def kdf_run(derive: Callable[[], _T]) -> _T:
    """Run one key derivation on the process's low-priority derivation threads (at most
    KDF_CONCURRENCY at once) and wait for its result; its exception, if any, is raised."""
    return _workers.submit(_timed, derive).result()


def kdf_cpu() -> tuple[float, int]:
    """CPU seconds spent in derivations so far in this process, and how many there were."""
    with _cpu_lock:
        return _cpu["seconds"], int(_cpu["calls"])
