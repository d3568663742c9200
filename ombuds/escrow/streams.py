"""The escrow's streams in the ledger. Its kinds of event are rows of the registry
(`ombuds/record/events/scheme.py`, the `ESCROW_*` rows)."""

from __future__ import annotations

from ombuds.record.spec import Stream


def entry_stream(entry_id: object) -> str:
    """One entry's events: added, contacted, decided, withdrawn."""
    return f"{Stream.ESCROW.value}/{entry_id}"


def match_stream(match_id: object) -> str:
    """One match's events: found, joined, read."""
    return f"{Stream.ESCROW.value}/match/{match_id}"
