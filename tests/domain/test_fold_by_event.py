"""The fold, event type by event type, with events built by hand (no database).

Each test applies one event to a known state and asserts the whole state afterwards, so
an event type whose effect is removed, or that starts changing something else, fails
here. Deadlines are counted over a known set of holidays; the expected dates are
literals, counted by hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# The code under test: imported here, at the top, so that a rename fails loudly.
from ombuds.cases.fold import apply, fold
from ombuds.record.stages import Stage
from ombuds.record.state import CaseEvent, CaseState

pytestmark = pytest.mark.database_free

# Friday 18 December 2026, and Thursday 24 December: the days after are full of holidays.
SUBMITTED_AT = datetime(2026, 12, 18, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
HOLIDAYS = frozenset({date(2026, 12, 21), date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)})
COMPLAINANT = "p-complainant"


def due(day: date) -> datetime:
    """A deadline falls due at the end of its last working day, UTC."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


def event(
    type_: str,
    version: int,
    *,
    at: datetime = LATER,
    actor: str = "p-actor",
    actor_role: str = "case_manager",
    **metadata: Any,
) -> CaseEvent:
    return CaseEvent(
        type=type_,
        version=version,
        recorded_at=at,
        metadata=metadata,
        actor_id=actor,
        actor_role=actor_role,
    )


def step(
    state: CaseState, type_: str, *, at: datetime = LATER, actor: str = "p-actor", **meta: Any
) -> CaseState:
    """`state` after one more event of `type_`, the next version, over HOLIDAYS."""
    return apply(
        state, event(type_, state.version + 1, at=at, actor=actor, **meta), holidays=HOLIDAYS
    )


SUBMITTED = step(
    CaseState(),
    "case.submitted",
    at=SUBMITTED_AT,
    actor=COMPLAINANT,
    reference="OMB-2026-0001",
    organisation="demo-party",
    anonymous=False,
    complainant=COMPLAINANT,
    tokens=["t-unit", "t-person"],
)


def test_submitted_opens_the_case() -> None:
    # Friday 18th: Monday 21st is a holiday, so two working days end on Wednesday 23rd.
    complainant = frozenset({(COMPLAINANT, "complainant")})
    assert (
        CaseState(
            stage=Stage.RECEIVED,
            reference="OMB-2026-0001",
            organisation="demo-party",
            anonymous=False,
            received_at=SUBMITTED_AT,
            stage_entered_at=SUBMITTED_AT,
            deadline_name="acknowledge",
            deadline_at=due(date(2026, 12, 23)),
            version=1,
            assignments=complainant,
            handled=complainant,
            party_tokens=frozenset({"t-unit", "t-person"}),
            reported_tokens=frozenset({"t-unit", "t-person"}),
            course=((Stage.RECEIVED, SUBMITTED_AT),),
        )
        == SUBMITTED
    )


def test_an_anonymous_submission_without_tokens() -> None:
    state = step(
        CaseState(),
        "case.submitted",
        at=SUBMITTED_AT,
        reference="OMB-2026-0002",
        organisation="demo-party",
        anonymous=True,
        complainant=COMPLAINANT,
    )
    assert state.anonymous is True
    assert state.party_tokens == state.reported_tokens == frozenset()


# Transitions: (event type, stage, deadline, due date from Thursday 24 December). ----------
# Working days after the 24th: 29, 30, 31 Dec, (1 Jan holiday), 4, 5, 6, 7, 8, 11, 12 Jan...
TRANSITIONS = [
    ("case.acknowledged", Stage.ACKNOWLEDGED, "assess", date(2027, 1, 12)),  # 10
    ("case.assessed", Stage.ASSESSED, "route", date(2027, 1, 5)),  # 5
    ("case.informal_resolution_started", Stage.INFORMAL_RESOLUTION, "informal_resolution",
     date(2027, 2, 9)),  # 30
    ("case.investigation_opened", Stage.INVESTIGATION, "investigation", date(2027, 3, 23)),  # 60
    ("case.escalated", Stage.INVESTIGATION, "investigation", date(2027, 3, 23)),  # 60
    ("case.appealed", Stage.APPEAL, "appeal_decision", date(2027, 1, 26)),  # 20
]  # fmt: skip
FINAL = [
    ("case.referred", Stage.REFERRED),
    ("case.withdrawn", Stage.WITHDRAWN),
    ("case.withdrawal_accepted", Stage.WITHDRAWN),
    ("case.closed", Stage.CLOSED),
]


