"""Read model of interim measures: metadata only (number, kind code, dates, status).

The reason, the description and the respondent's name live only in encrypted event
bodies. Rewritten from the case's events by every measure command (`measures_refresh`),
so the sweep can find measures past their review date without opening any case.
"""

from django.db import models

from ombuds.cases.models import Case
from ombuds.investigation.rules import MEASURE_KINDS, STATUSES


class InterimMeasure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interim_measures")
    number = models.PositiveIntegerField()  # 1, 2, ... within the case
    kind = models.CharField(max_length=40, choices=[(k, w[0]) for k, w in MEASURE_KINDS.items()])
    review_date = models.DateField()
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES])
    proposed_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True)
    reviewed_at = models.DateTimeField(null=True)
    ended_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_measure_number")
        ]
        indexes = [models.Index(fields=["status", "review_date"], name="measure_due")]

    def __str__(self) -> str:
        return f"measure {self.number} on {self.case_id}"
