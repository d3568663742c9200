"""The escrow's event types, declared once (they move to the event registry later).

Entry events go to the stream `escrow/<entry id>` (their bodies are encrypted with the
entry's record key); match events to `escrow/match/<match id>`. Metadata holds ids and
counts only: never an identifier, a token or anything a person wrote.
"""

ENTRY_ADDED = (
    "escrow.entry_added"  # a person asked to act only if someone else names the same person
)
ENTRY_WITHDRAWN = "escrow.entry_withdrawn"  # she withdrew it; its marks and her key copy are gone
MATCH_FOUND = "escrow.match_found"  # the threshold of distinct people was reached
MATCH_JOINED = "escrow.match_joined"  # one more distinct person named an already matched person
ENTRIES_READ = "escrow.entries_read"  # the matching counsellor opened a match's entries
PERSON_CONTACTED = "escrow.person_contacted"  # the counsellor wrote to one person (sealed)
PERSON_DECIDED = "escrow.person_decided"  # the person chose to go on to a complaint, or not

ALL = (
    ENTRY_ADDED,
    ENTRY_WITHDRAWN,
    MATCH_FOUND,
    MATCH_JOINED,
    ENTRIES_READ,
    PERSON_CONTACTED,
    PERSON_DECIDED,
)


def entry_stream(entry_id: object) -> str:
    return f"escrow/{entry_id}"


def match_stream(match_id: object) -> str:
    return f"escrow/match/{match_id}"
