"""The escrow's OPRF key holder: the one place that loads the key and evaluates with it.

Callers blind an identifier and hand over only the blinded element, as they would to a
separate key service; today the key holder runs in-process, reading its key from a file
outside the database (OMBUDS_ESCROW_KEY_FILE).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from ombuds import vault
from ombuds.lib.keyfiles import instance_secret


def escrow_key() -> bytes:
    """The escrow's OPRF key (a ristretto255 scalar), made on an instance's first use."""
    return instance_secret(Path(settings.OMBUDS_ESCROW_KEY_FILE), vault.new_oprf_key)


def evaluate_blinded(blinded_element: bytes) -> bytes:
    """The key holder's step: it sees a blinded element, never the identifier."""
    return vault.oprf_evaluate(escrow_key(), blinded_element)


def prf_output(canonical: str) -> bytes:
    """The PRF output of one canonical identifier, through the oblivious exchange."""
    message = canonical.encode()
    blind, blinded = vault.oprf_blind(message)
    return vault.oprf_finalize(message, blind, evaluate_blinded(blinded))


def author_token(holder: str) -> str:
    """A complainant's pseudonymous token in the escrow (one per complainant, so one
    person naming the same person twice counts once); not her case pseudonym."""
    return vault.complainant_token(escrow_key(), holder)
