"""Where in a long list a page starts, read from its query string.

A page number or a position is a whole number of ASCII digits, few enough for the database
to take; anything else is a page that does not exist (404), never a server error.
"""

from __future__ import annotations

from django.http import HttpRequest

from ombuds.lib.errors import NotFound

_PAGE_DIGITS = 9  # a billion pages of 25 is more than any list here will hold
_POSITION_DIGITS = 18  # under 2**63: a ledger position the database can compare


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page asked for, counting from 1 (1 when none is asked for)."""
    raw = request.GET.get(name, "1")
    if not _digits(raw, _PAGE_DIGITS) or int(raw) < 1:
        raise NotFound("No such page.")
    return int(raw)


def position(request: HttpRequest, name: str) -> int | None:
    """A position in the record to page from (None when none is asked for)."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not _digits(raw, _POSITION_DIGITS):
        raise NotFound("No such page.")
    return int(raw)


def _digits(raw: str, most: int) -> bool:
    # str.isdigit alone takes "²", which int() refuses.
    return raw.isascii() and raw.isdigit() and len(raw) <= most
