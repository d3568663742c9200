"""Independence on a case: who the parties are (as conflict tokens), recusal, and the
complainant's right to a different advocate. Every command re-allocates at random from
the pool under the same rules; nobody picks."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ombuds.cases.assignments import allocate_handler, panel_of, unassign
from ombuds.cases.commands import case_record
from ombuds.cases.keys import open_event
from ombuds.cases.models import Assignment, Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.ledger.actor import SYSTEM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.services import interest_tokens
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import OPEN_STAGES

# What a case manager records about the parties, and the kind of interest each field is.
PARTY_FIELDS: dict[str, str] = {
    "respondent_name": "person",
    "respondent_units": "unit",
    "respondent_groups": "group",
    "respondent_employer": "employer",
    "complainant_name": "person",
    "complainant_units": "unit",
    "complainant_groups": "group",
}
# Who may step off a case (recuse) and be replaced at random: a panel member too, on her
# own panel (`_replace`), so a conflicted member need not wait for the parties' record.
REPLACEABLE = (Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR, Role.PANEL_MEMBER)


def _interests(parties: dict[str, str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for field, kind in PARTY_FIELDS.items():
        # Several units or groups may be given, one per line or separated by commas.
        for value in parties.get(field, "").replace("\n", ",").split(","):
            if value.strip():
                pairs.append((kind, value.strip()))
    return pairs


def _replace(
    *, participant: Participant, keys: dict[str, bytes], person: User, role: Role, why: str
) -> User | None:
    """Take `person` off the case and allocate someone else in `role` from the pool (a
    panel member's successor takes her place on her panel)."""
    panel = panel_of(case_state(participant.case.id), person.pseudonym)
    case = unassign(
        case=participant.case,
        person=person,
        role=role,
        why=why,
        actor=participant.actor,
        expected_version=None,
    )
    return allocate_handler(
        case=case,
        keys=keys,
        role=role,
        actor=participant.actor,
        expected_version=case.version,
        panel=panel if role == Role.PANEL_MEMBER else None,
    )


def on_interests_declared(sender: object, person: User, tokens: list[str], **_: object) -> None:
    """A handler declared her interests: on every open case of hers whose recorded parties
    share one, the system takes her off and allocates someone else from the pool (a panel
    member's successor on her panel), as when the parties are recorded. Inside the
    declaration's transaction; the newcomer is sealed the keys when a colleague next opens
    the case."""
    declared = set(tokens)
    held = Assignment.objects.filter(
        person=person,
        role__in=[role.value for role in HANDLER_ROLES],
        case__stage__in=[stage.value for stage in OPEN_STAGES],
    ).select_related("case")
    for assignment in list(held):
        case = assignment.case
        state = case_state(case.id)
        if not declared & state.party_tokens:
            continue
        role = Role(assignment.role)
        panel = panel_of(state, person.pseudonym)
        case = unassign(
            case=case,
            person=person,
            role=role,
            why="conflict of interest",
            actor=SYSTEM,
            expected_version=None,
        )
        allocate_handler(
            case=case,
            keys={},
            role=role,
            actor=SYSTEM,
            expected_version=case.version,
            panel=panel if role == Role.PANEL_MEMBER else None,
        )


def case_record_parties(
    *, participant: Participant, parties: dict[str, str], expected_version: int | None = None
) -> list[str]:
    """The case manager records who the parties are and where they belong.

    Stored encrypted; only keyed tokens go in the clear, for conflict checks. Any handler
    on the case whose declared interests now conflict is taken off it and replaced at
    random. Returns the roles that were re-allocated.
    """
    if participant.role != Role.CASE_MANAGER:
        raise NotPermitted("Only the case manager records the parties.")
    cleaned = {k: " ".join(str(parties.get(k, "")).split()) for k in PARTY_FIELDS}
    if not cleaned["respondent_name"]:
        raise InvalidInput("Enter the name of the person the complaint is about.")
    if any(len(v) > 500 for v in cleaned.values()):
        raise InvalidInput("Keep each answer under 500 characters.")
    tokens = interest_tokens(_interests(cleaned))
    keys = participant.keys()
    replaced: list[str] = []
    with transaction.atomic():
        case = case_record(
            participant,
            events.PARTIES_RECORDED,
            expected_version=expected_version,
            metadata={"tokens": tokens},
            content=cleaned,
            key=Key.HANDLERS,
        )
        token_set = set(tokens)
        for person in User.objects.filter(
            assignments__case=case, assignments__role__in=HANDLER_ROLES
        ).select_related("declaration"):
            declaration = getattr(person, "declaration", None)
            if declaration and token_set & set(declaration.tokens):
                role = Role(person.role)
                _replace(
                    participant=participant,
                    keys=keys,
                    person=person,
                    role=role,
                    why="conflict of interest",
                )
                replaced.append(role.value)
    return replaced


def case_parties(participant: Participant) -> dict[str, Any]:
    """The parties as last recorded (handlers only), or {} if not recorded yet."""
    if participant.role not in HANDLER_ROLES:
        raise NotPermitted("Only handlers see who the parties are.")
    keys = participant.keys()
    for event in reversed(case_events(participant.case.id)):
        if event.type == events.PARTIES_RECORDED.type:
            return open_event(event, keys) or {}
    return {}


def handler_recuse(
    *, participant: Participant, reason: str, expected_version: int | None = None
) -> User | None:
    """A handler steps off a case, with a reason that is recorded; someone else is
    allocated at random in her place (if anyone is eligible). Returns who."""
    if participant.role not in REPLACEABLE:
        raise NotPermitted("Only a handler on the case can step off it.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give the reason you are stepping off this case.")
    if participant.person is None:
        raise NotPermitted("Only a handler can recuse.")
    keys = participant.keys()
    with transaction.atomic():
        case_record(
            participant,
            events.RECUSED,
            expected_version=expected_version,
            metadata={"person": participant.pseudonym, "role": participant.role.value},
            content={"reason": reason},
            key=Key.HANDLERS,
        )
        return _replace(
            participant=participant,
            keys=keys,
            person=participant.person,
            role=participant.role,
            why="recused",
        )


def advocate_change_request(*, complainant: Participant) -> User | None:
    """The complainant asks for a different advocate, once, without giving a reason."""
    if complainant.role != Role.COMPLAINANT:
        raise NotPermitted("Only the complainant can ask for a different advocate.")
    state = case_state(complainant.case.id)
    if state.advocate_changes_requested:
        raise InvalidInput(
            "You have already changed your advocate once. Your case manager can help if "
            "there is a problem."
        )
    current = state.holders(Role.ADVOCATE)
    keys = complainant.keys()
    with transaction.atomic():
        case = case_record(complainant, events.ADVOCATE_CHANGE_REQUESTED)
        participant = Participant(
            case=case,
            role=Role.COMPLAINANT,
            pseudonym=complainant.pseudonym,
            holder=complainant.holder,
            private_key=complainant.private_key,
        )
        new: User | None = None
        for pseudonym in current:
            new = _replace(
                participant=participant,
                keys=keys,
                person=User.objects.get(pseudonym=pseudonym),
                role=Role.ADVOCATE,
                why="complainant asked for a different advocate",
            )
        if not current:
            refreshed = Case.objects.get(pk=case.pk)
            new = allocate_handler(
                case=refreshed,
                keys=keys,
                role=Role.ADVOCATE,
                actor=participant.actor,
                expected_version=refreshed.version,
            )
    return new
