"""Argon2id cost parameters (plain data, shared by settings and the vault), and the bound
on how many derivations one process runs at once."""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


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
_KDF_SLOTS = threading.BoundedSemaphore(KDF_CONCURRENCY)


@contextmanager
def kdf_slot() -> Iterator[None]:
    """Wait for one of the process's key-derivation slots and hold it for the block."""
    with _KDF_SLOTS:
        yield
