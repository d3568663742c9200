"""Redaction of allegations before they are disclosed. Plain Python: no Django.

The investigator marks text she must not disclose between `[redact]` and `[/redact]`;
it is removed from what the respondent reads. A marker without its partner is refused
rather than guessed at: guessing wrong would disclose what was meant to stay hidden.
"""

from __future__ import annotations

import re

from ombuds.lib.errors import InvalidInput

OPEN = "[redact]"
CLOSE = "[/redact]"
MAX_ALLEGATION = 10_000
MAX_ALLEGATIONS = 50

_REDACTED = re.compile(r"\[redact\].*?\[/redact\]", re.IGNORECASE | re.DOTALL)
_MARKER = re.compile(r"\[/?redact\]", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([.,;:!?)])")


def redact(text: str, *, number: int = 1) -> str:
    """The allegation as the respondent will read it: marked passages removed, the gaps
    they leave tidied. InvalidInput (naming allegation `number`) if a marker is unpaired
    or nothing is left."""
    removed = _REDACTED.sub(" ", text)
    if _MARKER.search(removed):
        raise InvalidInput(
            f"Allegation {number} has a {OPEN} without a matching {CLOSE}, or the other way "
            "round. Pair every marker so nothing is disclosed by mistake."
        )
    lines = (
        _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", line)).strip()
        for line in removed.splitlines()
    )
    tidied = "\n".join(lines).strip()
    if not tidied:
        raise InvalidInput(
            f"Allegation {number} has nothing left once the redacted text is removed."
        )
    return tidied


def redact_all(texts: list[str]) -> list[str]:
    """Every non-blank allegation, redacted and numbered by position among the non-blank.

    InvalidInput if there is none, too many, one too long, or one that does not redact.
    """
    given = [text for text in texts if text.strip()]
    if not given:
        raise InvalidInput("Write at least one allegation.")
    if len(given) > MAX_ALLEGATIONS:
        raise InvalidInput(f"Disclose at most {MAX_ALLEGATIONS} allegations at once.")
    for number, text in enumerate(given, start=1):
        if len(text) > MAX_ALLEGATION:
            raise InvalidInput(
                f"Allegation {number} must be {MAX_ALLEGATION:,} characters or fewer."
            )
    return [redact(text, number=number) for number, text in enumerate(given, start=1)]
