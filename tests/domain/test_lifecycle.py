"""The lifecycle table, checked pair by pair and by random walks. Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ombuds.cases.lifecycle import (
    SUBMIT,
    TRANSITIONS,
    Transition,
    available_transitions,
    check_transition,
    transition_for_event,
    transition_named,
)
from ombuds.lib.errors import InvalidInput, NotPermitted, TransitionRefused
from ombuds.record.roles import Role
from ombuds.record.stages import FINAL_STAGES, OPEN_STAGES, STAGE_LABELS, Stage, stage_label
from ombuds.record.state import CaseFacts

pytestmark = pytest.mark.database_free

S = Stage
ALL = (SUBMIT, *TRANSITIONS)
STAGES_OR_NEW: list[Stage | None] = [None, *Stage]
OPEN: set[Stage | None] = set(OPEN_STAGES)
DECIDED: set[Stage | None] = {S.DECISION, S.APPEAL, S.APPEAL_DECISION}

# An independent restatement of DESIGN.md's lifecycle: name -> (source stages, target).
# `None` is a new case. The table under test must agree with this, and the random
# walk below folds over it.
REFERENCE: dict[str, tuple[set[Stage | None], Stage]] = {
    "submit": ({None}, S.RECEIVED),
    "acknowledge": ({S.RECEIVED}, S.ACKNOWLEDGED),
    "assess": ({S.ACKNOWLEDGED}, S.ASSESSED),
    "route_informal": ({S.ASSESSED}, S.INFORMAL_RESOLUTION),
    "open_investigation": ({S.ASSESSED}, S.INVESTIGATION),
    "escalate": ({S.INFORMAL_RESOLUTION}, S.INVESTIGATION),
    "record_findings": ({S.INVESTIGATION}, S.FINDINGS),
    "decide": ({S.FINDINGS}, S.DECISION),
    "appeal": ({S.DECISION}, S.APPEAL),
    "decide_appeal": ({S.APPEAL}, S.APPEAL_DECISION),
    "refer": (
        {S.ACKNOWLEDGED, S.ASSESSED, S.INFORMAL_RESOLUTION, S.INVESTIGATION},
        S.REFERRED,
    ),
    # Once the panel has decided, the decision stands: no withdrawal from then on, and a
    # case under appeal closes only through the appeal panel's decision.
    "withdraw": (OPEN - DECIDED, S.WITHDRAWN),
    "accept_withdrawal": (OPEN - DECIDED, S.WITHDRAWN),
    "close": (OPEN - {S.APPEAL}, S.CLOSED),
}

# Which guards each transition must have, and which must record a reason.
EXPECTED_GUARDS: dict[str, set[str]] = {
    "acknowledge": {"advocate_assigned"},
    "route_informal": {"complainant_agrees_informal"},
    "open_investigation": {"investigator_assigned"},
    "escalate": {"investigator_assigned"},
    "record_findings": {"respondent_heard"},
    "decide": {"findings_final", "panel_signed"},
    "appeal": {"appeal_window_open"},
    "decide_appeal": {"appeal_panel_signed"},
    "refer": {"referral_consent_or_safeguarding"},
    "close": {"appeal_window_closed"},
    "withdraw": {"no_risk_to_others"},
    "accept_withdrawal": {"withdrawal_requested"},
}
REQUIRES_REASON = {"escalate", "appeal", "refer", "close"}

# For every guard: facts that make it hold, and facts that make it fail.
GUARD_FACTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "advocate_assigned": ({"advocate_assigned": True}, {"advocate_assigned": False}),
    "complainant_agrees_informal": (
        {"complainant_agrees_informal": True},
        {"complainant_agrees_informal": False},
    ),
    "investigator_assigned": ({"investigator_assigned": True}, {"investigator_assigned": False}),
    "respondent_heard": (
        {"respondent_told_allegations": True, "respondent_interviewed": True},
        # Interviewed without being told the allegations is not due process.
        {"respondent_told_allegations": False, "respondent_interviewed": True},
    ),
    "findings_final": ({"findings_final": True}, {"findings_final": False}),
    "panel_signed": ({"panel_signoffs": 3}, {"panel_signoffs": 2}),
    "appeal_window_open": ({"appeal_window_open": True}, {"appeal_window_open": False}),
    "appeal_panel_signed": ({"appeal_panel_signoffs": 3}, {"appeal_panel_signoffs": 2}),
    "referral_consent_or_safeguarding": (
        {"complainant_consents_to_referral": True},
        # One override is not enough, even with a recorded risk.
        {"risk_to_others_recorded": True, "safeguarding_overrides": 1},
    ),
    "appeal_window_closed": ({"appeal_window_open": False}, {"appeal_window_open": True}),
    "no_risk_to_others": ({"risk_to_others_recorded": False}, {"risk_to_others_recorded": True}),
    "withdrawal_requested": ({"withdrawal_requested": True}, {"withdrawal_requested": False}),
}


def facts_for(transition: Transition, *, failing: str | None = None) -> CaseFacts:
    """Facts under which every guard of `transition` holds, except `failing`."""
    values: dict[str, Any] = {}
    for guard in transition.guards:
        if guard.name != failing:
            values.update(GUARD_FACTS[guard.name][0])
    if failing is not None:
        values.update(GUARD_FACTS[failing][1])
    return CaseFacts(**values)


def fold(names: Iterable[str]) -> Stage | None:
    """The reference fold: a case's stage from its transition names."""
    stage: Stage | None = None
    for name in names:
        sources, target = REFERENCE[name]
        assert stage in sources, f"{name} from {stage}"
        stage = target
    return stage


