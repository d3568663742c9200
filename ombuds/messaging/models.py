"""Metadata of evidence files and of who has seen which message. No content here: a file
is stored encrypted on disk (`OMBUDS_BLOB_DIR/<case id>/<uuid>`), its name and
description only in the encrypted body of the event that refers to it."""

import uuid

from django.db import models

from ombuds.cases.models import Case


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    uploader = models.CharField(max_length=32)  # the sender's pseudonym
    key_purpose = models.CharField(max_length=16)  # which of the case's keys opens it
    media_type = models.CharField(max_length=40)  # from the content, not the name
    size = models.PositiveIntegerField()  # bytes of the stored (stripped) copy, before sealing
    sha256 = models.CharField(max_length=64)  # of the ciphertext on disk
    path = models.CharField(max_length=120)  # relative to OMBUDS_BLOB_DIR
    original_kept = models.BooleanField(default=False)  # the unstripped file is kept too
    original_size = models.PositiveIntegerField(null=True, blank=True)
    original_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"attachment {self.id} of {self.case_id}"

    @property
    def original_path(self) -> str:
        return f"{self.path}.original"


class ThreadMark(models.Model):
    """The last message of a thread a reader has seen, to count new ones. A read model:
    a version number, no time and no content."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="thread_marks")
    reader = models.CharField(max_length=32)  # pseudonym
    thread = models.CharField(max_length=40)
    seen_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reader", "thread"], name="one_thread_mark")
        ]

    def __str__(self) -> str:
        return f"{self.reader} saw {self.thread} to {self.seen_version}"
