"""The shape of an event declaration, and the checks every append and every fold make.

The declarations themselves are the rows of `events.py` and `events/scheme.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from ombuds.record.roles import HANDLER_ROLES, Role
from ombuds.record.stages import OPEN_STAGES, Stage
from ombuds.record.state import Effect


class Key(StrEnum):
    """The keys an event's body may be encrypted with: a case's three (what each opens:
    docs/ARCHITECTURE.md, "the three keys"), and an escrow entry's own record key."""

    CASE = "case"  # the complainant's account and what she is told; she holds it
    RESPONDENT = "respondent"  # only what is disclosed to or exchanged with the respondent
    HANDLERS = "handlers"  # the scheme's own working: never a party's
    # One matching escrow entry's record key: its author holds a copy; the matching
    # counsellor opens it only through a match (ombuds/vault/escrow_shares.py).
    ESCROW_ENTRY = "escrow_entry"


class Stream(StrEnum):
    CASE = "case"  # case/<id>: the case's own chain, folded into its state
    ACCESS = "access"  # access/<id>: who read the case; reading never makes a case stale
    SCHEME = "scheme"  # people, organisations, declarations
    ESCROW = "escrow"  # escrow/<entry id> and escrow/match/<match id>: the matching escrow


class Only(Enum):
    """Which instances of an event a party sees."""

    ALL = "all"
    OWN_COPY = "own_copy"  # only the copy written with her own key
    OWN_INTERVIEW = "own_interview"  # her own copy, and only of her own interview


class HandlerContent(Enum):
    """Which handlers read the event's content in the case file (all read its words)."""

    NOT_ADVOCATE = "not_advocate"  # the advocate supports the complainant: not this
    EVERY_HANDLER = "every_handler"  # the advocate too
    ADVOCATE_IF_HERS = "advocate_if_hers"  # the advocate only when it is the complainant's
    THEIR_SIDES_ONLY = "their_sides_only"  # messages: never in the case file


@dataclass(frozen=True)
class Seen:
    """How a party sees an event on her timeline: plain words, optionally one content
    field under them (from her own copy), and which instances she sees."""

    words: str
    detail: str = ""  # a content field shown under the words...
    detail_label: str = ""  # ...after this label ("Reason: ...")
    only: Only = Only.ALL
    per_role: Mapping[str, str] = field(default_factory=dict)  # for case.assigned
    # The detail, by the event's `reason_code`, when the event has no content: the system
    # records without a case key (a case it closes once nobody appealed in time).
    coded: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Optional:
    """A metadata field that may be absent."""

    kind: type | tuple[type, ...]


FieldKind = type | tuple[type, ...] | Optional


@dataclass(frozen=True, kw_only=True)
class EventSpec:
    type: str
    version: int = 1
    stream: Stream = Stream.CASE
    fields: Mapping[str, FieldKind] = field(default_factory=dict)
    keys: frozenset[Key] = frozenset()  # empty: the event has no content
    roles: frozenset[Role] = frozenset()  # who may record it (transitions: see lifecycle)
    stages: frozenset[Stage] | None = OPEN_STAGES  # None: the service says when
    transition: bool = False  # its stage change and guards are a lifecycle row
    effect: Effect | None = None
    handlers: str = ""  # the handlers' case history; "" is not shown
    complainant: Seen | None = None
    respondent: Seen | None = None
    handler_content: HandlerContent = HandlerContent.NOT_ADVOCATE
    one_copy_for_handlers: bool = False  # written once per key: handlers see one
    read_recorded: bool = False  # opening its content is recorded as a read
    grants_access: bool = False  # signed by the instance's key (record/grants.py)

    def seen_by(self, reader: Role) -> Seen | None:
        """How a party sees this event on her timeline (None: not at all)."""
        return self.complainant if reader == Role.COMPLAINANT else self.respondent


_TRANSITION_FIELDS: Mapping[str, FieldKind] = {"from": Optional((str, type(None))), "to": str}
REGISTRY: dict[str, EventSpec] = {}  # filled by the rows of events.py, events_scheme.py


