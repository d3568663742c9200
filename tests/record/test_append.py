"""Every append goes through its registry row: refused appends write nothing, and nothing
in the product appends to the ledger any other way."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from django.db import transaction

import ombuds
from ombuds.cases.commands import case_record
from ombuds.cases.participants import complainant_participant
from ombuds.escrow.streams import entry_stream, match_stream
from ombuds.intake.services import Submission
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import NotPermitted, TransitionRefused
from ombuds.record import events
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.record.spec import MalformedEvent
from tests.conftest import Cast


def test_an_append_with_bad_metadata_or_the_wrong_role_writes_nothing(
    anonymous_report: Submission, cast: Cast
) -> None:
    stream = case_stream(anonymous_report.case.id)
    before = Event.objects.count()
    with pytest.raises(MalformedEvent), transaction.atomic():
        event_append(
            events.RECUSED,
            stream=stream,
            actor=Actor(pseudonym=cast.advocate.pseudonym, role="advocate"),
            metadata={"person": cast.advocate.pseudonym},  # no role, no key
        )
    with pytest.raises(NotPermitted), transaction.atomic():
        event_append(
            events.INFORMAL_AGREED,
            stream=stream,
            actor=Actor(pseudonym=cast.case_manager.pseudonym, role="case_manager"),
        )
    with pytest.raises(MalformedEvent, match="belongs in"), transaction.atomic():
        event_append(events_scheme.PERSON_CREATED, stream=stream, actor=Actor("x", "system"))
    assert Event.objects.count() == before


def test_case_record_applies_the_rows_own_rules(anonymous_report: Submission, cast: Cast) -> None:
    complainant = complainant_participant(anonymous_report.access)
    with pytest.raises(NotPermitted):
        case_record(complainant, events.RISK_RECORDED, content={"details": "x"})
    case_record(complainant, events.INFORMAL_AGREED)
    case_record(
        complainant, events.WITHDRAWN, content={"reason": ""}
    )  # a transition: the lifecycle table decides
    with pytest.raises(TransitionRefused, match="stage"):
        case_record(complainant_participant(anonymous_report.access), events.INFORMAL_AGREED)


def test_escrow_rows_append_only_to_escrow_streams_and_by_their_roles(db: None) -> None:
    entry, match = entry_stream(uuid.uuid4()), match_stream(uuid.uuid4())
    before = Event.objects.count()
    with pytest.raises(NotPermitted), transaction.atomic():
        event_append(
            events_scheme.ESCROW_ENTRIES_READ,
            stream=match,
            actor=Actor("c", Role.COMPLAINANT),
            metadata={"entries": 2},
        )
    with pytest.raises(MalformedEvent, match="belongs in"), transaction.atomic():
        event_append(
            events_scheme.ESCROW_ENTRY_WITHDRAWN,
            stream=case_stream(uuid.uuid4()),
            actor=Actor("c", Role.COMPLAINANT),
        )
    with pytest.raises(MalformedEvent, match="carries no content"), transaction.atomic():
        event_append(
            events_scheme.ESCROW_PERSON_DECIDED,
            stream=entry,
            actor=Actor("c", Role.COMPLAINANT),
            metadata={"decision": "go_on"},
            content={"why": "x"},
        )
    assert Event.objects.count() == before
    event_append(
        events_scheme.ESCROW_ENTRY_WITHDRAWN, stream=entry, actor=Actor("c", Role.COMPLAINANT)
    )
    assert Event.objects.filter(
        stream=entry, type=events_scheme.ESCROW_ENTRY_WITHDRAWN.type
    ).exists()


_LEDGER_APPENDS = {"append_event", "append_events"}


def _ledger_appends(path: Path) -> list[int]:
    """Lines of `path` that name the ledger's own append (called, imported or aliased)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        else:
            continue
        if _LEDGER_APPENDS.intersection(names):
            lines.append(node.lineno)
    return lines


def test_every_append_in_the_product_goes_through_the_registry() -> None:
    """`record.services` signs each grant of access it writes, and `ombuds verify` relies on
    it: after signed heads began, a grant in a good ledger is vouched for by the head's
    signature only because no other module of the product appends to the ledger itself
    (`cases/grant_checks.py`)."""
    package = Path(ombuds.__file__).parent
    callers = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative.startswith("ledger/") or relative == "record/services.py":
            continue
        callers += [f"{relative}:{line}" for line in _ledger_appends(path)]
    assert callers == []
    assert _ledger_appends(package / "record" / "services.py")  # the scan sees calls at all
