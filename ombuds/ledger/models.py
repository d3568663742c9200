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
    # The digest of the latest checkpoint (`checkpoints.checkpoint_digest`): a staged
    # block that signs one writes only if no other checkpoint came in between, so the
    # checkpoints' links form one chain.
    checkpoint = models.CharField(max_length=64, default="", db_default="", blank=True)
    # Every write of the head signs it (`staging.sign_head`): the C2SP note of this size
    # and root, with this time and `checkpoint` as extension lines. So the events after
    # the latest checkpoint are covered by a signature too.
    signed_at = models.CharField(max_length=32, default="", db_default="", blank=True)
    signature = models.CharField(max_length=128, default="", db_default="", blank=True)

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
    # The same tree head as a C2SP signed note (origin, size, base64 root); empty on
    # checkpoints signed before the note format was published.
    note_signature = models.CharField(max_length=128, default="", blank=True)
    # The digest of the checkpoint signed before this one (hex), signed with it; empty on
    # the first and on checkpoints signed before the link was introduced.
    previous = models.CharField(max_length=64, default="", db_default="", blank=True)

    class Meta:
        # The first checkpoint covering an event (the proof of receipt) in O(log n).
        indexes = [models.Index(fields=["size", "id"], name="ledger_checkpoint_size")]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class MerkleNode(models.Model):
    """One interior node of the Merkle tree: the root of leaves [index * 2**level, ...).

    Written by `append_event` as each perfect subtree completes, so that an inclusion or
    consistency proof reads O(log n) rows instead of every event hash. Level 0 is the
    events' own `hash`. A cache, not a record: proofs are checked against signed roots.
    """

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_one_position")
        ]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Verification(models.Model):
    """One run of `ombuds verify`: what it covered, and what it found.

    The auditor's page shows the latest finished run instead of verifying on every view.
    A full re-verification asked for from that page is a `requested` row, claimed by a
    conditional update and run by `ombuds verify --full`, never inside a request.
    """

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental"
        FULL = "full"

    class State(models.TextChoices):
        REQUESTED = "requested"
        RUNNING = "running"
        DONE = "done"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices)
    requested_by = models.CharField(max_length=64, default="", blank=True)  # a pseudonym
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    from_size = models.PositiveBigIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)  # verified up to this many events
    root = models.CharField(max_length=64, default="", blank=True)
    frontier = models.TextField(default="[]")  # at `size`: where the next run carries on
    last_checkpoint = models.PositiveBigIntegerField(default=0)  # highest checkpoint id seen
    events = models.PositiveBigIntegerField(default=0)
    streams = models.PositiveBigIntegerField(default=0)
    checkpoints = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    ok = models.BooleanField(default=False)
    problems = models.TextField(default="[]")  # JSON list of sentences

    class Meta:
        indexes = [models.Index(fields=["state", "id"], name="ledger_verif_state")]

    def __str__(self) -> str:
        return f"{self.kind} verification {self.pk} ({self.state})"
