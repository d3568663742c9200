"""A link one part of the product offers on a page another part shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    style: str = "secondary"  # "primary", "secondary" or "warning"
    hint: str = ""
