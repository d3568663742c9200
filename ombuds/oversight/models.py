"""The figures of quarters that have ended, frozen by the sweep (`services.statistics_freeze`).

Counts before suppression, one row per figure and row code (and one per duration and
whole number of days), so a year's page adds up a few thousand rows rather than grouping
every case; and, once frozen, final: an event about a case of a frozen quarter changes
nothing published for it, so no later figure can be set against an earlier one to give
away a hidden count or one person's outcome. Codes and counts only: no content, names,
references or case ids.
"""

from __future__ import annotations

from django.db import models

from ombuds.people.models import Organisation


class FrozenQuarter(models.Model):
    """One organisation's quarter whose figures are final as of `frozen_at`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    quarter = models.PositiveIntegerField()  # 2025 Q3 is 20253, as `cases.CaseCourse`
    frozen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "quarter"], name="quarter_frozen_once")
        ]

    def __str__(self) -> str:
        return f"{self.quarter} of organisation {self.organisation_id}"


class QuarterCount(models.Model):
    """How many of the quarter's cases are in one row of one figure (a sanction row
    counts decisions that imposed it: a tally, not a partition)."""

    frozen = models.ForeignKey(FrozenQuarter, on_delete=models.CASCADE, related_name="counts")
    figure = models.CharField(max_length=32)  # `tallies.PARTITIONS` or `tallies.SANCTIONS`
    code = models.CharField(max_length=64)
    cases = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.figure}/{self.code}: {self.cases}"


class QuarterDays(models.Model):
    """How many of the quarter's cases took this many whole days for one measure (time to
    first contact, in a stage, to close): what the quartiles are taken from."""

    frozen = models.ForeignKey(FrozenQuarter, on_delete=models.CASCADE, related_name="days")
    measure = models.CharField(max_length=32)  # a `cases.CaseCourse` hours column
    days = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.measure}/{self.days}: {self.cases}"


class FiguresCheck(models.Model):
    """The latest check of every frozen quarter against the digest signed into the ledger
    (`services.frozen_figures_check`, run by the sweep), for the auditor's page, which
    must not read every frozen row at each view. The pages that publish figures check
    their own quarters each time and do not rely on this row."""

    checked_at = models.DateTimeField()
    quarters = models.PositiveIntegerField()  # frozen quarters checked
    unchecked = models.JSONField(default=list)  # [{"organisation": slug, "quarter": 20253}]

    def __str__(self) -> str:
        return f"figures checked at {self.checked_at}"