def ids(value: object) -> str:
    if isinstance(value, Transition):
        return value.name
    return "new" if value is None else str(value)


def test_table_matches_the_reference() -> None:
    assert {t.name for t in ALL} == set(REFERENCE)
    for t in ALL:
        sources, target = REFERENCE[t.name]
        expected = set() if t is SUBMIT else sources
        assert set(t.sources) == expected, t.name
        assert t.target == target, t.name
        assert {g.name for g in t.guards} == EXPECTED_GUARDS.get(t.name, set()), t.name
        assert t.requires_reason == (t.name in REQUIRES_REASON), t.name


def test_every_guard_has_test_facts() -> None:
    assert {g.name for t in ALL for g in t.guards} == set(GUARD_FACTS)


@pytest.mark.parametrize("transition", ALL, ids=ids)
@pytest.mark.parametrize("stage", STAGES_OR_NEW, ids=ids)
def test_every_stage_and_transition(stage: Stage | None, transition: Transition) -> None:
    role = sorted(transition.roles)[0]
    facts = facts_for(transition)
    reason = "A recorded reason."
    allowed = stage in REFERENCE[transition.name][0]

    if not allowed:
        with pytest.raises(TransitionRefused, match=r"^This case is .*; it cannot be .* now\.$"):
            check_transition(transition, stage=stage, role=role, facts=facts, reason=reason)
        return

    for each in transition.roles:
        check_transition(transition, stage=stage, role=each, facts=facts, reason=reason)
    for other in set(Role) - transition.roles:
        with pytest.raises(NotPermitted, match=r"^Only .+ can .+\.$"):
            check_transition(transition, stage=stage, role=other, facts=facts, reason=reason)
    for guard in transition.guards:
        refusing = facts_for(transition, failing=guard.name)
        assert not guard.holds(refusing)
        with pytest.raises(TransitionRefused) as refused:
            check_transition(transition, stage=stage, role=role, facts=refusing, reason=reason)
        assert refused.value.message == guard.refusal
    if transition.requires_reason:
        for missing in (None, "", "   \n"):
            with pytest.raises(TransitionRefused, match="reason"):
                check_transition(transition, stage=stage, role=role, facts=facts, reason=missing)
    else:
        check_transition(transition, stage=stage, role=role, facts=facts)


