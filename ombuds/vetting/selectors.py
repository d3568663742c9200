"""Reads of the vetting app, each filtered to what its reader may see: the answer a check
would give, the vetting lists, the checks about a person, cases naming the same person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from ombuds import vault
from ombuds.cases.models import Assignment, Case, CaseCourse
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream
from ombuds.lib.errors import DecryptionFailed
from ombuds.people.models import Organisation, User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import stage_name
from ombuds.vetting import rules
from ombuds.vetting.models import (
    Check,
    CheckCopy,
    Comment,
    LinkRequest,
    NamedPerson,
    Permission,
    Policy,
)

_DECISIONS = (events.DECIDED.type, events.APPEAL_DECIDED.type)


def may_vet(person: User) -> bool:
    """Whether this person may make vetting checks now."""
    return (
        person.role == Role.LIAISON
        and person.is_active
        and Permission.objects.filter(person=person).exists()
    )


def policy_for(organisation: Organisation) -> rules.Policy:
    """The organisation's vetting policy, or the scheme's default."""
    row = Policy.objects.filter(organisation=organisation).first()
    if row is None:
        return rules.Policy()
    return rules.Policy(finding_years=row.finding_years, tell_person=row.tell_person)


# What the answer is made of ---------------------------------------------------------


def _decided_at(case: Case) -> datetime | None:
    recorded = (
        Event.objects.filter(stream=case_stream(case.id), type__in=_DECISIONS)
        .order_by("-stream_version")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return parse_time(recorded) if recorded else None


def case_records(cases: list[Case]) -> list[rules.CaseRecord]:
    """What the answer may use of each case: its stage, the decision in force and when."""
    if not cases:
        return []
    courses = {
        case_id: (sanctions, upheld)
        for case_id, sanctions, upheld in CaseCourse.objects.filter(case__in=cases).values_list(
            "case_id", "sanctions", "upheld"
        )
    }
    records = []
    for case in cases:
        sanctions, upheld = courses.get(case.id, ("", None))
        decided = bool(sanctions) or upheld is not None
        records.append(
            rules.CaseRecord(
                stage=case.stage,
                sanctions=tuple(sanctions.split()),
                decided_at=_decided_at(case) if decided else None,
                upheld=upheld,
            )
        )
    return records


def cases_naming(tokens: list[str], organisation: Organisation) -> list[Case]:
    """The organisation's cases naming a person with one of these tokens: two index
    lookups (the ids are read first, so the cases are found by their key, never by a
    walk through the organisation's cases)."""
    ids = list(NamedPerson.objects.filter(token__in=tokens).values_list("case_id", flat=True))
    return list(Case.objects.filter(pk__in=ids, organisation=organisation)) if ids else []


def answer_today(
    cases: list[Case], organisation: Organisation, now: datetime, policy: rules.Policy | None = None
) -> str:
    """What a check about the person these cases name answers at `now`."""
    policy = policy or policy_for(organisation)
    return rules.answer(case_records(cases), now=now, policy=policy)


def respondent_organisation(person: User) -> Organisation | None:
    """The organisation of the case she is the respondent on."""
    assignment = (
        Assignment.objects.filter(person=person, role=Role.RESPONDENT)
        .select_related("case__organisation")
        .first()
    )
    return assignment.case.organisation if assignment else None


def _open(sealed: bytes, private_key: bytes | None) -> str | None:
    if private_key is None:
        return None
    try:
        return vault.open_sealed_for_person(sealed, private_key=private_key).decode()
    except DecryptionFailed:
        return None


# The person checked --------------------------------------------------------------------


def own_answer_today(person: User, now: datetime) -> str:
    """What a vetting check about the respondent would answer today: the cases naming
    the person her own case names, in her case's organisation."""
    organisation = respondent_organisation(person)
    if organisation is None:
        return rules.NO_RECORD
    own = Assignment.objects.filter(person=person, role=Role.RESPONDENT).values("case")
    tokens = list(NamedPerson.objects.filter(case__in=own).values_list("token", flat=True))
    cases = cases_naming(tokens, organisation) if tokens else []
    if not cases:  # her own case names her even if the report named nobody we could match
        cases = list(Case.objects.filter(pk__in=own))
    return answer_today(cases, organisation, now)


@dataclass(frozen=True)
class CheckRow:
    asked_at: datetime
    purpose: str | None  # None: sealed before this reader could read it
    kinds: tuple[str, ...]
    organisation: str = ""
    asked_by: str = ""  # for the oversight officer only


def checks_about(person: User, private_key: bytes | None) -> list[CheckRow]:
    """The checks made about this person that she was told of, newest first."""
    copies = (
        CheckCopy.objects.filter(reader=person, about_reader=True)
        .select_related("check_made")
        .order_by("-check_made__asked_at")
    )
    return [
        CheckRow(
            asked_at=c.check_made.asked_at,
            purpose=_open(bytes(c.sealed), private_key),
            kinds=rules.answer_kinds(c.check_made.answer),
        )
        for c in copies
    ]


def own_comment(person: User, private_key: bytes | None) -> str:
    copy = Comment.objects.filter(person=person, reader=person).first()
    return (_open(bytes(copy.sealed), private_key) or "") if copy else ""


# The lists -----------------------------------------------------------------------------

LIST_LENGTH = 200


def vetting_list(reader: User, private_key: bytes | None) -> list[CheckRow]:
    """The latest checks, for the oversight officer (with who asked), the auditor (without
    names) or the liaison (her own checks)."""
    checks = Check.objects.select_related("organisation", "liaison").order_by("-asked_at")
    if reader.role == Role.LIAISON:
        checks = checks.filter(liaison=reader)
    elif reader.role not in (Role.OVERSIGHT_OFFICER, Role.AUDITOR):
        return []
    rows = list(checks[:LIST_LENGTH])
    sealed = dict(
        CheckCopy.objects.filter(reader=reader, check_made__in=rows).values_list(
            "check_made_id", "sealed"
        )
    )
    officer = reader.role == Role.OVERSIGHT_OFFICER
    return [
        CheckRow(
            asked_at=check.asked_at,
            purpose=_open(bytes(sealed[check.id]), private_key) if check.id in sealed else None,
            kinds=rules.answer_kinds(check.answer),
            organisation=check.organisation.name,
            asked_by=str(check.liaison) if officer else "",
        )
        for check in rows
    ]


def liaisons_for_vetting() -> list[tuple[User, bool]]:
    """Every active liaison, and whether she may make vetting checks (the administrator's)."""
    allowed = set(Permission.objects.values_list("person_id", flat=True))
    liaisons = User.objects.filter(role=Role.LIAISON, is_active=True).select_related("organisation")
    return [(liaison, liaison.pk in allowed) for liaison in liaisons.order_by("username")]


# Cases naming the same person ----------------------------------------------------------


@dataclass(frozen=True)
class LinkedCase:
    reference: str
    stage: str
    asked: bool | None  # None: not asked; False: waiting or refused; True: approved
    on_case: bool

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage)


