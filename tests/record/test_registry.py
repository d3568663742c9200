"""The registry: one row per event type, and the checks every append and fold make."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import ombuds
from ombuds.cases.fold import fold
from ombuds.cases.lifecycle import SUBMIT, TRANSITIONS, transition_for_event
from ombuds.record import events
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.spec import Key, MalformedEvent, Stream, UnknownEventType, check_metadata
from ombuds.record.state import CaseEvent

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
SUBMITTED_META = {
    "reference": "OMB-AAAA-BBBB",
    "organisation": "demo",
    "anonymous": True,
    "complainant": "c1",
    "tokens": ["t1"],
}


def test_every_transition_points_at_a_transition_row_and_back() -> None:
    for transition in (SUBMIT, *TRANSITIONS):
        assert transition.event.transition, transition.name
        assert transition_for_event(transition.event.type) is transition
    for spec in events.all_specs():
        if spec.transition:
            assert transition_for_event(spec.type) is not None, spec.type


def test_types_are_dotted_past_tense_and_declared_once() -> None:
    types = [spec.type for spec in events.all_specs()]
    assert len(types) == len(set(types))
    for event_type in types:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", event_type), event_type


def test_no_event_type_is_written_as_a_string_outside_the_registry() -> None:
    root = Path(ombuds.__file__).parent
    known = {spec.type for spec in events.all_specs()}
    for path in root.rglob("*.py"):
        # The registry's own modules: the package record/events/.
        registry = path.parent == root / "record" / "events"
        if "migrations" in path.parts or registry:
            continue
        for literal in re.findall(r"[\"']([a-z]+\.[a-z_]+)[\"']", path.read_text()):
            assert literal not in known, f"{path}: {literal!r} (use its registry row)"


def test_an_unknown_type_is_refused_by_the_fold() -> None:
    typo = CaseEvent(type="case.acknowleged", version=2, recorded_at=NOW, metadata={})
    submitted = CaseEvent(
        type=events.SUBMITTED.type, version=1, recorded_at=NOW, metadata=SUBMITTED_META,
        schema_version=2,
    )  # fmt: skip
    with pytest.raises(UnknownEventType):
        fold([submitted, typo])


@pytest.mark.parametrize(
    ("metadata", "why"),
    [
        ({"person": "p", "role": "advocate"}, "missing"),
        ({"person": "p", "role": "advocate", "why": "x", "extra": 1}, "unknown"),
        ({"person": "p", "role": 3, "why": "x"}, "wrong type"),
    ],
)
def test_metadata_missing_unknown_or_mistyped_is_refused(
    metadata: dict[str, object], why: str
) -> None:
    with pytest.raises(MalformedEvent, match=why):
        check_metadata(events.UNASSIGNED, metadata)


def test_a_count_must_not_be_a_boolean_and_optional_fields_may_be_absent() -> None:
    with pytest.raises(MalformedEvent):
        check_metadata(events.ALLEGATIONS_DISCLOSED, {"count": True, "key": "respondent"})
    check_metadata(events.ALLEGATIONS_DISCLOSED, {"count": 2, "key": "respondent"})
    check_metadata(events.CLOSED, {"from": "received", "to": "closed"})
    check_metadata(events.CLOSED, {"from": "appeal", "to": "closed", "reason_code": "x"})


def test_keyed_rows_say_which_key_and_transitions_say_from_where() -> None:
    # Written only with the handlers' key: the key is stated, always.
    with pytest.raises(MalformedEvent, match="missing"):
        check_metadata(events.RISK_RECORDED, {})
    check_metadata(events.RISK_RECORDED, {"key": "handlers"})
    with pytest.raises(MalformedEvent, match="missing"):
        check_metadata(events.ACKNOWLEDGED, {"from": "received"})


def test_version_1_submissions_are_upcast_to_version_2() -> None:
    """The documented way to evolve a schema, on a real example: a version 1 report named no
    one and so carried no conflict tokens; version 2 always carries them."""
    old = {k: v for k, v in SUBMITTED_META.items() if k != "tokens"}
    assert events.SUBMITTED.version == 2
    assert events.upcast(events.SUBMITTED.type, 1, old) == {**old, "tokens": []}
    written_v1 = CaseEvent(
        type=events.SUBMITTED.type, version=1, recorded_at=NOW, metadata=old, schema_version=1
    )
    state = fold([written_v1])
    assert state.reference == "OMB-AAAA-BBBB" and state.reported_tokens == frozenset()
    written_v2 = CaseEvent(
        type=events.SUBMITTED.type, version=1, recorded_at=NOW, metadata=SUBMITTED_META,
        schema_version=2,
    )  # fmt: skip
    assert fold([written_v2]).reported_tokens == frozenset({"t1"})
    with pytest.raises(MalformedEvent, match="newer"):
        events.upcast(events.SUBMITTED.type, 3, SUBMITTED_META)


def test_the_escrow_rows_live_in_escrow_streams_sealed_only_with_the_entrys_key() -> None:
    escrow = {spec.type: spec for spec in events.all_specs() if spec.stream == Stream.ESCROW}
    assert sorted(escrow) == [
        "escrow.entries_read",
        "escrow.entry_added",
        "escrow.entry_withdrawn",
        "escrow.match_found",
        "escrow.match_joined",
        "escrow.person_contacted",
        "escrow.person_decided",
        "escrow.shares_resealed",
    ]
    sealed = {t for t, spec in escrow.items() if spec.keys}
    assert sealed == {
        events_scheme.ESCROW_ENTRY_ADDED.type,
        events_scheme.ESCROW_PERSON_CONTACTED.type,
    }
    for spec in escrow.values():
        assert spec.keys <= {Key.ESCROW_ENTRY} and "key" not in spec.fields, spec.type
        assert spec.stages is None and spec.roles, spec.type
        assert spec.complainant is None and spec.respondent is None and not spec.handlers
    # The person's own steps are hers; the counsellor's are only hers; matches the system's.
    mine = (
        events_scheme.ESCROW_ENTRY_ADDED,
        events_scheme.ESCROW_ENTRY_WITHDRAWN,
        events_scheme.ESCROW_PERSON_DECIDED,
    )
    assert all(spec.roles == {Role.COMPLAINANT} for spec in mine)
    counsellor = (events_scheme.ESCROW_ENTRIES_READ, events_scheme.ESCROW_PERSON_CONTACTED)
    assert all(spec.roles == {Role.MATCHING_COUNSELLOR} for spec in counsellor)
    assert (
        events_scheme.ESCROW_MATCH_FOUND.roles
        == events_scheme.ESCROW_MATCH_JOINED.roles
        == {Role.SYSTEM}
    )


def test_escrow_metadata_is_ids_and_counts_only() -> None:
    check_metadata(events_scheme.ESCROW_ENTRY_ADDED, {"identifiers": 2, "threshold": 2})
    for bad in ({"identifiers": 2}, {"identifiers": 2, "threshold": 2, "name": "A Person"}):
        with pytest.raises(MalformedEvent):
            check_metadata(events_scheme.ESCROW_ENTRY_ADDED, bad)
    with pytest.raises(MalformedEvent, match="wrong type"):
        check_metadata(events_scheme.ESCROW_MATCH_JOINED, {"people": True})
    check_metadata(events_scheme.ESCROW_PERSON_CONTACTED, {"match": "m1"})
    check_metadata(events_scheme.ESCROW_ENTRY_WITHDRAWN, {})


def test_a_frozen_quarter_is_a_system_event_of_the_scheme_with_its_digest_only() -> None:
    spec = events.spec_for("statistics.quarter_frozen")
    assert spec is events_scheme.QUARTER_FROZEN
    assert spec.stream == Stream.SCHEME and spec.roles == {Role.SYSTEM}
    assert not spec.keys and spec.complainant is None and spec.respondent is None
    assert set(spec.fields) == {"organisation", "quarter", "digest", "late"}
    meta = {"organisation": "demo", "quarter": 20253, "digest": "ab" * 32}
    check_metadata(spec, meta)
    check_metadata(spec, {**meta, "late": True})
    for bad in ({**meta, "cases": 12}, {"organisation": "demo", "quarter": 20253}):
        with pytest.raises(MalformedEvent):
            check_metadata(spec, bad)
    with pytest.raises(MalformedEvent, match="wrong type"):
        check_metadata(spec, {**meta, "quarter": "20253"})
