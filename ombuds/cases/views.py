"""Handlers' pages: the cases assigned to them, a case file, and the case manager's actions.

Views parse input, call one service or selector and render. Access is decided where the
case is loaded (`case_for_handler`: not assigned is 404) and by the services (wrong role
is NotPermitted, 403); the middleware maps both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ombuds.cases.assessment import RISKS, SCOPES
from ombuds.cases.lifecycle import available_transitions
from ombuds.cases.models import Assignment, Case
from ombuds.cases.read_models import case_state
from ombuds.cases.selectors import case_for_handler, linked_cases
from ombuds.cases.services import (
    ALLOCATABLE,
    CaseEntry,
    case_read,
)
from ombuds.people.forms import ROLE_NAMES
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record import events
from ombuds.record.events import spec_for
from ombuds.record.outcomes import decision_text
from ombuds.record.readers import shown_to_handlers
from ombuds.record.roles import Role
from ombuds.record.stages import ALLOCATION_STAGES, FINAL_STAGES, Stage
from ombuds.record.state import CaseState
from ombuds.timetable.service_levels import deadline_description

_HANDLER_ROLE_NAMES = frozenset(role.value for role in HANDLER_ROLES)

# Actions that have a page here, in the order they are offered.
ACTION_PAGES = ("acknowledge", "assess", "close")
# Mirrors case_allocate: handlers can join a case only before findings.

_STAGE_TAGS = {
    Stage.RECEIVED: "tag--yellow",
    Stage.CLOSED: "tag--green",
    Stage.WITHDRAWN: "tag--grey",
    Stage.REFERRED: "tag--grey",
}


_CONTENT_LABELS = {
    "scope": "Scope",
    "risk": "Risk",
    "notes": "Notes",
    "reason": "Reason",
    "text": "Information",
}
_CONTENT_VALUES = {**SCOPES, **RISKS}

# The complainant's account, in the order it is read.
ACCOUNT_QUESTIONS = (
    ("what_happened", "What happened"),
    ("when", "When it happened"),
    ("where", "Where it happened"),
    ("people_involved", "Who was involved"),
    ("respondent_name", "Name of the person who did this"),
    ("respondent_unit", "Their branch, office or group"),
    ("witnesses", "Witnesses"),
    ("outcome_wanted", "What the complainant wants to happen"),
    ("your_name", "Complainant's name"),
    ("your_unit", "Complainant's branch, office or group"),
    ("contact", "How to contact them"),
)


def stage_words(stage: str) -> str:
    return stage.replace("_", " ").capitalize()


def role_words(role: str) -> str:
    try:
        return ROLE_NAMES[Role(role)]
    except ValueError:
        return role


@dataclass(frozen=True)
class CaseSummary:
    """What a list of cases or a case page shows about the case itself (no content)."""

    reference: str
    organisation: str
    stage: str
    stage_tag: str
    received_at: datetime
    deadline: str
    deadline_at: datetime | None
    overdue: bool

    @classmethod
    def of(cls, case: Case, now: datetime) -> CaseSummary:
        return cls(
            reference=case.reference,
            organisation=case.organisation.name,
            stage=stage_words(case.stage),
            stage_tag=_STAGE_TAGS.get(Stage(case.stage), ""),
            received_at=case.received_at,
            deadline=deadline_description(case.deadline_name),
            deadline_at=case.deadline_at,
            overdue=case.deadline_at is not None and case.deadline_at < now,
        )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    by: str
    details: list[tuple[str, str]]


def _history_entry(entry: CaseEntry, names: dict[str, str]) -> HistoryEntry:
    what = spec_for(entry.type).handlers
    details: list[tuple[str, str]] = []
    if entry.type in {events.ASSIGNED.type, events.UNASSIGNED.type}:
        person = str(entry.metadata.get("person", ""))
        details.append((role_words(str(entry.metadata.get("role", ""))), names.get(person, "")))
    if entry.type == events.CASE_LINKED.type:
        details.append(("Other case", str(entry.metadata.get("reference", ""))))
    if entry.type in _DECISION_EVENTS and entry.content:
        details.extend(_decision_details(entry))
    elif entry.type != events.SUBMITTED.type:
        for key, value in entry.content.items():
            if value not in ("", None, [], {}):
                label = _CONTENT_LABELS.get(key, key.replace("_", " ").capitalize())
                details.append((label, _content_text(value)))
    return HistoryEntry(
        at=entry.recorded_at, what=what, by=role_words(entry.actor_role), details=details
    )


_DECISION_EVENTS = frozenset(
    {
        events.DECISION_PROPOSED.type,
        events.DECIDED.type,
        events.APPEAL_DECIDED.type,
        events.DECISION_DISCLOSED.type,
        events.APPEAL_DECISION_DISCLOSED.type,
    }
)


def _decision_details(entry: CaseEntry) -> list[tuple[str, str]]:
    """A panel's decision in words: each allegation's outcome, the sanctions, the reasons."""
    text = decision_text(
        entry.content, panel=str(entry.metadata.get("panel", "")), at=entry.recorded_at
    )
    details = [
        (
            line.allegation or "Allegation",
            line.outcome + (f" (the panel's own finding: {line.reasons})" if line.changed else ""),
        )
        for line in text.outcomes
    ]
    if text.sanctions:
        details.append(("Sanctions", "\n".join(text.sanctions)))
    if text.reasons:
        details.append(("Reasons", text.reasons))
    return details


def _content_text(value: object) -> str:
    """Plain text for a decrypted value: lists one item per line, maps as "key: value"."""
    if isinstance(value, list):
        return "\n".join(_content_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{str(k).replace('_', ' ').capitalize()}: {_content_text(v)}"
            for k, v in value.items()
            if v not in ("", None)
        )
    return _CONTENT_VALUES.get(str(value), str(value))


def _assigned(case: Case) -> QuerySet[Assignment]:
    """The handlers on a case (the parties are not listed by name)."""
    return (
        Assignment.objects.filter(case=case, role__in=HANDLER_ROLES)
        .select_related("person")
        .order_by("role", "person__display_name")
    )


def _actions(state: CaseState, person: User) -> list[tuple[str, str, str]]:
    """(url name, role or "", label) of each action this person can take here now."""
    if person.role != Role.CASE_MANAGER or state.stage is None:
        return []
    available = {
        t.name: t for t in available_transitions(state.stage, Role.CASE_MANAGER, state.facts)
    }
    actions = [
        (f"cases:{name}", "", available[name].label) for name in ACTION_PAGES if name in available
    ]
    if state.stage in ALLOCATION_STAGES:
        actions[:0] = [
            ("cases:allocate", role.value, f"Allocate an {role.value}")
            for role in ALLOCATABLE
            if not state.holders(role)
        ]
    return actions


@role_required(*HANDLER_ROLES)
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    person = person_of(request)
    case = case_for_handler(person, reference)
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    entries = case_read(actor=person, case=case, private_key=private_key)
    case = Case.objects.select_related("organisation").get(pk=case.pk)
    state = case_state(case.id)
    assigned = list(_assigned(case))
    # Everyone who ever handled the case keeps her name in its history.
    names = {
        p.pseudonym: p.display_name or p.username
        for p in User.objects.filter(
            pseudonym__in=[p for p, role in state.handled if role in _HANDLER_ROLE_NAMES]
        )
    }
    account = entries[0].content if entries and entries[0].type == events.SUBMITTED.type else {}
    context = {
        "case": case,
        "summary": CaseSummary.of(case, timezone.now()),
        "assigned": [(role_words(a.role), names[a.person.pseudonym]) for a in assigned],
        "account": [(label, account.get(key, "")) for key, label in ACCOUNT_QUESTIONS],
        "history": [
            _history_entry(e, names) for e in entries if shown_to_handlers(e.type, e.metadata)
        ],
        "actions": _actions(state, person),
        "state": state,  # the parts above offer their links from these (web/templatetags)
        "person": person,
        "your_role": role_words(person.role),
        "closed": Stage(case.stage) in FINAL_STAGES,
        "checkins": state.checkins,
        "linked": linked_cases(case),
    }
    return render(request, "cases/case_detail.html", context)


# The case manager's actions ----------------------------------------------------------
