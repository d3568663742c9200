"""The assessment's vocabulary, once: what a case manager records of scope and risk, and
the words everyone reads for each code (plain Python, no Django)."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "in_scope": "Within the scheme's scope",
    "out_of_scope": "Outside the scheme's scope",
    "unclear": "Not clear yet",
}
RISKS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}
