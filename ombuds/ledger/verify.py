"""Re-walk every hash chain, rebuild the Merkle tree, and check every checkpoint.

Reads rows with a plain cursor rather than the ORM: verify must keep up with a log of
millions of events, and it must report a row that no longer parses instead of crashing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from ombuds.ledger import merkle
from ombuds.ledger.encoding import GENESIS_HASH, encode_fields, fields_hash
from ombuds.ledger.models import Checkpoint, LedgerHead
from ombuds.ledger.services import (
    checkpoint_as_dict,
    checkpoint_signature_valid,
    signing_identity,
)

_COLUMNS = (
    "seq, stream, stream_version, type, schema_version, recorded_at, actor_id, actor_role,"
    " metadata, body, prev_hash, hash"
)
_MAX_PROBLEMS = 100


@dataclass
class VerifyReport:
    """What verify found. `ok` only when there is not a single problem."""

    events: int = 0
    streams: int = 0
    checkpoints: int = 0
    root: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(text)


def _row_hash(row: tuple[Any, ...]) -> str:
    """Recompute an event's hash straight from its row, refusing fields of the wrong type
    (SQLite would store a tampered text in an integer column without complaint)."""
    seq, stream, version, etype, schema, at, actor_id, role, metadata, body, prev, _ = row
    if type(seq) is not int or type(version) is not int or type(schema) is not int:
        raise ValueError("a number field is not an integer")
    for value in (stream, etype, at, actor_id, role, metadata, prev):
        if not isinstance(value, str):
            raise ValueError("a text field is not text")
    body = bytes(body) if body is not None else b""
    encoded = encode_fields(
        seq, stream, version, etype, schema, at, actor_id, role, metadata, body, prev
    )
    return fields_hash(encoded)


def _walk_events(report: VerifyReport) -> list[bytes]:
    leaves: list[bytes] = []
    chains: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM ledger_event ORDER BY seq")  # noqa: S608
        while rows := cursor.fetchmany(5000):
            for row in rows:
                position = len(leaves)
                try:
                    digest = _row_hash(row)
                except (ValueError, TypeError) as exc:
                    report.problem(f"event at position {position} is unreadable: {exc}")
                    leaves.append(b"\x00" * 32)
                    continue
                seq, stream, version, prev, stored = row[0], row[1], row[2], row[10], row[11]
                if seq != position:
                    report.problem(f"event {seq} is at position {position}: missing events")
                if digest != stored:
                    report.problem(f"event {seq} does not match its hash: it was altered")
                last_version, last_hash = chains.get(stream, (0, GENESIS_HASH))
                if version != last_version + 1 or prev != last_hash:
                    report.problem(f"event {seq} breaks the chain of {stream} at version {version}")
                # Chain on the stored hash, so one altered event is reported once, not again
                # as a break in the event after it.
                chains[stream] = (version, str(stored))
                leaves.append(bytes.fromhex(digest))
    report.events = len(leaves)
    report.streams = len(chains)
    return leaves


def _check_checkpoint(
    report: VerifyReport,
    tree: merkle.MerkleLevels,
    published: Mapping[str, Any],
    label: str,
    trusted_key: str,
) -> bool:
    if not checkpoint_signature_valid(published):
        report.problem(f"{label}: the signature is not valid")
        return False
    if published["public_key"] != trusted_key:
        report.problem(f"{label}: signed by a key that is not this instance's")
        return False
    size = int(published["size"])
    if size > tree.size:
        report.problem(f"{label}: covers {size} events but the log has {tree.size}: events removed")
        return False
    if tree.root(size).hex() != published["root"]:
        report.problem(f"{label}: the log's first {size} events no longer have this root")
        return False
    return True


def verify_ledger(*, against: Mapping[str, Any] | None = None) -> VerifyReport:
    """Check every chain, the tree, every stored checkpoint, and optionally an older
    checkpoint kept outside the database (`against`)."""
    started = time.perf_counter()
    report = VerifyReport()
    leaves = _walk_events(report)
    tree = merkle.MerkleLevels(leaves)
    report.root = tree.root().hex()
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and head.size != tree.size:
        report.problem(f"the ledger head says {head.size} events but there are {tree.size}")
    elif head is not None:
        frontier = [bytes.fromhex(h) for h in json.loads(head.frontier)]
        if merkle.frontier_root(frontier, head.size) != tree.root():
            report.problem("the ledger head's root differs from the events' root")
    trusted_key = signing_identity().public_key.hex()
    previous: tuple[int, bytes] | None = None
    for checkpoint in Checkpoint.objects.order_by("size", "id"):
        report.checkpoints += 1
        published = checkpoint_as_dict(checkpoint)
        label = f"checkpoint {checkpoint.pk} (size {checkpoint.size})"
        if not _check_checkpoint(report, tree, published, label, trusted_key):
            continue
        root = bytes.fromhex(checkpoint.root)
        if previous is not None:
            old_size, old_root = previous
            proof = tree.consistency_proof(old_size, checkpoint.size)
            if not merkle.verify_consistency(old_size, checkpoint.size, old_root, root, proof):
                report.problem(f"{label} does not extend the checkpoint before it")
        previous = (checkpoint.size, root)
    if against is not None:
        label = "the given checkpoint"
        if _check_checkpoint(report, tree, against, label, trusted_key):
            size = int(against["size"])
            proof = tree.consistency_proof(size, tree.size)
            if not merkle.verify_consistency(
                size, tree.size, bytes.fromhex(against["root"]), tree.root(), proof
            ):
                report.problem(f"{label} is not consistent with today's log")
    report.seconds = time.perf_counter() - started
    return report
