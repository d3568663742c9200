"""Repeat complaints: cases naming the same person, and access between them.

A report's named person is kept as a token (`naming.py`). The case managers of two cases
sharing a token see each other's reference and stage, never content; one may ask to see
the other case, and the oversight officer approves (a signed assignment to that case, as
any allocation) or refuses. Each step is an event on the case asked about.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ombuds.cases.assignments import assign_approved
from ombuds.cases.commands import case_append
from ombuds.cases.grants import signed_handlers
from ombuds.cases.models import Assignment, Case
from ombuds.cases.read_models import case_refresh
from ombuds.ledger.actor import Actor
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.people.models import User
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.vetting.models import LinkRequest, NamedPerson
from ombuds.vetting.naming import report_tokens


def named_person_record(case: Case, tokens: Iterable[str]) -> None:
    """Keep the tokens of the person a case names (inside the submission's transaction)."""
    NamedPerson.objects.bulk_create(
        [NamedPerson(case=case, token=token) for token in set(tokens)], ignore_conflicts=True
    )


def on_report_submitted(
    sender: object, *, case: Case, named_person: str, organisation: str, **_: object
) -> None:
    """A report was just submitted (`intake.signals.report_submitted`): keep the tokens
    of the person it names, never the name."""
    named_person_record(case, report_tokens(name=named_person, organisation=organisation))


def cases_naming_the_same_person(case: Case) -> list[Case]:
    """The other cases whose named person has a token this case's has, oldest first."""
    tokens = NamedPerson.objects.filter(case=case).values("token")
    others = NamedPerson.objects.filter(token__in=tokens).exclude(case=case).values("case")
    return list(Case.objects.filter(pk__in=others).order_by("received_at"))


def _linked_case(case: Case, reference: str) -> Case:
    for other in cases_naming_the_same_person(case):
        if other.reference == reference:
            return other
    raise NotFound("No such case.")


def link_access_request(*, person: User, case: Case, other_reference: str) -> LinkRequest:
    """The case manager of `case` (loaded for her by the view) asks to see the other case
    naming the same person. The oversight officer decides."""
    if person.role != Role.CASE_MANAGER:
        raise NotPermitted("Only a case manager can ask to see a linked case.")
    other = _linked_case(case, other_reference)
    if Assignment.objects.filter(case=other, person=person).exists():
        raise InvalidInput("You are already on that case.")
    with transaction.atomic():
        request, created = LinkRequest.objects.get_or_create(
            from_case=case, to_case=other, person=person,
            defaults={"requested_at": timezone.now()},
        )  # fmt: skip
        if not created:
            raise InvalidInput("You have already asked to see that case.")
        case_append(
            other.id,
            events.LINK_ACCESS_REQUESTED,
            actor=Actor(pseudonym=person.pseudonym, role=Role.CASE_MANAGER.value),
            metadata={
                "request": request.pk,
                "person": person.pseudonym,
                "from_reference": case.reference,
            },
        )
        case_refresh(other.id)
    return request


def link_access_decide(*, officer: User, request_id: int, approve: bool) -> LinkRequest:
    """The oversight officer approves or refuses a request to see a linked case. Approval
    assigns the asking case manager to that case by a signed `case.assigned`, unless she is
    no longer on the case she asked from or the independence rules exclude her (then
    nothing is recorded and the officer is told why)."""
    if officer.role != Role.OVERSIGHT_OFFICER:
        raise NotPermitted("Only the oversight officer decides access to a linked case.")
    actor = Actor(pseudonym=officer.pseudonym, role=Role.OVERSIGHT_OFFICER.value)
    with transaction.atomic():
        request = (
            LinkRequest.objects.select_for_update()
            .select_related("to_case", "from_case", "person")
            .filter(pk=request_id, decided_at__isnull=True)
            .first()
        )
        if request is None:
            raise InvalidInput("That request has already been decided.")
        asker = (request.person.pseudonym, Role.CASE_MANAGER.value)
        if approve and asker not in signed_handlers(request.from_case_id):
            raise InvalidInput(
                "The case manager who asked is no longer on the case she asked from. "
                "Refuse the request."
            )
        row = events.LINK_ACCESS_APPROVED if approve else events.LINK_ACCESS_REFUSED
        metadata = {"request": request.pk, "person": request.person.pseudonym}
        case_append(request.to_case_id, row, actor=actor, metadata=metadata)
        if approve and not assign_approved(
            case=request.to_case,
            person=request.person,
            role=Role.CASE_MANAGER,
            approval=f"link:{request.from_case.reference}",
            actor=actor,
        ):
            raise InvalidInput(
                "This case manager cannot be put on that case: she has a declared conflict "
                "with it, has recused from it, or is no longer active. Refuse the request."
            )
        case_refresh(request.to_case_id)
        request.decided_at, request.approved = timezone.now(), approve
        request.save(update_fields=["decided_at", "approved"])
    return request
