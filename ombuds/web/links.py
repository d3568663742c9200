"""Links each part of the product offers on shared pages, without editing those pages.

A provider is a function in its own app's `links.py`:
  case_links(case, state, person) -> list[Link]          (the handler's case page)
  complainant_links(participant, state) -> list[Link]    (the complainant's status page)
  respondent_links(participant, state) -> list[Link]     (the respondent's status page)
Each returns only links its reader may follow now; the pages behind them check again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

PROVIDERS = (
    "ombuds.cases.links",
    "ombuds.messaging.links",
    "ombuds.respondents.links",
    "ombuds.investigation.links",
    "ombuds.decisions.links",
    "ombuds.deadlines.links",
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    style: str = "secondary"  # "primary", "secondary" or "warning"
    hint: str = ""


def _collect(kind: str, *args: Any) -> list[Link]:
    links: list[Link] = []
    for name in PROVIDERS:
        # A broken provider must fail loudly, not vanish from the page: only a provider
        # that offers nothing on this kind of page is skipped.
        provider: Callable[..., list[Link]] | None = getattr(import_module(name), kind, None)
        if provider is not None:
            links.extend(provider(*args))
    return links


def case_links(case: Any, state: Any, person: Any) -> list[Link]:
    return _collect("case_links", case, state, person)


def complainant_links(participant: Any, state: Any) -> list[Link]:
    return _collect("complainant_links", participant, state)


def respondent_links(participant: Any, state: Any) -> list[Link]:
    return _collect("respondent_links", participant, state)
