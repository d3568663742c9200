"""The one typed append: every event goes to the ledger through its registry row.

The row's schema is checked (missing, unknown or mistyped metadata is refused), the
actor's role must be one the row allows, and the schema version is the row's.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ombuds import vault
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import Append, append_event, append_events
from ombuds.ledger.signing import signing_identity
from ombuds.lib.errors import NotPermitted
from ombuds.record import grants
from ombuds.record.spec import EventSpec, MalformedEvent, check_metadata


def sign_grant(stream: str, event_type: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata of a grant of access, with a fresh nonce and the instance's signature."""
    signed = {**metadata, grants.NONCE: secrets.token_hex(16)}
    signed.pop(grants.SIGNATURE, None)
    message = grants.grant_message(stream, event_type, signed)
    return {**signed, grants.SIGNATURE: vault.sign(signing_identity().seed, message).hex()}


def grant_is_signed(stream: str, event_type: str, metadata: Mapping[str, Any]) -> bool:
    """Whether a grant carries a good signature by this instance's key."""
    signature = metadata.get(grants.SIGNATURE)
    if not isinstance(signature, str) or grants.NONCE not in metadata:
        return False
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return False
    message = grants.grant_message(stream, event_type, metadata)
    return _verified(signing_identity().public_key, message, raw)


@lru_cache(maxsize=8192)
def _verified(public_key: bytes, message: bytes, signature: bytes) -> bool:
    # Keyed by the exact bytes checked, so an altered row is checked afresh; every
    # allocation re-reads the same grants, and an Ed25519 check is ~50 µs apiece.
    return vault.verify_signature(public_key, message, signature)


def event_append(
    spec: EventSpec,
    *,
    stream: str,
    actor: Actor,
    metadata: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    key: bytes | None = None,
    expected_version: int | None = None,
    tip: tuple[int, str] | None = None,
) -> Event:
    """Append one event of the kind `spec` declares, inside the caller's transaction
    (`tip`: the stream's last version and hash, when the caller has just folded it)."""
    if not stream.startswith(f"{spec.stream.value}/") and stream != spec.stream.value:
        raise MalformedEvent(f"{spec.type} belongs in a {spec.stream.value} stream")
    if spec.roles and actor.role not in spec.roles:
        raise NotPermitted("Your role does not allow this.")
    if content is not None and not spec.keys:
        raise MalformedEvent(f"{spec.type} carries no content")
    metadata = dict(metadata or {})
    if spec.grants_access:
        metadata = sign_grant(stream, spec.type, metadata)
    check_metadata(spec, metadata)
    return append_event(
        stream=stream,
        event_type=spec.type,
        actor=actor,
        metadata=metadata,
        content=content,
        case_key=key,
        expected_version=expected_version,
        schema_version=spec.version,
        tip=tip,
    )


def events_append(
    spec: EventSpec, *, actor: Actor, batch: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Event]:
    """Append one event of the kind `spec` declares to each (stream, metadata) of `batch`,
    in order, inside the caller's transaction: the same checks as `event_append`, each
    after its stream's last event, with one write of the ledger head for them all. For
    events without content or grants that the system records on many cases at once."""
    if spec.grants_access:
        raise MalformedEvent(f"{spec.type} is a grant: append it with event_append")
    if spec.roles and actor.role not in spec.roles:
        raise NotPermitted("Your role does not allow this.")
    appends = []
    for stream, metadata in batch:
        if not stream.startswith(f"{spec.stream.value}/") and stream != spec.stream.value:
            raise MalformedEvent(f"{spec.type} belongs in a {spec.stream.value} stream")
        check_metadata(spec, dict(metadata))
        appends.append(Append(stream, spec.type, actor, dict(metadata), spec.version))
    return append_events(appends)
