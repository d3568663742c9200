"""How one event is encoded for hashing. Pure Python: verify needs no Django.

The encoding is length-prefixed so that no two different events share bytes; the
ciphertext of the body is hashed, never the plaintext.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

ENCODING_TAG = b"ombuds.event.v1"
GENESIS_HASH = "0" * 64
_LEN = struct.Struct(">I")


@dataclass(frozen=True)
class EventRecord:
    """The stored fields of one event, exactly as they are hashed."""

    seq: int
    stream: str
    stream_version: int
    type: str
    schema_version: int
    recorded_at: str
    actor_id: str
    actor_role: str
    metadata: str
    body: bytes
    prev_hash: str


def encode_event(record: EventRecord) -> bytes:
    """The canonical bytes of an event: the Merkle leaf data."""
    fields = (
        str(record.seq).encode(),
        record.stream.encode(),
        str(record.stream_version).encode(),
        record.type.encode(),
        str(record.schema_version).encode(),
        record.recorded_at.encode(),
        record.actor_id.encode(),
        record.actor_role.encode(),
        record.metadata.encode(),
        record.body,
        record.prev_hash.encode(),
    )
    parts = [ENCODING_TAG]
    for field in fields:
        parts.append(_LEN.pack(len(field)))
        parts.append(field)
    return b"".join(parts)


def event_hash(record: EventRecord) -> str:
    """Hex RFC 6962 leaf hash of the encoded event; chains and the tree both use it."""
    return hashlib.sha256(b"\x00" + encode_event(record)).hexdigest()


def format_time(moment: datetime) -> str:
    """UTC time with microseconds, in the one spelling that is hashed."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Inverse of format_time."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
