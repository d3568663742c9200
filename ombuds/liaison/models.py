"""What an organisation is told to implement: interim measures and final sanctions.

Each notice is sealed to each liaison's own key: the organisation learns who and what
to implement, never the allegations, and a stolen database shows neither.
"""

from django.db import models

from ombuds.people.models import Organisation, User


class Notice(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    kind = models.CharField(max_length=40)  # "interim_measure", "sanction", "measure_ended"
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} notice {self.pk}"


class NoticeCopy(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="copies")
    liaison = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    sealed = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "liaison"], name="one_copy_each")]

    def __str__(self) -> str:
        return f"copy of {self.notice_id} for {self.liaison_id}"