def moved(before: CaseState, stage: Stage, deadline: str, on: date | None) -> CaseState:
    return replace(
        before,
        version=before.version + 1,
        stage=stage,
        stage_entered_at=LATER,
        course=(*before.course, (stage, LATER)),
        deadline_name=deadline,
        deadline_at=due(on) if on else None,
    )


@pytest.mark.parametrize(("type_", "stage", "deadline", "on"), TRANSITIONS)
def test_a_transition_moves_the_stage_and_starts_its_deadline(
    type_: str, stage: Stage, deadline: str, on: date
) -> None:
    assert step(SUBMITTED, type_) == moved(SUBMITTED, stage, deadline, on)


@pytest.mark.parametrize(("type_", "stage"), FINAL)
def test_a_final_transition_ends_every_deadline(type_: str, stage: Stage) -> None:
    assert step(SUBMITTED, type_, reason_code="x") == moved(SUBMITTED, stage, "", None)


def test_findings_recorded_starts_the_decision_and_makes_the_findings_final() -> None:
    after = step(SUBMITTED, "case.findings_recorded")
    expected = moved(SUBMITTED, Stage.FINDINGS, "decision", date(2027, 1, 26))  # 20
    assert after == replace(expected, findings_final=True)


@pytest.mark.parametrize(
    ("type_", "stage", "deadline", "on"),
    [
        ("case.decided", Stage.DECISION, "appeal_window", date(2027, 1, 19)),  # 15
        ("case.appeal_decided", Stage.APPEAL_DECISION, "close", date(2027, 1, 5)),  # 5
    ],
)
def test_a_decision_ends_the_round_of_proposals(
    type_: str, stage: Stage, deadline: str, on: date
) -> None:
    proposed = step(SUBMITTED, "case.decision_proposed", actor="p-chair", panel="first")
    after = step(proposed, type_, panel="first", sanctions=["reprimand"])
    counted = (
        {"sanctions": ("reprimand",)}
        if type_ == "case.decided"
        else {"appeal_sanctions": ("reprimand",)}
    )
    expected = replace(moved(proposed, stage, deadline, on), proposal=0, signers=frozenset())
    assert after == replace(expected, **counted)  # type: ignore[arg-type]


def test_a_later_event_at_a_new_time_counts_from_its_own_day() -> None:
    monday = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    after = step(SUBMITTED, "case.acknowledged", at=monday)
    assert (after.stage_entered_at, after.deadline_at) == (monday, due(date(2027, 1, 18)))


# Assignments -------------------------------------------------------------------------------


def test_assigned_adds_the_holder_and_counts_the_round() -> None:
    after = step(SUBMITTED, "case.assigned", person="p-adv", role="advocate", seed="ab", round=0)
    pair = ("p-adv", "advocate")
    assert after == replace(
        SUBMITTED,
        version=2,
        assignments=SUBMITTED.assignments | {pair},
        handled=SUBMITTED.handled | {pair},
        rounds={"advocate": 1},
    )
    again = step(after, "case.assigned", person="p-adv2", role="advocate", seed="cd", round=1)
    assert again.rounds == {"advocate": 2}


def test_assigned_to_a_panel_seats_the_member_on_it() -> None:
    after = step(SUBMITTED, "case.assigned", person="p-m1", role="panel_member", panel="appeal")
    pair = ("p-m1", "panel_member")
    assert after == replace(
        SUBMITTED,
        version=2,
        assignments=SUBMITTED.assignments | {pair},
        handled=SUBMITTED.handled | {pair},
        panels={"appeal": frozenset({"p-m1"})},
        rounds={"panel_member": 1},
    )


def test_unassigned_removes_the_holder_but_not_the_history() -> None:
    assigned = step(SUBMITTED, "case.assigned", person="p-inv", role="investigator")
    after = step(assigned, "case.unassigned", person="p-inv", role="investigator", why="recused")
    assert after == replace(assigned, version=3, assignments=SUBMITTED.assignments)
    assert ("p-inv", "investigator") in after.handled


