"""What a signed grant of access covers (plain Python, no Django).

An event that grants access (an allocation, a respondent's invitation or joining, a
person's creation, a change of her role or a reset of her key pair) carries an Ed25519
signature, by the instance's signing key kept outside the database, over its stream, its
type and every other metadata field, including a random nonce. A database administrator
can write rows but cannot sign: keys are sealed only to people such a signature proves,
and `ombuds verify` names any grant whose signature is missing or wrong, or that was
copied (a nonce seen twice).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from ombuds.lib.canonical import canonical_json

SIGNATURE = "grant"  # the metadata field holding the signature (hex)
NONCE = "nonce"  # a random value, so that every grant is signed once and only once
KEYPRINT = "keyprint"  # on person.created and person.password_reset: her public key


def grant_message(stream: str, event_type: str, metadata: Mapping[str, Any]) -> bytes:
    """The exact bytes a grant's signature covers: everything but the signature."""
    signed = {k: v for k, v in metadata.items() if k != SIGNATURE}
    return canonical_json({"stream": stream, "type": event_type, "metadata": signed}).encode()


def keyprint(public_key: bytes) -> str:
    """A short fingerprint of a public key, for the signed record of who holds which key."""
    return hashlib.sha256(public_key).hexdigest()[:32]
