"""The escrow's OPRF key holder: the one place that loads the key and evaluates with it.

Callers blind an identifier and hand over only the blinded element, as they would to a
separate key service; today the key holder runs in-process, reading its key from a file
outside the database (OMBUDS_ESCROW_KEY_FILE).
"""

from __future__ import annotations

from typing import Any

from ombuds import vault
from ombuds.keys import ESCROW_KEY
from ombuds.record import grants


def escrow_key() -> bytes:
    """The escrow's OPRF key (a ristretto255 scalar), made once with the instance's other
    keys by `ombuds migrate` or `ombuds keys` (ombuds/keys.py), never on a request."""
    return ESCROW_KEY.read()


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


def share_holder(counsellor: Any) -> str:
    """Whose copy of a share a sealed share is: the counsellor and the key print of the
    public key it was sealed to, so a copy sealed to a key she no longer has is known."""
    return f"{counsellor.pseudonym}/{grants.keyprint(bytes(counsellor.public_key))}"