def declare(type: str, *, roles: tuple[Role, ...] = (), keys: tuple[Key, ...] = (),
            **spec: Any) -> EventSpec:  # fmt: skip
    """One row of the registry. A case event whose body may use another of the case's
    keys than the case key says which in its `key` field; a transition's event says `from`
    and `to`."""
    if type in REGISTRY:
        raise ValueError(f"event type {type!r} declared twice")
    fields = dict(spec.pop("fields", {}))
    if spec.pop("records_move", False):
        fields.update(_TRANSITION_FIELDS)
    if set(keys) & {Key.RESPONDENT, Key.HANDLERS}:
        fields["key"] = Optional(str) if Key.CASE in keys else str
    if spec.get("grants_access"):
        # Optional only so that grants written before signing began still read; every
        # grant since carries both (verify and key sharing refuse one without).
        fields.update({"grant": Optional(str), "nonce": Optional(str)})
    declared = EventSpec(type=type, roles=frozenset(roles), keys=frozenset(keys), fields=fields,
                         read_recorded=bool(keys), **spec)  # fmt: skip
    REGISTRY[type] = declared
    return declared


def declare_transition(type: str, *, records_move: bool = True, **spec: Any) -> EventSpec:
    """A lifecycle transition's event: its row in `cases/lifecycle.py` says who and when.
    It records the stage it moved `from` and `to` (`records_move`), except the submission,
    which has no stage before it, and the length in working days of the deadline it starts,
    as the organisation's service level was when it was recorded (`working_days`; events
    written before service levels reached the record have none, and take the table's)."""
    fields = {**spec.pop("fields", {}), "working_days": Optional(int)}
    return declare(
        type, transition=True, stages=None, records_move=records_move, fields=fields, **spec
    )


def declare_read(type: str, **fields: FieldKind) -> EventSpec:
    """A read of case content, in the case's access stream."""
    base: dict[str, FieldKind] = {"case": str, "person": str}
    return declare(type, stream=Stream.ACCESS, stages=None, roles=tuple(HANDLER_ROLES),
                   fields={**base, **fields})  # fmt: skip


def declare_scheme(type: str, roles: tuple[Role, ...], **fields: FieldKind) -> EventSpec:
    """An event of the scheme itself: people, organisations, declarations."""
    return declare(type, stream=Stream.SCHEME, stages=None, roles=roles, fields=fields)


def declare_escrow(type: str, roles: tuple[Role, ...], *, sealed: bool = False,
                   **fields: FieldKind) -> EventSpec:  # fmt: skip
    """An event of the matching escrow. A sealed one's body is encrypted with its entry's
    record key, the only key an escrow event may use (so its metadata names none)."""
    keys = (Key.ESCROW_ENTRY,) if sealed else ()
    return declare(type, stream=Stream.ESCROW, stages=None, roles=roles, keys=keys,
                   fields=fields)  # fmt: skip


class UnknownEventType(LookupError):
    """An event type with no row here: the fold and the append refuse it."""


class MalformedEvent(ValueError):
    """Metadata that does not match its event type's declared fields."""


def check_metadata(spec: EventSpec, metadata: Mapping[str, Any]) -> None:
    """Refuse metadata with a missing, unknown or mistyped field."""
    unknown = set(metadata) - set(spec.fields)
    if unknown:
        raise MalformedEvent(f"{spec.type}: unknown metadata {sorted(unknown)}")
    for name, kind in spec.fields.items():
        if name not in metadata:
            if isinstance(kind, Optional):
                continue
            raise MalformedEvent(f"{spec.type}: missing metadata {name!r}")
        wanted = kind.kind if isinstance(kind, Optional) else kind
        value = metadata[name]
        # bool is an int to Python; a count must not be True.
        if not isinstance(value, wanted) or (isinstance(value, bool) and wanted is int):
            raise MalformedEvent(f"{spec.type}: {name!r} has the wrong type")


# Schema evolution ---------------------------------------------------------------------
# An upcaster turns the metadata of an event written at one version into the next
# version's shape, in memory: stored events keep their bytes (and so their hashes).
Upcaster = Callable[[Mapping[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register the step from `from_version` to the next version of `event_type`."""

    def register(step: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = step
        return step

    return register


# Lookups. Callers import them from `events`, whose import declares every row. -------
def spec_for(event_type: str) -> EventSpec:
    """The row of an event type; UnknownEventType for one nobody declared."""
    try:
        return REGISTRY[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def all_specs() -> tuple[EventSpec, ...]:
    return tuple(REGISTRY.values())


def upcast(event_type: str, schema_version: int, metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """Metadata in the current version's shape, whatever version it was written at."""
    spec = spec_for(event_type)
    if schema_version > spec.version:
        raise MalformedEvent(f"{event_type} v{schema_version} is newer than this code knows")
    while schema_version < spec.version:
        metadata = UPCASTERS[(event_type, schema_version)](metadata)
        schema_version += 1
    return metadata
