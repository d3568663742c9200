"""Aggregate figures for the auditor: counts only, small numbers suppressed.

`suppress` is pure (no database): the rule, tested on its own. The selectors count cases
by one attribute at a time; they never load a reference, a name or any content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count

from ombuds.cases.models import Case
from ombuds.people.models import Organisation
from ombuds.record.stages import Stage

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are never shown exactly
FEWER = f"fewer than {THRESHOLD}"
HIDDEN = "not shown"  # a second cell hidden so the first cannot be worked out from the total


def shown(count: int) -> str:
    """One count as it may be published: 0, or at least THRESHOLD, or "fewer than 5"."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    return FEWER if 0 < count < THRESHOLD else str(count)


def suppress(counts: Mapping[str, int]) -> dict[str, str]:
    """A table of counts whose total may be known (it is also the sum of the other table).

    Primary suppression hides every count from 1 to 4. If exactly one count is hidden,
    anyone who knows the total could subtract the others to find it, so the smallest other
    non-zero count is hidden too (secondary suppression).
    """
    table = {key: shown(count) for key, count in counts.items()}
    hidden = [key for key, value in table.items() if value == FEWER]
    if len(hidden) == 1:
        others = sorted(
            (count, key) for key, count in counts.items() if key not in hidden and count > 0
        )
        if others:
            table[others[0][1]] = HIDDEN
    return table


def total_shown(counts: Mapping[str, int]) -> str:
    return shown(sum(counts.values()))


@dataclass(frozen=True)
class CaseFigures:
    total: str
    by_stage: list[tuple[str, str]]
    by_organisation: list[tuple[str, str]]


def case_figures() -> CaseFigures:
    """Cases per stage and per organisation, suppressed; every stage and organisation is
    listed, so that an absent row does not give anything away either."""
    per_stage = dict(
        Case.objects.values_list("stage").annotate(n=Count("*")).values_list("stage", "n")
    )
    stages = {stage.value: per_stage.get(stage.value, 0) for stage in Stage}
    # Counted on the case table's own organisation index, then named: a join grouped by
    # every organisation column took 150 ms at 100,000 cases.
    per_org = dict(
        Case.objects.values_list("organisation_id")
        .annotate(n=Count("*"))
        .values_list("organisation_id", "n")
    )
    organisations = list(Organisation.objects.order_by("name", "slug"))
    names = {org.slug: org.name for org in organisations}
    by_stage = suppress(stages)
    by_org = suppress({org.slug: per_org.get(org.id, 0) for org in organisations})
    return CaseFigures(
        total=total_shown(stages),
        by_stage=[(stage.replace("_", " ").capitalize(), by_stage[stage]) for stage in stages],
        by_organisation=[(names[slug], value) for slug, value in by_org.items()],
    )
