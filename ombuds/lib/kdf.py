"""Argon2id cost parameters. Plain data, shared by settings and the vault."""

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
