"""The administrator's commands on an organisation's calendar and service levels.

Each checks the actor is an administrator, validates before writing, records a scheme
event, and changes its own table, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from ombuds.ledger.actor import Actor
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.security_log import administrator_action
from ombuds.people.models import Organisation, User
from ombuds.people.regions import region_named
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.record.spec import EventSpec
from ombuds.timetable.models import ClosureDay, ServiceLevelSetting
from ombuds.timetable.schedule import forget_calendar
from ombuds.timetable.service_levels import LEVELS, check_level, level_named


def _administrator(actor: User) -> Actor:
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Only a scheme administrator can change an organisation's calendar.")
    return Actor(pseudonym=actor.pseudonym, role=actor.role)


def _record(actor: Actor, spec: EventSpec, metadata: Mapping[str, object]) -> None:
    event_append(spec, stream=SCHEME_STREAM, actor=actor, metadata=metadata)
    administrator_action(by=actor.pseudonym, action=spec.type)


def calendar_region_set(*, actor: User, organisation: Organisation, region: str) -> None:
    """Choose whose public holidays the organisation's working days follow."""
    who = _administrator(actor)
    code = region_named(region).code
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(region=code)
        _record(
            who,
            events_scheme.CALENDAR_REGION_SET,
            {"organisation": organisation.slug, "region": code},
        )
    organisation.region = code


def closure_day_add(*, actor: User, organisation: Organisation, day: date, label: str) -> None:
    """Add a day the scheme is closed for this organisation (not counted as a working day)."""
    who = _administrator(actor)
    label = label.strip()
    if not label:
        raise InvalidInput("Say what the closure is, for example Office move.")
    with transaction.atomic():
        if ClosureDay.objects.filter(organisation=organisation, day=day).exists():
            raise InvalidInput(f"{day:%-d %B %Y} is already a closure day.")
        ClosureDay.objects.create(organisation=organisation, day=day, label=label[:80])
        _record(
            who,
            events_scheme.CLOSURE_DAY_ADDED,
            {"organisation": organisation.slug, "day": day.isoformat()},
        )
    forget_calendar(organisation.pk)


def closure_day_remove(*, actor: User, organisation: Organisation, day: date) -> None:
    """Make a closure day a working day again."""
    who = _administrator(actor)
    with transaction.atomic():
        removed, _ = ClosureDay.objects.filter(organisation=organisation, day=day).delete()
        if not removed:
            raise InvalidInput(f"{day:%-d %B %Y} is not a closure day.")
        _record(
            who,
            events_scheme.CLOSURE_DAY_REMOVED,
            {"organisation": organisation.slug, "day": day.isoformat()},
        )
    forget_calendar(organisation.pk)


def service_levels_set(
    *, actor: User, organisation: Organisation, values: Mapping[str, int]
) -> list[str]:
    """Set the organisation's service levels. Every value is checked against its limit
    first; one refused value saves nothing. Returns the names that changed."""
    who = _administrator(actor)
    for name, value in values.items():
        check_level(name, value)
    current = dict(
        ServiceLevelSetting.objects.filter(organisation=organisation).values_list("name", "value")
    )
    changed = [
        name
        for name, value in values.items()
        if current.get(name, level_named(name).default) != value
    ]
    with transaction.atomic():
        for name in changed:
            value = values[name]
            if value == LEVELS[name].default:
                ServiceLevelSetting.objects.filter(organisation=organisation, name=name).delete()
            else:
                ServiceLevelSetting.objects.update_or_create(
                    organisation=organisation, name=name, defaults={"value": value}
                )
            _record(
                who,
                events_scheme.SERVICE_LEVEL_SET,
                {"organisation": organisation.slug, "level": name, "value": value},
            )
    forget_calendar(organisation.pk)
    return changed
