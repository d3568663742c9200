"""Links each part of the product offers on shared pages, without editing those pages.

A provider is a function in its own app's `links.py`:
  case_links(case, state, person) -> list[Link]          (the handler's case page)
  complainant_links(participant, state) -> list[Link]    (the complainant's status page)
  respondent_links(participant, state) -> list[Link]     (the respondent's status page)
Each returns only links its reader may follow now; the pages behind them check again.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

# Imported by name, not looked up at run time, so the import linter sees every provider.
from ombuds.cases import links as case_providers
from ombuds.checkins import links as checkin_providers
from ombuds.deadlines import links as deadline_providers
from ombuds.decisions import links as decision_providers
from ombuds.escrow import links as escrow_providers
from ombuds.investigation import links as investigation_providers
from ombuds.lib.link import Link
from ombuds.messaging import links as messaging_providers
from ombuds.notifications import links as notification_providers
from ombuds.respondents import links as respondent_providers
from ombuds.testimony import links as testimony_providers
from ombuds.vetting import links as vetting_providers

PROVIDERS: tuple[ModuleType, ...] = (
    case_providers,
    messaging_providers,
    respondent_providers,
    investigation_providers,
    decision_providers,
    deadline_providers,
    escrow_providers,
    checkin_providers,
    testimony_providers,
    vetting_providers,
    notification_providers,
)


def _collect(kind: str, *args: Any) -> list[Link]:
    links: list[Link] = []
    for module in PROVIDERS:
        # Only a provider that offers nothing on this kind of page is skipped.
        provider: Callable[..., list[Link]] | None = getattr(module, kind, None)
        if provider is not None:
            links.extend(provider(*args))
    return links


def case_links(case: Any, state: Any, person: Any) -> list[Link]:
    return _collect("case_links", case, state, person)


def complainant_links(participant: Any, state: Any) -> list[Link]:
    return _collect("complainant_links", participant, state)


def respondent_links(participant: Any, state: Any) -> list[Link]:
    return _collect("respondent_links", participant, state)
