"""A decided case stands: the complainant can no longer withdraw it (the respondent may
still appeal, and vetting must find the decision), and a case under appeal closes only
when the appeal panel decides."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.read_models import case_state
from ombuds.decisions.appeals import appeal_lodge
from ombuds.intake.services import report_withdraw
from ombuds.lib.errors import TransitionRefused
from ombuds.record.stages import Stage
from tests.decisions.conftest import (
    Scene,
    allocate,
    decide,
    key_of,
)
from tests.vetting.conftest import (
    vetter,  # noqa: F401  (a fixture)
)


def test_complainant_cannot_withdraw_after_the_panel_decided(scene: Scene) -> None:
    """DESIGN: withdrawn is an exit from the process; once the panel has decided, the
    respondent may still appeal and the decision stands. Withdrawing now wipes it out."""
    decide(scene, allocate(scene))
    assert scene.refresh().stage == Stage.DECISION
    with pytest.raises(TransitionRefused, match="can no longer be withdrawn"):
        report_withdraw(access=scene.report.access, reason="")
    assert scene.refresh().stage == Stage.DECISION


def test_case_manager_cannot_close_a_case_while_its_appeal_is_pending(scene: Scene) -> None:
    """The guard on close says closing must not cut off either party's right to appeal;
    closing while the appeal is being heard does exactly that."""
    decide(scene, allocate(scene))
    appeal_lodge(participant=scene.the_respondent(), grounds="I was never shown the records.")
    assert scene.refresh().stage == Stage.APPEAL
    cm = scene.cast.case_manager
    with pytest.raises(TransitionRefused):
        case_services.case_close(
            actor=cm, case=scene.refresh(), private_key=key_of(cm), reason="Tidying up old cases."
        )
    assert case_state(scene.case.id).stage == Stage.APPEAL
