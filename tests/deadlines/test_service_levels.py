"""Service levels: the table, the administrator's changes within the limits, and each
lifecycle deadline counted from the organisation's own level, with a controlled clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from ombuds.cases.models import Case
from ombuds.cases.read_models import case_refresh, case_state
from ombuds.cases.services import case_acknowledge
from ombuds.intake.services import report_submit
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.working_days import deadline_for
from ombuds.people.models import Organisation
from ombuds.timetable.schedule import organisation_holidays, service_levels, working_days_for
from ombuds.timetable.service_levels import DEADLINES, LEVELS, SERVICE_LEVELS, check_level
from ombuds.timetable.services import service_levels_set
from tests.conftest import Cast, an_account, date_boxes, sign_in


def due(at: datetime | None) -> date:
    assert at is not None
    return at.date()


ISSUE_DEFAULTS = {
    "acknowledge": 2,
    "advocate_contact": 2,
    "assess": 10,
    "investigation": 60,
    "decision": 20,
    "appeal_window": 15,
    "appeal_decision": 20,
    "party_update": 20,
    "update_requested": 2,
    "feedback": 3,
}


def test_the_defaults_meet_the_issue_and_their_own_limits() -> None:
    for name, days in ISSUE_DEFAULTS.items():
        assert LEVELS[name].default == days
    for level in SERVICE_LEVELS:
        assert level.refusal(level.default) is None, level.name
        assert level.covers and (level.limit is None or level.limit_source)
    # Every lifecycle deadline has a level, so every deadline can be set per organisation.
    assert set(DEADLINES) <= set(LEVELS)


def test_limits_refuse_in_plain_words() -> None:
    with pytest.raises(InvalidInput, match="at most 5 working days"):
        check_level("acknowledge", 6)
    with pytest.raises(InvalidInput, match="at least 10 working days"):
        check_level("appeal_window", 9)
    with pytest.raises(InvalidInput, match="3 months"):
        check_level("feedback", 4)
    with pytest.raises(InvalidInput, match="at least 1"):
        check_level("investigation", 0)
    with pytest.raises(InvalidInput, match="no service level"):
        check_level("coffee", 1)
    check_level("investigation", 90)


@pytest.mark.django_db
def test_an_administrator_changes_levels_never_past_the_limit(
    cast: Cast, organisation: Organisation
) -> None:
    changed = service_levels_set(
        actor=cast.administrator, organisation=organisation, values={"investigation": 40}
    )
    assert changed == ["investigation"]
    assert working_days_for(organisation, "investigation") == 40
    assert working_days_for(organisation, "assess") == 10
    with pytest.raises(InvalidInput):  # one bad value saves nothing
        service_levels_set(
            actor=cast.administrator,
            organisation=organisation,
            values={"investigation": 30, "acknowledge": 8},
        )
    assert service_levels(organisation)["investigation"] == 40
    with pytest.raises(NotPermitted):
        service_levels_set(
            actor=cast.case_manager, organisation=organisation, values={"investigation": 30}
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DEADLINES))
def test_each_lifecycle_deadline_counts_the_organisations_level(
    name: str, cast: Cast, organisation: Organisation
) -> None:
    value = 12 if name == "appeal_window" else 4  # within each level's limit
    # Thursday 24 December 2026, England and Wales: Christmas, Boxing Day (observed 28th).
    with time_machine.travel(datetime(2026, 12, 24, 15, tzinfo=UTC), tick=False):
        started = datetime.now(UTC)
        service_levels_set(
            actor=cast.administrator, organisation=organisation, values={name: value}
        )
        days = working_days_for(organisation, name)
        due = deadline_for(started, days, holidays=organisation_holidays(organisation))
    assert days == value
    # 29, 30, 31 Dec, (1 Jan a holiday) then 4-8 Jan, then 11-14 Jan.
    assert due.date() == {4: date(2027, 1, 4), 12: date(2027, 1, 14)}[value]


@pytest.mark.django_db
def test_the_pages(client: Client, cast: Cast, organisation: Organisation) -> None:
    sign_in(client, cast.administrator.username)
    page = client.get(f"/admin-area/organisations/{organisation.slug}/service-levels/")
    assert page.status_code == 200 and b"Acknowledge the report" in page.content
    values = {level.name: level.default for level in SERVICE_LEVELS}
    refused = client.post(page.request["PATH_INFO"], {**values, "acknowledge": 9})
    assert refused.status_code == 400 and b"at most 5 working days" in refused.content
    assert working_days_for(organisation, "acknowledge") == 2
    saved = client.post(page.request["PATH_INFO"], {**values, "acknowledge": 1})
    assert saved.status_code == 302 and working_days_for(organisation, "acknowledge") == 1

    calendar = f"/admin-area/organisations/{organisation.slug}/calendar/"
    assert client.get(calendar).status_code == 200
    bad = client.post(
        calendar + "closures/",
        {"day_day": "30", "day_month": "2", "day_year": "2027", "label": "Move"},
    )
    assert bad.status_code == 400 and b"must be a real date" in bad.content
    added = client.post(
        calendar + "closures/", {**date_boxes("day", "2027-01-04"), "label": "Move"}
    )
    assert added.status_code == 302
    assert date(2027, 1, 4) in organisation_holidays(organisation)
    assert client.post(calendar + "region/", {"region": "scotland"}).status_code == 302
    assert client.post(calendar + "region/", {"region": "mars"}).status_code == 400
    removed = client.post(calendar + "closures/remove/", {"day": "2027-01-04"})
    assert removed.status_code == 302
    organisation.refresh_from_db()
    assert organisation.region == "scotland"


@pytest.mark.django_db
def test_a_cases_deadlines_follow_the_level_in_force_when_each_started(
    cast: Cast, organisation: Organisation
) -> None:
    """End to end: the submission and each transition write the organisation's level into
    the record, the read model's deadline counts it on the region's calendar, and a later
    change of level moves no deadline already running, even when the case is refolded."""
    service_levels_set(
        actor=cast.administrator, organisation=organisation, values={"acknowledge": 4, "assess": 3}
    )
    # Thursday 24 December 2026: Christmas Day and Boxing Day (observed Monday 28th) and
    # New Year's Day are not working days in England and Wales.
    with time_machine.travel(datetime(2026, 12, 24, 15, tzinfo=UTC), tick=False):
        case = report_submit(
            organisation_slug=organisation.slug, account=an_account(), anonymous=True
        ).case
    assert (case.deadline_name, due(case.deadline_at)) == ("acknowledge", date(2027, 1, 4))
    service_levels_set(
        actor=cast.administrator, organisation=organisation, values={"acknowledge": 2}
    )
    assert due(case_refresh(case.id).deadline_at) == date(2027, 1, 4)
    assert due(case_state(case.id, organisation).deadline_at) == date(2027, 1, 4)
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False):
        case = case_acknowledge(actor=cast.case_manager, case=Case.objects.get(pk=case.pk))
    assert (case.deadline_name, due(case.deadline_at)) == ("assess", date(2027, 1, 7))
