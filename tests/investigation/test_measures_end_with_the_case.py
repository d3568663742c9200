"""Interim measures are interim: they end with the case they were imposed in, and the
organisation is told to stop applying them; nothing can be done on them afterwards."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.intake.services import report_withdraw
from ombuds.investigation.measure_selectors import measures_of
from ombuds.investigation.measures import measure_review
from ombuds.investigation.models import InterimMeasure
from ombuds.investigation.rules import ENDED
from ombuds.investigation.selectors import today
from ombuds.ledger.verify import verify_ledger
from ombuds.lib.errors import TransitionRefused
from ombuds.record.stages import Stage
from tests.investigation.conftest import World, key_of, working_day_after


def _in_force(world: World) -> list[int]:
    return [n for n, m in measures_of(world.case).items() if m.in_force_on(today())]


def _close(world: World) -> None:
    cm = world.cast.case_manager
    case_services.case_close(
        actor=cm, case=world.case, private_key=key_of(cm), reason="Outside the scheme after all."
    )


def test_withdrawal_ends_the_measure_and_tells_the_organisation(world: World) -> None:
    number = world.approved_measure(days=30)
    assert _in_force(world) == [number]
    report_withdraw(access=world.report.access, reason="")
    assert world.case.stage == Stage.WITHDRAWN
    assert _in_force(world) == []
    told = world.notices()[-1]
    assert told["kind"] == "measure_ended" and f"measure {number} ended" in str(told["measure"])
    assert InterimMeasure.objects.get(case=world.case, number=number).status == ENDED
    assert verify_ledger().ok


def test_closing_ends_measures_in_force_and_proposed(world: World) -> None:
    in_force = world.approved_measure(days=30)
    proposed = world.propose()
    notices = len(world.notices())
    _close(world)
    assert world.case.stage == Stage.CLOSED
    statuses = {m.number: m.status for m in measures_of(world.case).values()}
    assert statuses == {in_force: ENDED, proposed: ENDED}
    assert len(world.notices()) == notices + 1  # the organisation never heard of the other


def test_a_measure_cannot_be_continued_on_a_closed_case(world: World) -> None:
    number = world.approved_measure(days=30)
    _close(world)
    before = world.case.version
    with pytest.raises(TransitionRefused):
        measure_review(
            participant=world.case_manager(),
            measure=number,
            outcome="continued",
            reason="Keep him out.",
            review_date=working_day_after(50),
        )
    assert world.case.version == before