def test_final_stages_have_no_way_out() -> None:
    values: dict[str, Any] = {
        f.name: 3 if type(f.default) is int else True for f in fields(CaseFacts)
    }
    permissive = CaseFacts(**values)
    for stage in FINAL_STAGES:
        assert not [t.name for t in ALL if stage in t.sources]
        for role in Role:
            assert available_transitions(stage, role, permissive) == []
            assert available_transitions(stage, role, CaseFacts()) == []


@pytest.mark.parametrize("stage", sorted(OPEN_STAGES), ids=ids)
@pytest.mark.parametrize(
    ("name", "role", "target"),
    [("withdraw", Role.COMPLAINANT, S.WITHDRAWN), ("close", Role.CASE_MANAGER, S.CLOSED)],
)
def test_every_open_stage_before_a_decision_can_be_withdrawn_and_closed(
    stage: Stage, name: str, role: Role, target: Stage
) -> None:
    transition = transition_named(name)
    facts = facts_for(transition)
    if stage not in REFERENCE[name][0]:
        # Decided: withdrawing would take the decision from the respondent's appeal and
        # from vetting; under appeal, closing would cut the appeal off.
        assert stage in DECIDED
        with pytest.raises(TransitionRefused):
            check_transition(transition, stage=stage, role=role, facts=facts, reason="Reason.")
        assert transition not in available_transitions(stage, role, facts)
        return
    check_transition(transition, stage=stage, role=role, facts=facts, reason="Reason.")
    assert transition in available_transitions(stage, role, facts)
    assert transition.target is target


def test_every_stage_is_reachable_from_submit() -> None:
    seen = {SUBMIT.target}
    frontier = [SUBMIT.target]
    while frontier:
        stage = frontier.pop()
        for t in TRANSITIONS:
            if stage in t.sources and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    assert seen == set(Stage)


def test_open_and_final_stages_partition_the_stages() -> None:
    assert frozenset(Stage) == OPEN_STAGES | FINAL_STAGES
    assert not OPEN_STAGES & FINAL_STAGES
    assert set(FINAL_STAGES) == {S.CLOSED, S.WITHDRAWN, S.REFERRED}


def test_event_types_are_unique_dotted_and_past_tense() -> None:
    event_types = [t.event_type for t in ALL]
    assert len(set(event_types)) == len(event_types)
    assert len({t.name for t in ALL}) == len(ALL)
    for event_type in event_types:
        assert re.fullmatch(r"case\.[a-z_]+(ed|wn)", event_type), event_type


def test_event_types_lead_back_to_their_transition() -> None:
    for t in ALL:
        assert transition_for_event(t.event_type) is t
        assert transition_named(t.name) is t
    assert transition_for_event("case.teleported") is None
    with pytest.raises(InvalidInput):
        transition_named("bury")


def test_close_without_a_reason_is_refused() -> None:
    close = transition_named("close")
    for missing in (None, "", "  "):
        with pytest.raises(TransitionRefused, match="reason"):
            check_transition(
                close, stage=S.INVESTIGATION, role=Role.CASE_MANAGER, facts=CaseFacts(),
                reason=missing,
            )  # fmt: skip


def test_close_cannot_cut_off_an_appeal() -> None:
    close = transition_named("close")
    with pytest.raises(TransitionRefused, match="appeal"):
        check_transition(
            close, stage=S.DECISION, role=Role.CASE_MANAGER,
            facts=CaseFacts(appeal_window_open=True), reason="Done.",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "holds"),
    [
        (CaseFacts(respondent_told_allegations=True, respondent_interviewed=True), True),
        (CaseFacts(respondent_told_allegations=True, respondent_declined_interview=True), True),
        (CaseFacts(respondent_told_allegations=True), False),
        (CaseFacts(respondent_interviewed=True, respondent_declined_interview=True), False),
    ],
)
def test_due_process_guard(facts: CaseFacts, holds: bool) -> None:
    (guard,) = transition_named("record_findings").guards
    assert guard.holds(facts) is holds