def linked_cases_for(case: Case, person: User) -> list[LinkedCase]:
    """For the case manager: the other cases naming the same person, by reference and
    stage only, and what became of her requests to see them."""
    others = _other_cases(case)
    requests = {r.to_case_id: r for r in LinkRequest.objects.filter(from_case=case, person=person)}
    mine = set(Assignment.objects.filter(person=person).values_list("case_id", flat=True))
    return [
        LinkedCase(
            reference=other.reference,
            stage=other.stage,
            asked=bool(requests[other.id].approved) if other.id in requests else None,
            on_case=other.id in mine,
        )
        for other in Case.objects.filter(pk__in=others).order_by("received_at")
    ]


def _other_cases(case: Case) -> list[uuid.UUID]:
    tokens = list(NamedPerson.objects.filter(case=case).values_list("token", flat=True))
    if not tokens:
        return []
    named = NamedPerson.objects.filter(token__in=tokens).exclude(case=case)
    return list(named.values_list("case_id", flat=True))


def has_linked_cases(case: Case) -> bool:
    """Whether another case names the person this one names (two index lookups)."""
    return bool(_other_cases(case))


def open_link_requests() -> list[LinkRequest]:
    """The oversight officer's list: requests waiting for her decision, oldest first."""
    return list(
        LinkRequest.objects.filter(decided_at__isnull=True)
        .select_related("from_case", "to_case", "person")
        .order_by("requested_at")
    )
