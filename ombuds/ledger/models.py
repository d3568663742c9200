"""The append-only event log, its head, and signed checkpoints.

The application never updates or deletes an Event or a Checkpoint (database triggers
refuse it); `ombuds verify` detects anybody who goes around the triggers.
"""

from django.db import models


class Event(models.Model):
    """One thing that happened. Metadata only in the clear; content in `body`, encrypted."""

    seq = models.PositiveBigIntegerField(unique=True)  # leaf index in the Merkle tree
    stream = models.CharField(max_length=80)  # "case/<uuid>" or "scheme"
    stream_version = models.PositiveIntegerField()
    type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField()
    recorded_at = models.CharField(max_length=32)  # hashed exactly as stored
    actor_id = models.CharField(max_length=64)
    actor_role = models.CharField(max_length=32)
    metadata = models.TextField()  # canonical JSON
    body = models.BinaryField(default=b"")  # ciphertext bound to this event, or empty
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "stream_version"], name="ledger_event_one_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.type}"


class LedgerHead(models.Model):
    """Size and Merkle frontier of the log, so each append computes the root in O(log n).

    A cache, not a record: verify recomputes everything from the events.
    """

    size = models.PositiveBigIntegerField(default=0)
    frontier = models.TextField(default="[]")  # JSON list of hex subtree hashes

    def __str__(self) -> str:
        return f"ledger head at {self.size}"


class Checkpoint(models.Model):
    """A signed tree head: the log had `size` events with this root at this time."""

    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=32)
    origin = models.CharField(max_length=120)
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"checkpoint {self.size}"