def test_respondent_joined_makes_her_a_party() -> None:
    after = step(SUBMITTED, "case.respondent_joined", person="p-resp", role="respondent")
    pair = ("p-resp", "respondent")
    assert after == replace(
        SUBMITTED,
        version=2,
        assignments=SUBMITTED.assignments | {pair},
        handled=SUBMITTED.handled | {pair},
    )


def test_recused_remembers_who_stepped_off() -> None:
    after = step(SUBMITTED, "case.recused", person="p-cm", role="case_manager")
    assert after == replace(SUBMITTED, version=2, recused=frozenset({"p-cm"}))


# Facts ------------------------------------------------------------------------------------

FLAGS = [
    ("case.informal_agreed", "complainant_agrees_informal"),
    ("case.referral_consented", "complainant_consents_to_referral"),
    ("case.risk_recorded", "risk_to_others_recorded"),
    ("case.allegations_disclosed", "respondent_told_allegations"),
    ("case.interview_declined", "respondent_declined_interview"),
    ("case.withdrawal_requested", "withdrawal_requested"),
]


@pytest.mark.parametrize(("type_", "flag"), FLAGS)
def test_a_fact_sets_its_flag(type_: str, flag: str) -> None:
    after = step(SUBMITTED, type_)
    assert after == replace(SUBMITTED, version=2, flags=frozenset({flag}))
    assert getattr(after.facts, flag) is True
    assert getattr(SUBMITTED.facts, flag) is False


def test_continued_after_withdrawal_answers_her_request() -> None:
    requested = step(step(SUBMITTED, "case.risk_recorded"), "case.withdrawal_requested")
    after = step(requested, "case.continued_after_withdrawal")
    assert after == replace(requested, version=4, flags=frozenset({"risk_to_others_recorded"}))
    assert after.facts.withdrawal_requested is False


def test_parties_recorded_adds_to_what_she_reported() -> None:
    once = step(SUBMITTED, "case.parties_recorded", tokens=["t-group"])
    assert once == replace(
        SUBMITTED, version=2, party_tokens=frozenset({"t-unit", "t-person", "t-group"})
    )
    # A correction replaces the earlier record, never what she reported herself.
    twice = step(once, "case.parties_recorded", tokens=["t-employer"])
    assert twice.party_tokens == frozenset({"t-unit", "t-person", "t-employer"})


def test_advocate_change_requested_is_counted() -> None:
    after = step(SUBMITTED, "case.advocate_change_requested", actor=COMPLAINANT)
    assert after == replace(SUBMITTED, version=2, advocate_changes_requested=1)


def test_safeguarding_overrides_count_distinct_people() -> None:
    once = step(SUBMITTED, "case.safeguarding_override_recorded", actor="p-cm")
    assert once == replace(SUBMITTED, version=2, safeguarding_overriders=frozenset({"p-cm"}))
    same = step(once, "case.safeguarding_override_recorded", actor="p-cm")
    other = step(same, "case.safeguarding_override_recorded", actor="p-inv")
    assert (same.facts.safeguarding_overrides, other.facts.safeguarding_overrides) == (1, 2)


def test_only_the_respondents_interview_counts_as_her_being_heard() -> None:
    theirs = step(SUBMITTED, "case.interview_recorded", interview=1, interviewee="respondent")
    assert theirs == replace(SUBMITTED, version=2, respondent_interviewed=True)
    hers = step(SUBMITTED, "case.interview_recorded", interview=1, interviewee="complainant")
    assert hers == replace(SUBMITTED, version=2)


def test_decision_proposed_starts_a_round_the_proposer_has_signed() -> None:
    after = step(SUBMITTED, "case.decision_proposed", actor="p-chair", panel="first")
    assert after == replace(
        SUBMITTED, version=2, proposal=2, proposal_panel="first", signers=frozenset({"p-chair"})
    )


def test_decision_signed_counts_only_for_the_current_proposal() -> None:
    proposed = step(SUBMITTED, "case.decision_proposed", actor="p-chair", panel="first")
    signed = step(proposed, "case.decision_signed", actor="p-m2", proposal=2, panel="first")
    assert signed == replace(proposed, version=3, signers=frozenset({"p-chair", "p-m2"}))
    stale = step(proposed, "case.decision_signed", actor="p-m2", proposal=1, panel="first")
    assert stale == replace(proposed, version=3)


