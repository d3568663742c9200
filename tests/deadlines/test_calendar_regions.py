"""The working-day calendar of each region, against known holiday dates, and closures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from ombuds.cases.read_models import case_holidays
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.working_days import add_working_days, deadline_for, is_working_day
from ombuds.people.models import Organisation
from ombuds.people.regions import REGIONS, public_holidays, region_named
from ombuds.record.roles import Role
from ombuds.timetable.schedule import organisation_holidays
from ombuds.timetable.services import calendar_region_set, closure_day_add, closure_day_remove
from tests.conftest import Cast

EASTER_MONDAY_2026 = date(2026, 4, 6)
ST_ANDREWS_2026 = date(2026, 11, 30)  # a Monday: the day itself is the holiday
ST_ANDREWS_2025_OBSERVED = date(2025, 12, 1)  # 30 Nov 2025 is a Sunday
BOYNE_2025 = date(2025, 7, 14)  # 12 July 2025 is a Saturday: observed on the Monday
ST_PATRICK_2026 = date(2026, 3, 17)
BOXING_DAY_2026_OBSERVED = date(2026, 12, 28)


def holidays_of(region: str, year: int) -> frozenset[date]:
    return public_holidays(region, [year])


def test_england_and_wales() -> None:
    days = holidays_of("england_wales", 2026)
    assert EASTER_MONDAY_2026 in days
    assert date(2026, 8, 31) in days  # late summer bank holiday
    assert ST_ANDREWS_2026 not in days and date(2026, 7, 13) not in days


def test_scotland() -> None:
    days = holidays_of("scotland", 2026) | holidays_of("scotland", 2025)
    assert ST_ANDREWS_2026 in days
    assert ST_ANDREWS_2025_OBSERVED in days
    assert EASTER_MONDAY_2026 not in days  # not a bank holiday in Scotland
    assert date(2026, 1, 2) in days and date(2026, 8, 3) in days


def test_northern_ireland() -> None:
    days = holidays_of("northern_ireland", 2026) | holidays_of("northern_ireland", 2025)
    assert date(2026, 7, 13) in days  # 12 July 2026 is a Sunday
    assert BOYNE_2025 in days
    assert ST_PATRICK_2026 in days and EASTER_MONDAY_2026 in days


def test_every_region_knows_christmas_and_an_unknown_one_is_refused() -> None:
    for region in REGIONS:
        assert date(2026, 12, 25) in holidays_of(region.code, 2026)
    with pytest.raises(InvalidInput):
        region_named("atlantis")


def test_a_deadline_skips_the_regions_holidays() -> None:
    friday = datetime(2026, 11, 27, 10, tzinfo=UTC)
    scotland = holidays_of("scotland", 2026)
    # Two working days from Friday: Mon 30 Nov is St Andrew's Day in Scotland only.
    assert deadline_for(friday, 2).date() == date(2026, 12, 1)
    assert deadline_for(friday, 2, holidays=scotland).date() == date(2026, 12, 2)
    assert not is_working_day(BOXING_DAY_2026_OBSERVED, holidays=scotland)
    assert add_working_days(date(2026, 12, 24), 1, holidays=scotland) == date(2026, 12, 29)


@pytest.mark.django_db
def test_an_organisation_keeps_its_regions_holidays_and_closures(
    cast: Cast, organisation: Organisation
) -> None:
    assert EASTER_MONDAY_2026 in organisation_holidays(organisation)
    calendar_region_set(actor=cast.administrator, organisation=organisation, region="scotland")
    organisation.refresh_from_db()
    days = organisation_holidays(organisation)
    assert ST_ANDREWS_2026 in days and EASTER_MONDAY_2026 not in days
    office_move = date(2026, 12, 3)
    closure_day_add(
        actor=cast.administrator, organisation=organisation, day=office_move, label="Office move"
    )
    assert office_move in organisation_holidays(organisation)
    assert organisation_holidays(organisation, start=date(2026, 12, 1), end=date(2026, 12, 31)) == {
        office_move,
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),
    }
    with pytest.raises(InvalidInput, match="already a closure day"):
        closure_day_add(
            actor=cast.administrator, organisation=organisation, day=office_move, label="Again"
        )
    closure_day_remove(actor=cast.administrator, organisation=organisation, day=office_move)
    assert office_move not in organisation_holidays(organisation)


@pytest.mark.django_db
def test_only_an_administrator_changes_the_calendar(cast: Cast, organisation: Organisation) -> None:
    for person in (cast.case_manager, cast.auditor):
        with pytest.raises(NotPermitted):
            calendar_region_set(actor=person, organisation=organisation, region="scotland")
    with pytest.raises(InvalidInput):
        closure_day_add(
            actor=cast.administrator, organisation=organisation, day=date(2026, 1, 5), label=" "
        )
    organisation.refresh_from_db()
    assert organisation.region == "england_wales"


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 27, 9, tzinfo=UTC), tick=False)
def test_case_holidays_follow_the_cases_organisation(
    cast: Cast, organisation: Organisation, anonymous_report: object
) -> None:
    from ombuds.cases.models import Case

    case = Case.objects.get()
    assert ST_ANDREWS_2026 not in case_holidays(case.id)
    calendar_region_set(actor=cast.administrator, organisation=organisation, region="scotland")
    assert ST_ANDREWS_2026 in case_holidays(case.id)
    assert Role.OVERSIGHT_OFFICER.value == "oversight_officer"
