"""Reads of the escrow, each filtered to what its reader may open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ombuds import vault
from ombuds.escrow.entries import entry_account, entry_messages
from ombuds.escrow.keyholder import author_token
from ombuds.escrow.models import Contact, Entry, Match
from ombuds.people.session import ComplainantAccess


@dataclass(frozen=True)
class OwnEntry:
    entry: Entry
    account: str
    identifiers: list[str]
    messages: list[tuple[datetime, str]] = field(default_factory=list)
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
