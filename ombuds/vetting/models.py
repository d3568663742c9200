"""People named in cases, as tokens only; vetting checks and what each reader may open.

No name of a named person is stored anywhere: a case keeps the keyed token of the person
its complainant named (`NamedPerson`), from the escrow's PRF. A check keeps its answer
class and who asked; its stated purpose is sealed to each person who may read it
(`CheckCopy`), as a liaison's notice is.
"""

from __future__ import annotations

import uuid

from django.db import models

from ombuds.cases.models import Case
from ombuds.people.models import Organisation, User


class NamedPerson(models.Model):
    """The person a case's complainant named, as the token of her name in the
    organisation: cases naming the same person share it (an index lookup, never a scan)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="named_people")
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["token"], name="vetting_named_token")]
        constraints = [models.UniqueConstraint(fields=["case", "token"], name="vetting_named_once")]

    def __str__(self) -> str:
        return f"person named in {self.case_id}"


class LinkRequest(models.Model):
    """A case manager of one case asks to see another case naming the same person; the
    oversight officer decides (the events are the record; this row is their read model)."""

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="link_requests")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True)
    approved = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case", "person"], name="vetting_one_request"
            )
        ]

    def __str__(self) -> str:
        return f"access request {self.pk}"


class Permission(models.Model):
    """A liaison the administrator allowed to make vetting checks (read model of the
    `person.vetting_granted` / `person.vetting_withdrawn` events)."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="vetting")
    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"vetting permission of {self.person_id}"


class Policy(models.Model):
    """An organisation's own vetting policy; without a row, the scheme's defaults."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE)
    finding_years = models.PositiveSmallIntegerField(default=5)
    tell_person = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"vetting policy of {self.organisation_id}"


class Check(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    liaison = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(db_index=True)
    answer = models.CharField(max_length=80)  # rules.NO_RECORD or the kinds found
    people_told = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"vetting check {self.id}"


class CheckCopy(models.Model):
    """A check's stated purpose sealed to one reader: the liaison who asked, each
    oversight officer and auditor, and the person checked (`about_reader`)."""

    check_made = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="copies")
    reader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    about_reader = models.BooleanField(default=False)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_made", "reader"], name="vetting_copy_each")
        ]

    def __str__(self) -> str:
        return f"copy of {self.check_made_id} for {self.reader_id}"


class Comment(models.Model):
    """A respondent's comment that accompanies any "record" answer about her, sealed to
    herself and to each liaison of her organisation who may make checks."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    written_at = models.DateTimeField()
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "reader"], name="vetting_comment_each")
        ]

    def __str__(self) -> str:
        return f"comment of {self.person_id}"
