"""Reads of the escrow, each filtered to what its reader may open."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ombuds import vault
from ombuds.escrow import events
from ombuds.escrow.keyholder import author_token
from ombuds.escrow.models import Contact, Entry, Match
from ombuds.intake.services import ComplainantAccess
from ombuds.ledger.models import Event
from ombuds.ledger.services import body_binding


def entry_events(entry_id: object, event_type: str) -> list[Event]:
    return list(
        Event.objects.filter(stream=events.entry_stream(entry_id), type=event_type).order_by(
            "stream_version"
        )
    )


def open_entry_event(event: Event, record_key: bytes) -> dict[str, Any]:
    """One entry event's content, with the entry's record key (DecryptionFailed otherwise)."""
    binding = body_binding(event.stream, event.stream_version, event.type)
    return dict(
        json.loads(vault.decrypt_case_content(record_key, bytes(event.body), bound_to=binding))
    )


def entry_account(entry_id: object, record_key: bytes) -> dict[str, Any]:
    """What the person wrote, and the identifiers she gave (in canonical form)."""
    (added,) = entry_events(entry_id, events.ENTRY_ADDED)
    return open_entry_event(added, record_key)


def entry_messages(entry_id: object, record_key: bytes) -> list[tuple[str, str]]:
    """The counsellor's messages to the entry's author: (when, text)."""
    return [
        (event.recorded_at, str(open_entry_event(event, record_key)["message"]))
        for event in entry_events(entry_id, events.PERSON_CONTACTED)
    ]


@dataclass(frozen=True)
class OwnEntry:
    entry: Entry
    account: str
    identifiers: list[str]
    messages: list[tuple[str, str]] = field(default_factory=list)
    awaiting_decision: bool = False
    decision: str = ""


def own_entries(access: ComplainantAccess) -> list[OwnEntry]:
    """Her own entries, newest first, opened with her own key (withdrawn ones without words)."""
    result = []
    entries = Entry.objects.filter(author=author_token(access.holder)).order_by("-created_at")
    for entry in entries:
        if entry.withdrawn_at is not None:
            result.append(OwnEntry(entry=entry, account="", identifiers=[]))
            continue
        record_key = vault.open_sealed_for_person(
            bytes(entry.sealed_for_author), private_key=access.private_key
        )
        content = entry_account(entry.id, record_key)
        contacts = list(Contact.objects.filter(entry=entry).order_by("contacted_at"))
        result.append(
            OwnEntry(
                entry=entry,
                account=str(content["account"]),
                identifiers=[str(i) for i in content["identifiers"]],
                messages=entry_messages(entry.id, record_key),
                awaiting_decision=any(c.decided_at is None for c in contacts),
                decision=next((c.decision for c in reversed(contacts) if c.decision), ""),
            )
        )
    return result


@dataclass(frozen=True)
class MatchRow:
    match: Match
    contacted: int
    decided: int


def match_list() -> list[MatchRow]:
    """Every match, newest first, with no entry opened: the counsellor's list."""
    rows = []
    for match in Match.objects.order_by("-found_at"):
        contacts = Contact.objects.filter(match=match)
        rows.append(
            MatchRow(
                match=match,
                contacted=contacts.count(),
                decided=contacts.exclude(decided_at=None).count(),
            )
        )
    return rows


@dataclass(frozen=True)
class OpenedEntry:
    entry: Entry
    written_at: datetime
    account: str
    identifiers: list[str]
    contacted_at: datetime | None
    decision: str
