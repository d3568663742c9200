"""The regions whose public holidays an organisation's calendar follows (no Django).

Each region is a row: its code (stored on the organisation), the words an administrator
reads, and where its holidays come from in the `holidays` package. Adding a region is
adding a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays as holiday_tables

from ombuds.lib.errors import InvalidInput


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    country: str
    subdivision: str | None


ENGLAND_AND_WALES = "england_wales"
# fmt: off
REGIONS: tuple[Region, ...] = (
    Region(ENGLAND_AND_WALES, "England and Wales", "GB", "ENG"),
    Region("scotland", "Scotland", "GB", "SCT"),
    Region("northern_ireland", "Northern Ireland", "GB", "NIR"),
    Region("ireland", "Ireland", "IE", None),
)
# fmt: on
_BY_CODE = {region.code: region for region in REGIONS}
REGION_CHOICES = [(region.code, region.label) for region in REGIONS]


def region_named(code: str) -> Region:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(f"There is no calendar region called {code!r}.") from None


def public_holidays(code: str, years: Iterable[int]) -> frozenset[date]:
    """The public holidays (observed days included) of a region in the given years."""
    region = region_named(code)
    table = holiday_tables.country_holidays(
        region.country, subdiv=region.subdivision, years=list(years)
    )
    return frozenset(table.keys())
