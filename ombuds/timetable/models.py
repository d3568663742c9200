"""The calendar's closure days, service-level overrides and the sweep's watch rows.

Metadata only: dates, codes and pseudonyms. A watch row is a read model of one case's
current deadline as the sweep sees it (reminded, missed, explained, extended).
"""

from __future__ import annotations

from django.db import models

from ombuds.people.models import Organisation


class ClosureDay(models.Model):
    """A day the scheme is closed for an organisation, on top of its public holidays."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="closure_days"
    )
    day = models.DateField()
    label = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="one_closure_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.label}"


class ServiceLevelSetting(models.Model):
    """An organisation's own value for one service level (`service_levels.py`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_levels"
    )
    name = models.CharField(max_length=40)
    value = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_level_setting")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Watch(models.Model):
    """One deadline of one case as the sweep tracks it; claimed by conditional UPDATE."""

    # By label, not by import: cases imports the timetable, so the timetable cannot import it.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="watches")
    deadline_name = models.CharField(max_length=40)
    due_at = models.DateTimeField()  # as the lifecycle set it
    effective_due_at = models.DateTimeField()  # after any explained delay or extension
    started_at = models.DateTimeField(null=True)  # a side clock's start (an update asked for)
    responsible_role = models.CharField(max_length=32, blank=True)
    responsible = models.CharField(max_length=200, blank=True)  # pseudonyms, space-separated
    reminded_at = models.DateTimeField(null=True)
    escalated_at = models.DateTimeField(null=True)
    misses = models.PositiveIntegerField(default=0)
    blocked = models.BooleanField(default=False)  # a reason and new date are owed
    reason = models.CharField(max_length=40, blank=True)  # the last reason code given
    awaiting_approval = models.BooleanField(default=False)
    requested_due_at = models.DateTimeField(null=True)  # an extension waiting for approval
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline_name", "due_at"], name="one_watch_a_deadline"
            )
        ]
        indexes = [
            models.Index(fields=["effective_due_at"], name="watch_due"),
            models.Index(fields=["escalated_at", "effective_due_at"], name="watch_escalated"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_name} of {self.case_id}"
