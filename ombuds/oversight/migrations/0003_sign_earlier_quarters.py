"""Sign the digest of every quarter frozen before freezes were signed: once, now.

Since this change the sweep freezes a quarter and records its digest
(`statistics.quarter_frozen`) in one transaction. Quarters frozen before it have no event,
and their stored figures can only be taken on trust as they stand today: this migration
records each one's digest, marked `late`, so that from now on an edit shows.

Why a migration and not the next sweep: a migration runs exactly once per database, at
the upgrade, so what is taken on trust is fixed at a known moment: the quarters frozen by
earlier code. A sweep that signed "any frozen quarter without a digest" would do so
forever: a database administrator could delete a quarter's rows and insert her own (or
insert a quarter just ended before the sweep reached it), and the next sweep would sign
her figures. After this migration a frozen quarter without a signed digest is simply
withheld from publication and listed on the auditor's page. (On a new database, or one
with nothing frozen, there is nothing to sign and it does nothing.)

It appends through the live registry and ledger code (`record.services.event_append`, the
one path into the ledger), inside the migration's transaction, and returns at once when
nothing is frozen: so a database created after this release never runs that code here.
Stop the sweep workers while upgrading, so that old code does not freeze a quarter
without its digest after this has run (such a quarter would be withheld).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations


def sign_earlier_quarters(apps: Any, schema_editor: Any) -> None:
    FrozenQuarter = apps.get_model("oversight", "FrozenQuarter")
    if not FrozenQuarter.objects.exists():
        return
    from ombuds.ledger.actor import SYSTEM
    from ombuds.oversight.sealing import STATISTICS_STREAM, quarter_digest
    from ombuds.record.events.scheme import QUARTER_FROZEN
    from ombuds.record.services import event_append

    Event = apps.get_model("ledger", "Event")
    QuarterCount = apps.get_model("oversight", "QuarterCount")
    QuarterDays = apps.get_model("oversight", "QuarterDays")
    signed = set()
    for text in Event.objects.filter(
        stream=STATISTICS_STREAM, type=QUARTER_FROZEN.type
    ).values_list("metadata", flat=True):
        meta = json.loads(text)
        signed.add((meta["organisation"], meta["quarter"]))
    quarters = FrozenQuarter.objects.select_related("organisation").order_by(
        "organisation__slug", "quarter"
    )
    for frozen in quarters:
        slug = frozen.organisation.slug
        if (slug, frozen.quarter) in signed:
            continue
        counts = QuarterCount.objects.filter(frozen=frozen).values_list("figure", "code", "cases")
        days = QuarterDays.objects.filter(frozen=frozen).values_list("measure", "days", "cases")
        event_append(
            QUARTER_FROZEN,
            stream=STATISTICS_STREAM,
            actor=SYSTEM,
            metadata={
                "organisation": slug,
                "quarter": frozen.quarter,
                "digest": quarter_digest(slug, frozen.quarter, counts, days),
                "late": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0002_figures_check"),
        ("ledger", "0003_tree_nodes_notes_verifications"),
    ]

    operations = [migrations.RunPython(sign_earlier_quarters, migrations.RunPython.noop)]
