"""Over random pools with random declared conflicts, the first and the appeal panels are
always three distinct people, never overlap, never include anyone conflicted or anyone who
handled the case, and can be recomputed from the seed the allocation events record."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ombuds.cases.allocation import allocation_seed, choose_several
from ombuds.cases.assignments import submission_root
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import complainant_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.decisions.appeals import appeal_lodge
from ombuds.decisions.panels import appeal_panel_allocate, panel_allocate
from ombuds.decisions.services import OutcomeChoice
from ombuds.intake.services import report_submit
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import InvalidInput
from ombuds.people.models import Organisation
from ombuds.people.services import interest_tokens, interests_declare, person_create
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.respondents.services import respondent_invite
from tests.conftest import PASSWORD, Cast, an_account
from tests.decisions.conftest import (
    as_handler,
    decide_case,
    record_findings,
    under_investigation,
)

UNITS = ("North", "South", "Youth wing", "Head office", "Press office")
_names = itertools.count(1)

pools = st.lists(st.frozensets(st.sampled_from(UNITS), max_size=2), min_size=2, max_size=10)
parties = st.frozensets(st.sampled_from(UNITS), min_size=1, max_size=3)


def _panel_allocations(case: Case, panel: str) -> list[dict[str, object]]:
    return [
        event_metadata(e)
        for e in case_events(case.id)
        if e.type == events.ASSIGNED.type and event_metadata(e).get("panel") == panel
    ]


def _check_recomputable(case: Case, panel: str, eligible: list[str]) -> list[str]:
    """The recorded choice is what the allocation rule gives for the recorded seed."""
    allocations = _panel_allocations(case, panel)
    assert [m["seat"] for m in allocations] == [0, 1, 2]
    meta = allocations[0]
    assert {m["seed"] for m in allocations} == {meta["seed"]}
    assert all(m["eligible"] == len(eligible) for m in allocations)
    assert meta["seed"] == allocation_seed(
        submission_root=submission_root(case),
        case_id=str(case.id),
        role=f"panel_member:{panel}",
        round_number=int(str(meta["round"])),
    )
    chosen = [str(m["person"]) for m in allocations]
    assert choose_several(eligible, str(meta["seed"]), 3) == chosen
    return chosen


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(declared=pools, party_units=parties)
def test_panels_are_independent_and_recomputable(
    cast: Cast,
    organisation: Organisation,
    declared: list[frozenset[str]],
    party_units: frozenset[str],
) -> None:
    with transaction.atomic():
        _one_example(cast, organisation, declared, party_units)
        transaction.set_rollback(True)  # the next example starts from the same pool


def _one_example(
    cast: Cast, organisation: Organisation, declared: list[frozenset[str]], parties: frozenset[str]
) -> None:
    pool: dict[str, frozenset[str]] = {cast.panel_member.pseudonym: frozenset()}
    for units in declared:
        member = person_create(
            actor=None,
            username=f"pool-member-{next(_names)}",
            password=PASSWORD,
            role=Role.PANEL_MEMBER,
        )
        interests_declare(actor=member, interests=[("unit", u) for u in units])
        pool[member.pseudonym] = units
    report = report_submit(
        organisation_slug=organisation.slug, account=an_account(), anonymous=True
    )
    case = under_investigation(report, cast)
    respondent_invite(participant=as_handler(cast.investigator, case))
    case_record(
        as_handler(cast.case_manager, case),
        events.PARTIES_RECORDED,
        metadata={"tokens": interest_tokens([("unit", u) for u in parties])},
    )
    case = record_findings(case, cast.investigator)
    handlers = {cast.case_manager.pseudonym, cast.advocate.pseudonym, cast.investigator.pseudonym}
    free = sorted(p for p, units in pool.items() if not units & parties)
    conflicted = set(pool) - set(free)

    if len(free) < 3:
        event("too few for a first panel")
        with pytest.raises(InvalidInput, match=f"Only {len(free)} panel members are free"):
            panel_allocate(participant=as_handler(cast.case_manager, case))
        assert not _panel_allocations(case, "first")
        return
    first_people = panel_allocate(participant=as_handler(cast.case_manager, case))
    first = _check_recomputable(case, "first", free)
    assert first == [p.pseudonym for p in first_people] and len(set(first)) == 3
    assert not set(first) & (conflicted | handlers)

    # Decide (no action: nothing to tell the organisation), then the complainant appeals.
    not_upheld = [OutcomeChoice(n, "not_upheld", "No evidence.") for n in (1, 2)]
    decide_case(case, first_people, sanctions=["no_action"], outcomes=not_upheld, name="")
    appeal_lodge(participant=complainant_participant(report.access), grounds="It was wrong.")
    case = Case.objects.get(pk=case.pk)
    remaining = sorted(set(free) - set(first))
    if len(remaining) < 3:
        event("too few for an appeal panel")
        with pytest.raises(InvalidInput, match=f"Only {len(remaining)} panel members"):
            appeal_panel_allocate(participant=as_handler(cast.case_manager, case))
        state = case_state(case.id)
        assert set(state.holders(Role.PANEL_MEMBER)) == set(first)  # nothing changed
        return
    event("both panels allocated")
    appeal_panel_allocate(participant=as_handler(cast.case_manager, case))
    appeal = _check_recomputable(case, "appeal", remaining)
    assert len(set(appeal)) == 3
    assert not set(appeal) & (set(first) | conflicted | handlers)
    state = case_state(case.id)
    assert set(state.holders(Role.PANEL_MEMBER)) == set(appeal)
