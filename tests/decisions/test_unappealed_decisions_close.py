"""A decision nobody appeals in the time allowed is final: the sweep closes the case, the
complainant is told why, and her advocate's check-ins after closure begin. Left open, it
sat at "decision" for ever, with no deadline anyone could miss."""

from __future__ import annotations

import html
from datetime import timedelta

import time_machine
from django.test import Client

from ombuds.cases.read_models import case_events, case_state
from ombuds.deadlines.sweep import deadlines_sweep
from ombuds.decisions.appeals import appeal_lodge
from ombuds.ledger.services import event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.record import events
from ombuds.record.stages import Stage
from tests.conftest import sign_in_with_receipt
from tests.decisions.conftest import Scene, allocate, decide, fresh

FINAL = "Nobody appealed in the time allowed, so the panel's decision is final."


def test_the_sweep_closes_a_decision_nobody_appealed_in_time(scene: Scene) -> None:
    decide(scene, allocate(scene))
    window = fresh(scene.case).deadline_at
    assert window is not None and fresh(scene.case).deadline_name == "appeal_window"
    with time_machine.travel(window - timedelta(hours=1), tick=False):
        assert deadlines_sweep(window - timedelta(hours=1)).closed == 0
    assert fresh(scene.case).stage == Stage.DECISION
    after = window + timedelta(hours=1)
    with time_machine.travel(after, tick=False):
        assert deadlines_sweep(after).closed == 1
        assert deadlines_sweep(after).closed == 0  # once
        client = Client()
        assert scene.report.receipt
        sign_in_with_receipt(client, scene.report.receipt)
        page = html.unescape(client.get("/my-report/").content.decode())
        welsh = html.unescape(client.get("/cy/my-report/").content.decode())
    case = fresh(scene.case)
    assert case.stage == Stage.CLOSED
    closing = [e for e in case_events(case.id) if e.type == events.CLOSED.type]
    assert [event_metadata(e)["reason_code"] for e in closing] == ["appeal_time_passed"]
    assert case_state(case.id).checkins  # her advocate's check-ins are owed
    assert FINAL in page and "Your case was closed" in page
    assert FINAL not in welsh and "Nid apeliodd neb" in welsh
    assert verify_ledger().ok


def test_an_appealed_decision_is_not_closed_by_the_sweep(scene: Scene) -> None:
    decide(scene, allocate(scene))
    appeal_lodge(participant=scene.the_respondent(), grounds="I was never shown the records.")
    later = fresh(scene.case).deadline_at
    assert later is not None
    with time_machine.travel(later + timedelta(days=1), tick=False):
        assert deadlines_sweep(later + timedelta(days=1)).closed == 0
    assert fresh(scene.case).stage == Stage.APPEAL
