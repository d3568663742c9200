"""Sealed escrow entries and their match tokens. Nothing here is readable: no
identifier of a named person, no words of the person who wrote the entry.

An entry's words are the body of its `escrow.entry_added` event, encrypted with a
random record key. The record key is stored twice: sealed to the author's own public
key, and, for each identifier, encrypted under that identifier's match key, which only
`threshold` distinct authors' shares reconstruct (`ombuds.vault.escrow_shares`).
"""

from __future__ import annotations

import uuid

from django.db import models


class Entry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.CharField(max_length=64, db_index=True)  # keyed pseudonymous token
    threshold = models.PositiveSmallIntegerField()
    sealed_for_author = models.BinaryField()  # the record key, sealed to her public key
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"escrow entry {self.id}"


class Mark(models.Model):
    """One identifier of one entry: its PRF-derived token, the author's share of the
    match key sealed to each matching counsellor, and the record key under the match key."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="marks")
    token = models.CharField(max_length=64)
    author = models.CharField(max_length=64)  # the entry's, so one index answers "who else"
    threshold = models.PositiveSmallIntegerField()
    # canonical JSON {"<counsellor pseudonym>/<key print>": hex}; older rows: {pseudonym: hex}
    sealed_shares = models.TextField()
    wrapped_record_key = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["token", "threshold", "author"], name="escrow_mark_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "token"], name="escrow_one_mark_each")
        ]

    def __str__(self) -> str:
        return f"mark {self.pk} of {self.entry_id}"


class Match(models.Model):
    """A token named by at least `threshold` distinct people: the counsellor's list."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.CharField(max_length=64, unique=True)
    threshold = models.PositiveSmallIntegerField()
    people = models.PositiveIntegerField()  # distinct authors at the last count
    found_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"escrow match {self.id}"


class Contact(models.Model):
    """The counsellor's contact with one person of a match, and what she decided."""

    GO_ON = "go_on"
    NOT_NOW = "not_now"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="contacts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="contacts")
    contacted_at = models.DateTimeField()
    decision = models.CharField(max_length=16, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "entry"], name="escrow_one_contact_each")
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"
