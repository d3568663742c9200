"""Read models of cases: metadata only (stage, dates, assignments), rebuilt from events.

Case content lives only in the ledger's encrypted event bodies.
"""

from django.db import models

from ombuds.people.models import Organisation, User


class Case(models.Model):
    id = models.UUIDField(primary_key=True)
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    anonymous = models.BooleanField()
    stage = models.CharField(max_length=32)
    received_at = models.DateTimeField()
    stage_entered_at = models.DateTimeField()
    deadline_name = models.CharField(max_length=40, blank=True)
    deadline_at = models.DateTimeField(null=True)
    version = models.PositiveIntegerField()  # the case stream's version: optimistic locking

    class Meta:
        # The auditor's counts by stage group on it (a full scan without it).
        indexes = [models.Index(fields=["stage"], name="case_stage")]

    def __str__(self) -> str:
        return self.reference


class Assignment(models.Model):
    """Who is assigned to a case, in which role (parties included)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="one_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.role} on {self.case_id}"


class CaseKey(models.Model):
    """A case key sealed to one holder's public key. Unassigning deletes the wraps.

    Two keys per case: "case" opens everything; "respondent" opens only what is disclosed
    to or exchanged with the respondent, so her key never opens the complainant's account.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keys")
    holder = models.CharField(max_length=80)  # "person:<pseudonym>" or "receipt:<lookup>"
    purpose = models.CharField(max_length=16, default="case")
    sealed_key = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "holder", "purpose"], name="one_wrap")
        ]

    def __str__(self) -> str:
        return f"key of {self.case_id} for {self.holder}"


class CaseCourse(models.Model):
    """What the statistics count of one case (`cases/course.py`): codes, dates and hours,
    never content, a name or a reference. Written with the other read models from the
    folded state; the statistics group these rows, they never fold events."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    quarter = models.PositiveIntegerField()  # received in: 2025 Q3 is 20253
    stage = models.CharField(max_length=32)
    route = models.CharField(max_length=32)
    outcome = models.CharField(max_length=32)
    sanctions = models.CharField(max_length=200, blank=True)  # codes, space-separated
    upheld = models.BooleanField(null=True)  # the decision in force upheld an allegation
    appeal = models.CharField(max_length=16)
    appellant = models.CharField(max_length=16, blank=True)
    deadline_missed = models.BooleanField()
    first_contact_hours = models.PositiveIntegerField(null=True)
    close_hours = models.PositiveIntegerField(null=True)
    # Hours spent in each stage the case has left (null: never in it, or still in it).
    received_hours = models.PositiveIntegerField(null=True)
    acknowledged_hours = models.PositiveIntegerField(null=True)
    assessed_hours = models.PositiveIntegerField(null=True)
    informal_resolution_hours = models.PositiveIntegerField(null=True)
    investigation_hours = models.PositiveIntegerField(null=True)
    findings_hours = models.PositiveIntegerField(null=True)
    decision_hours = models.PositiveIntegerField(null=True)
    appeal_hours = models.PositiveIntegerField(null=True)
    appeal_decision_hours = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "quarter"], name="course_org_quarter")]

    def __str__(self) -> str:
        return f"course of {self.case_id}"
