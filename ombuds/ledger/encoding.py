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


def encode_fields(
    seq: int,
    stream: str,
    stream_version: int,
    event_type: str,
    schema_version: int,
    recorded_at: str,
    actor_id: str,
    actor_role: str,
    metadata: str,
    body: bytes,
    prev_hash: str,
) -> bytes:
    """The canonical bytes of an event from its fields, in the stored order."""
    parts = [ENCODING_TAG]
    for field in (
        str(seq).encode(),
        stream.encode(),
        str(stream_version).encode(),
        event_type.encode(),
        str(schema_version).encode(),
        recorded_at.encode(),
        actor_id.encode(),
        actor_role.encode(),
        metadata.encode(),
        body,
        prev_hash.encode(),
    ):
        parts.append(_LEN.pack(len(field)))
        parts.append(field)
    return b"".join(parts)


def encode_event(record: EventRecord) -> bytes:
    """The canonical bytes of an event: the Merkle leaf data."""
    return encode_fields(
        record.seq,
        record.stream,
        record.stream_version,
        record.type,
        record.schema_version,
        record.recorded_at,
        record.actor_id,
        record.actor_role,
        record.metadata,
        record.body,
        record.prev_hash,
    )


def fields_hash(encoded: bytes) -> str:
    """Hex RFC 6962 leaf hash of encoded event bytes."""
    return hashlib.sha256(b"\x00" + encoded).hexdigest()


def event_hash(record: EventRecord) -> str:
    """Hex RFC 6962 leaf hash of the encoded event; chains and the tree both use it."""
    return fields_hash(encode_event(record))


def format_time(moment: datetime) -> str:
    """UTC time with microseconds, in the one spelling that is hashed."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Inverse of format_time."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
