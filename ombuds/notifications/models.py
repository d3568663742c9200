"""The outbox: notifications waiting to be sent, flushed by the sweep.

A row names a recipient and a kind (a code), never a case: the words sent are fixed per
kind (`notifications/messages.py`), so no case content or reference can reach an e-mail.
A failed send stays in the table with its next attempt time; nothing is ever dropped.
"""

from __future__ import annotations

from django.db import models

from ombuds.people.models import User


class Outbox(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=80, blank=True)  # an exception class, no text
    # A digest's figures (counts only).
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # Collapses repeats: one unsent "update" per person is enough to say "please sign in".
    dedupe = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe"],
                condition=models.Q(sent_at__isnull=True) & ~models.Q(dedupe=""),
                name="one_unsent_per_dedupe",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"


class ContactAddress(models.Model):
    """Where a person's notifications go, sealed under the contact-address key (a file
    outside the database, `keys.CONTACT_KEY`) and bound to her: a copy of the database
    names nobody's address. Only the outbox flush and her own address page open it."""

    person = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="contact_address"
    )
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"contact address of {self.person_id}"
