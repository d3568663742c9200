"""Every append goes through its registry row: refused appends write nothing."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.participants import complainant_participant
from ombuds.escrow.streams import entry_stream, match_stream
from ombuds.intake.services import Submission
from ombuds.ledger.actor import Actor
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import NotPermitted, TransitionRefused
from ombuds.record import events
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
        event_append(events.PERSON_CREATED, stream=stream, actor=Actor("x", "system"))
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
            events.ESCROW_ENTRIES_READ,
            stream=match,
            actor=Actor("c", Role.COMPLAINANT),
            metadata={"entries": 2},
        )
    with pytest.raises(MalformedEvent, match="belongs in"), transaction.atomic():
        event_append(
            events.ESCROW_ENTRY_WITHDRAWN,
            stream=case_stream(uuid.uuid4()),
            actor=Actor("c", Role.COMPLAINANT),
        )
    with pytest.raises(MalformedEvent, match="carries no content"), transaction.atomic():
        event_append(
            events.ESCROW_PERSON_DECIDED,
            stream=entry,
            actor=Actor("c", Role.COMPLAINANT),
            metadata={"decision": "go_on"},
            content={"why": "x"},
        )
    assert Event.objects.count() == before
    event_append(events.ESCROW_ENTRY_WITHDRAWN, stream=entry, actor=Actor("c", Role.COMPLAINANT))
    assert Event.objects.filter(stream=entry, type=events.ESCROW_ENTRY_WITHDRAWN.type).exists()
