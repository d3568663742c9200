"""The ledger's cheap reads, measured on the verify benchmark's ledger (`bench/verify.py`):

- incremental verification of a day's appends (1,000 submissions, each with its signed
  checkpoint) after a verified run: target under 1 second;
- the proof of receipt (a checkpoint and an inclusion proof from the stored tree nodes,
  checked before it is handed out): target under 20 ms at 1,000,000 events;
- the auditor's page over HTTP (Django's test client, an auditor signed in) with
  100,000 cases in the read model: target p95 under 50 ms.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from typing import Any

from bench.common import percentile, staff_client

TARGET_INCREMENTAL_SECONDS = 1.0
TARGET_PROOF_MS = 20.0
TARGET_AUDITOR_P95_MS = 50.0
DAY_SUBMISSIONS = 1_000


def incremental_day(writer_cls: Any, events_per_case: int) -> dict[str, Any]:
    """A full run as the base, a day's submissions appended, then the incremental run."""
    from django.db import transaction

    from ombuds.cases.grant_checks import verify_grants
    from ombuds.ledger.checkpoints import checkpoint_create
    from ombuds.ledger.verification import run_verification

    # As `ombuds verify` runs: the grants of access checked too, from where the run began.
    base, report = run_verification(full=True, extra=verify_grants)
    if not report.ok:
        raise SystemExit(f"bench: the ledger does not verify: {report.problems[:5]}")
    writer = writer_cls(
        cases=DAY_SUBMISSIONS,
        events=DAY_SUBMISSIONS * events_per_case,
        # Seeded by the size: a reused data dir already holds the streams of the last day.
        seed=base.size,
        on_submitted=checkpoint_create,
    )
    while writer.written < writer.target_events:
        with transaction.atomic():
            writer.write(1000)
    row, report = run_verification(extra=verify_grants)
    if not report.ok or row.kind != "incremental":
        raise SystemExit(f"bench: incremental verification failed: {report.problems[:5]}")
    return {
        "base_size": base.size,
        "new_events": row.events,
        "new_checkpoints": row.checkpoints,
        "seconds": round(row.seconds, 4),
        "target_seconds": TARGET_INCREMENTAL_SECONDS,
        "target_met": row.seconds < TARGET_INCREMENTAL_SECONDS,
    }


def _one_proof(seq: int) -> float:
    """What /my-report/proof/ does with the ledger for the submission at `seq`."""
    from ombuds.ledger import merkle
    from ombuds.ledger.models import Checkpoint, Event
    from ombuds.ledger.proofs import inclusion_proof

    started = time.perf_counter()
    event = Event.objects.only("seq", "hash", "stream", "stream_version").get(seq=seq)
    checkpoint = Checkpoint.objects.filter(size__gt=event.seq).order_by("size", "id").first()
    assert checkpoint is not None
    proof = inclusion_proof(event.seq, checkpoint.size)
    assert merkle.verify_inclusion(
        bytes.fromhex(event.hash),
        event.seq,
        checkpoint.size,
        proof,
        bytes.fromhex(checkpoint.root),
    )
    return (time.perf_counter() - started) * 1000


def proof_of_receipt(samples: int = 200) -> dict[str, Any]:
    from ombuds.ledger.models import Checkpoint

    latest = Checkpoint.objects.order_by("-size").first()
    size = latest.size if latest else 0  # events a checkpoint covers: each has a proof
    rng = random.Random(5)
    times = [_one_proof(rng.randrange(size)) for _ in range(samples)]
    p95 = percentile(times, 0.95)
    return {
        "events": size,
        "samples": samples,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(p95, 3),
        "target_ms": TARGET_PROOF_MS,
        "target_met": p95 < TARGET_PROOF_MS,
    }


def auditor_page(cases: int = 100_000, requests: int = 60) -> dict[str, Any]:
    """GET /oversight/ with `cases` cases in the read model (made directly: the page reads
    only the read model and the stored verification, never the events)."""
    from django.utils import timezone

    from ombuds.cases.models import Case
    from ombuds.people.models import Organisation, User
    from ombuds.people.services import organisation_create, person_create
    from ombuds.record.roles import Role
    from ombuds.record.stages import Stage

    # A reused data dir (--data-dir) already has them from the last run.
    names = [f"Bench audit {i}" for i in range(3)]
    orgs = [
        Organisation.objects.filter(name=name).first() or organisation_create(actor=None, name=name)
        for name in names
    ]
    stages = [stage.value for stage in Stage]
    now = timezone.now()
    rng = random.Random(7)
    have = Case.objects.count()
    batch = []
    for i in range(have, cases):
        batch.append(
            Case(
                id=uuid.UUID(int=rng.getrandbits(128)),
                reference=f"BEN-{i:08d}",
                organisation=orgs[i % 3],
                anonymous=bool(i % 2),
                stage=rng.choice(stages),
                received_at=now,
                stage_entered_at=now,
                version=1,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    password = "bench auditor password 1"
    if not User.objects.filter(username="bench-auditor").exists():
        person_create(actor=None, username="bench-auditor", password=password, role=Role.AUDITOR)
    client = staff_client("bench-auditor", password)
    times = []
    for _ in range(requests + 5):
        started = time.perf_counter()
        response = client.get("/oversight/")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"bench: /oversight/ answered {response.status_code}")
    times = times[5:]  # warm-up
    p95 = percentile(times, 0.95)
    return {
        "cases": Case.objects.count(),
        "requests": requests,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "target_p95_ms": TARGET_AUDITOR_P95_MS,
        "target_met": p95 < TARGET_AUDITOR_P95_MS,
    }
