"""What `ombuds verify` checks about the grants of access in the log: each one after the
first signed grant carries this instance's signature, and none is a copy of another.

A full run checks every grant; an incremental run only those appended since the last
verified run, and their nonces against the earlier grants of the same streams (a
signature covers its stream, so a copy that passes can only sit in the same stream).

A grant's own signature is not checked where the record already proves who appended it.
Since signed heads began (the first checkpoint signed with a link to the one before:
both came in one release), every append checks the signature of the head it builds on
before it signs the head it leaves, and every append goes through `record.services`,
which signs each grant it writes. So when a full run finds the ledger without a single
problem (every hash, link, root and signature good, the head's too, over every event),
each event from that checkpoint on was appended by a process holding the signing key,
and each grant among them was signed by it. Only the grants before it are checked one
by one then; when the ledger has any problem, every grant is, so that a forged one is
named. At one grant for every five events, checking each (about 45 µs) cost a full run
more than all the events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection

from ombuds.ledger.checkpoint_checks import signatures_valid
from ombuds.ledger.signing import signing_identity
from ombuds.ledger.verify import VerifyReport
from ombuds.lib.errors import InvalidInput
from ombuds.people.signed_record import GRANT_TYPES, signing_began
from ombuds.record import grants

_BATCH = 5000
_STREAMS_A_QUERY = 400
# A grant as read: (seq, stream, type, metadata as text, or None when not UTF-8)
GrantRow = tuple[int, str, str, str | None]


def verify_grants(report: VerifyReport) -> list[str]:
    """What `ombuds verify` reports about grants after the ledger's own run (`report`):
    from where that run began; vouched for from the first signed head on when it was a
    full run that found no problem (see above)."""
    vouched = report.signed_heads_from if report.ok and not report.from_size else None
    return grant_problems(report.from_size, vouched_from=vouched)


def grant_problems(since: int = 0, *, vouched_from: int | None = None) -> list[str]:
    """Every grant of access at position `since` or later that this instance did not sign,
    or that repeats an earlier grant (its nonce seen before), each naming the event.
    `since` 0 checks the whole log; an incremental run gives the size the last verified
    run ended at. The signatures of grants at `vouched_from` or later are not checked:
    only a full run that found the ledger good may say so (`verify_grants`)."""
    rows = list(_grant_rows(since))
    began = signing_began() if rows else None
    nonces = _earlier_nonces({row[1] for row in rows}, since) if since else set()
    public_key = signing_identity().public_key.hex()
    # (seq, type, nonce, signed, its signature to check) in order; checked all at once
    read: list[tuple[int, str, Any, bool, bool]] = []
    items: list[tuple[str, bytes, str]] = []
    for seq, stream, event_type, text in rows:
        metadata = _object(text)
        if metadata is None:
            continue  # an unreadable event is reported by the ledger's own walk
        signed = grants.SIGNATURE in metadata
        check = signed and (vouched_from is None or seq < vouched_from)
        read.append((seq, event_type, metadata.get(grants.NONCE), signed, check))
        if check:
            try:
                message = grants.grant_message(stream, event_type, metadata)
            except InvalidInput:  # a float or the like: nothing this instance ever signed
                message = b""
            signature = metadata[grants.SIGNATURE]
            items.append((public_key, message, signature if isinstance(signature, str) else ""))
    goods = iter(signatures_valid(items))
    problems = []
    for seq, event_type, nonce, signed, check in read:
        if not signed:
            if began is not None and seq > began:
                problems.append(f"event {seq} ({event_type}) grants access unsigned")
        elif check and not next(goods):
            problems.append(f"event {seq} ({event_type}) has a forged grant signature")
        elif isinstance(nonce, str) and nonce in nonces:
            problems.append(f"event {seq} ({event_type}) repeats an earlier grant")
        if isinstance(nonce, str):
            nonces.add(nonce)
    return problems


def _object(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    try:
        return bytes(value).decode()
    except (UnicodeDecodeError, TypeError):
        return None


def _select(where: str) -> str:
    # On SQLite metadata is read as bytes: the driver refuses invalid UTF-8 and would
    # abort the whole fetch, where verify must go on and the walk names the event.
    metadata = "CAST(metadata AS BLOB)" if connection.vendor == "sqlite" else "metadata"
    types = ", ".join(["%s"] * len(GRANT_TYPES))
    return (
        f"SELECT seq, stream, type, {metadata} FROM ledger_event"  # noqa: S608
        f" WHERE type IN ({types}) AND {where} ORDER BY seq"
    )


def _grant_rows(since: int) -> Iterator[GrantRow]:
    with connection.cursor() as cursor:
        cursor.execute(_select("seq >= %s"), [*GRANT_TYPES, since])
        while batch := cursor.fetchmany(_BATCH):
            for seq, stream, event_type, metadata in batch:
                yield seq, str(stream), str(event_type), _text(metadata)


def _earlier_nonces(streams: set[str], since: int) -> set[str]:
    """The nonces of the grants before `since` in these streams."""
    nonces: set[str] = set()
    ordered: Sequence[str] = sorted(streams)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), _STREAMS_A_QUERY):
            chunk = ordered[start : start + _STREAMS_A_QUERY]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                _select(f"seq < %s AND stream IN ({marks})"), [*GRANT_TYPES, since, *chunk]
            )
            for _seq, _stream, _type, metadata in cursor.fetchall():
                found = _object(_text(metadata))
                nonce = None if found is None else found.get(grants.NONCE)
                if isinstance(nonce, str):
                    nonces.add(nonce)
    return nonces
