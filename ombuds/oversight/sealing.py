"""The digest that ties a frozen quarter's stored figures to the signed record. Plain Python.

When the sweep freezes a quarter it records `statistics.quarter_frozen` in the ledger with
`quarter_digest` of the rows it stored (`services.statistics_freeze`, one transaction);
every page that publishes the quarter recomputes the digest from the rows it read and
publishes them only if it matches (`tallies.frozen_tallies`, `statistics.year_figures`).
So a database administrator who edits, adds or deletes one count is found out: her rows
no longer give the digest, and the digest itself is an event of the hash-chained, Merkle-
logged, checkpoint-signed ledger, which `ombuds verify` checks.

The encoding is canonical JSON (as `lib/canonical.py` writes it) of the organisation's slug, the
quarter and every row, sorted, so the same rows give the same digest whatever order the
database returns them in, and a duplicated row changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

SCHEME = "ombuds/frozen-quarter/1"  # what is hashed, and how: change it with the encoding
STATISTICS_STREAM = "scheme/statistics"  # where the digests are recorded

CountRow = tuple[str, str, int]  # figure, row code, cases
DaysRow = tuple[str, int, int]  # measure, whole days, cases


def quarter_digest(
    organisation: str, quarter: int, counts: Iterable[CountRow], days: Iterable[DaysRow]
) -> str:
    """SHA-256 (hex) over the canonical encoding of one organisation-quarter's frozen rows."""
    value = {
        "scheme": SCHEME,
        "organisation": str(organisation),
        "quarter": int(quarter),
        "counts": sorted([str(f), str(c), int(n)] for f, c, n in counts),
        "days": sorted([str(m), int(d), int(n)] for m, d, n in days),
    }
    # Exactly `canonical_json(value)`, without its walk over every element checking its
    # type (a year's page hashes a few thousand rows): the types are made certain above.
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