@pytest.mark.parametrize(
    ("facts", "holds"),
    [
        (CaseFacts(complainant_consents_to_referral=True), True),
        (CaseFacts(risk_to_others_recorded=True, safeguarding_overrides=2), True),
        (CaseFacts(risk_to_others_recorded=True, safeguarding_overrides=1), False),
        (CaseFacts(safeguarding_overrides=2), False),
        (CaseFacts(), False),
    ],
)
def test_referral_guard(facts: CaseFacts, holds: bool) -> None:
    (guard,) = transition_named("refer").guards
    assert guard.holds(facts) is holds


def test_available_transitions_are_the_buttons() -> None:
    facts = CaseFacts(investigator_assigned=True)
    names = {t.name for t in available_transitions(S.ASSESSED, Role.CASE_MANAGER, facts)}
    assert names == {"open_investigation", "close"}
    names = {t.name for t in available_transitions(S.ASSESSED, Role.COMPLAINANT, facts)}
    assert names == {"withdraw"}
    assert available_transitions(S.ASSESSED, Role.LIAISON, facts) == []


def test_deadlines_started() -> None:
    started = {t.name: (t.starts.name, t.starts.working_days) for t in ALL if t.starts}
    assert started["submit"] == ("acknowledge", 2)
    assert started["acknowledge"] == ("assess", 10)
    assert started["assess"] == ("route", 5)
    assert started["open_investigation"] == ("investigation", 60)
    assert started["record_findings"] == ("decision", 20)
    assert started["decide"] == ("appeal_window", 15)
    assert started["appeal"] == ("appeal_decision", 20)
    for t in ALL:
        if t.target in OPEN_STAGES:
            assert t.starts is not None, f"{t.name} leaves its stage without a deadline"
        else:
            assert t.starts is None


def test_stage_labels_are_plain_words() -> None:
    assert set(STAGE_LABELS) == set(Stage)
    assert stage_label(S.RECEIVED) == "We have received your report"
    for stage in Stage:
        assert stage_label(stage) and "_" not in stage_label(stage)


facts_strategy = st.builds(
    CaseFacts,
    **{
        f.name: st.integers(0, 4) if type(f.default) is int else st.booleans()
        for f in fields(CaseFacts)
    },
)


@given(
    stage=st.sampled_from(list(Stage)),
    role=st.sampled_from(list(Role)),
    facts=facts_strategy,
)
def test_available_agrees_with_check(stage: Stage, role: Role, facts: CaseFacts) -> None:
    available = available_transitions(stage, role, facts)
    for t in TRANSITIONS:
        try:
            check_transition(t, stage=stage, role=role, facts=facts, reason="Reason.")
        except (NotPermitted, TransitionRefused):
            assert t not in available
        else:
            assert t in available


@given(st.data())
def test_random_walks_follow_the_reference(data: st.DataObject) -> None:
    check_transition(SUBMIT, stage=None, role=Role.COMPLAINANT, facts=facts_for(SUBMIT))
    walk = ["submit"]
    stage = SUBMIT.target
    for _ in range(data.draw(st.integers(0, 12), label="steps")):
        options = [t for t in TRANSITIONS if stage in t.sources]
        if stage in FINAL_STAGES:
            assert options == []
            for t in ALL:
                with pytest.raises(TransitionRefused):
                    check_transition(
                        t, stage=stage, role=sorted(t.roles)[0], facts=facts_for(t),
                        reason="Reason.",
                    )  # fmt: skip
            break
        transition = data.draw(st.sampled_from(options), label="transition")
        role = data.draw(st.sampled_from(sorted(transition.roles)), label="role")
        facts = facts_for(transition)
        assert transition in available_transitions(stage, role, facts)
        check_transition(transition, stage=stage, role=role, facts=facts, reason="Reason.")
        walk.append(transition.name)
        stage = transition.target
        assert stage in set(Stage)
        assert stage == fold(walk)