def test_a_new_proposal_needs_every_signature_again() -> None:
    proposed = step(SUBMITTED, "case.decision_proposed", actor="p-chair", panel="first")
    signed = step(proposed, "case.decision_signed", actor="p-m2", proposal=2, panel="first")
    again = step(signed, "case.decision_proposed", actor="p-m3", panel="first")
    assert (again.proposal, again.signers) == (4, frozenset({"p-m3"}))


def test_signatures_count_only_from_sitting_members_of_that_panel() -> None:
    state = SUBMITTED
    for member in ("p-m1", "p-m2", "p-m3"):
        state = step(state, "case.assigned", person=member, role="panel_member", panel="first")
    state = step(state, "case.decision_proposed", actor="p-m1", panel="first")
    for member in ("p-m2", "p-m3", "p-outsider"):
        state = step(state, "case.decision_signed", actor=member, proposal=5, panel="first")
    assert (state.facts.panel_signoffs, state.facts.appeal_panel_signoffs) == (3, 0)


@pytest.mark.parametrize(
    "type_",
    ["case.message_sent", "case.support_recorded", "case.response_submitted"],
)
def test_messages_and_notes_change_nothing_but_the_version(type_: str) -> None:
    assert step(SUBMITTED, type_, thread="complainant-advocate") == replace(SUBMITTED, version=2)


# Any prefix of a valid sequence ------------------------------------------------------------

# One builder per kind of event a case can have after its submission: (type, metadata).
_LATER_EVENTS: list[tuple[str, dict[str, Any]]] = [
    *[(t, {}) for t, _, _, _ in TRANSITIONS],
    *[(t, {"reason_code": "x"}) for t, _ in FINAL],
    ("case.findings_recorded", {}),
    ("case.decided", {"panel": "first"}),
    ("case.appeal_decided", {"panel": "appeal"}),
    *[(t, {}) for t, _ in FLAGS],
    ("case.continued_after_withdrawal", {}),
    ("case.assigned", {"person": "p-adv", "role": "advocate", "seed": "ab", "round": 0}),
    ("case.assigned", {"person": "p-m1", "role": "panel_member", "panel": "first"}),
    ("case.unassigned", {"person": "p-adv", "role": "advocate", "why": "replaced"}),
    ("case.respondent_joined", {"person": "p-resp", "role": "respondent"}),
    ("case.recused", {"person": "p-cm", "role": "case_manager"}),
    ("case.parties_recorded", {"tokens": ["t-group"]}),
    ("case.advocate_change_requested", {}),
    ("case.safeguarding_override_recorded", {}),
    ("case.interview_recorded", {"interview": 1, "interviewee": "respondent"}),
    ("case.decision_proposed", {"panel": "first"}),
    ("case.decision_signed", {"proposal": 3, "panel": "first"}),
    ("case.message_sent", {"thread": "complainant-advocate", "attachments": []}),
]
_SUBMISSION: dict[str, Any] = {
    "reference": "OMB-2026-0003",
    "organisation": "demo-party",
    "anonymous": True,
    "complainant": COMPLAINANT,
    "tokens": [],
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_LATER_EVENTS),
            st.sampled_from(["p-a", "p-b", "p-c"]),
            st.integers(min_value=0, max_value=20 * 24 * 3600),
        ),
        max_size=25,
    )
)
def test_folding_any_prefix_never_raises_and_ends_at_its_last_version(
    later: list[tuple[tuple[str, dict[str, Any]], str, int]],
) -> None:
    events = [event("case.submitted", 1, at=SUBMITTED_AT, actor=COMPLAINANT, **_SUBMISSION)]
    at = SUBMITTED_AT
    for version, ((type_, meta), actor, seconds) in enumerate(later, start=2):
        at += timedelta(seconds=seconds)
        events.append(event(type_, version, at=at, actor=actor, **meta))
    assert fold([], holidays=HOLIDAYS).version == 0
    for end in range(1, len(events) + 1):
        state = fold(events[:end], holidays=HOLIDAYS)
        assert state.version == events[end - 1].version
        assert state.stage is not None and state.received_at == SUBMITTED_AT
