"""Reads of messages and support records, filtered to what the reader may see.

Which threads a reader has and what is new in them come from clear metadata only (who
sent a message, in which thread, when); reading the content is a service (services.
thread_read), because a handler's reading is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_state
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import NotFound, NotPermitted
from ombuds.messaging.models import Attachment, ThreadMark
from ombuds.messaging.threads import (
    ENDED,
    NOT_NOW,
    SUPPORT_KINDS,
    THREADS,
    Thread,
    thread_named,
    threads_of,
)
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.stages import FINAL_STAGES
from ombuds.record.state import CaseState

_SIDE_WORDS = {
    Role.COMPLAINANT: "the complainant",
    Role.ADVOCATE: "her advocate",
    Role.INVESTIGATOR: "the investigator",
    Role.RESPONDENT: "the respondent",
}


# Which threads exist, and what is new in them (metadata only) --------------------------


@dataclass(frozen=True)
class Posted:
    """A message as the clear metadata gives it: no content."""

    version: int
    sender: str  # pseudonym
    thread: str
    attachments: tuple[str, ...]


def posted_messages(case: Case) -> list[Posted]:
    """The case's messages, oldest first, as their metadata gives them."""
    rows = Event.objects.filter(
        stream=case_stream(case.id), type=events.MESSAGE_SENT.type
    ).order_by("stream_version")
    posted = []
    for event in rows:
        meta = event_metadata(event)
        posted.append(
            Posted(
                version=event.stream_version,
                sender=event.actor_id,
                thread=str(meta.get("thread", "")),
                attachments=tuple(str(a) for a in meta.get("attachments") or ()),
            )
        )
    return posted


def _roles_on(state: CaseState) -> set[str]:
    return {role for _, role in state.assignments}


def thread_exists(thread: Thread, state: CaseState, posted: Iterable[Posted]) -> bool:
    """A thread is there once both sides are on the case, and stays readable after."""
    return thread.open_with(_roles_on(state)) or any(p.thread == thread.name for p in posted)


def thread_writable(thread: Thread, state: CaseState) -> tuple[bool, str]:
    """Whether a message can be sent in the thread now and, if not, why (in words)."""
    if state.stage is None or state.stage in FINAL_STAGES:
        return False, ENDED
    if not thread.open_with(_roles_on(state)):
        return False, NOT_NOW
    return True, ""


def thread_for(participant: Participant, name: str) -> Thread:
    """Thread `name` of the participant's case: NotPermitted unless she is one of its two
    sides; NotFound if there is no such thread on her case yet."""
    thread = thread_named(name)
    if participant.role not in thread.sides:
        first, second = (_SIDE_WORDS[side] for side in thread.sides)
        raise NotPermitted(f"Only {first} and {second} can read or send these messages.")
    state = case_state(participant.case.id)
    if not thread_exists(thread, state, posted_messages(participant.case)):
        raise NotFound("No such conversation.")
    return thread


def check_thread_of_attachment(participant: Participant, attachment_id: str) -> None:
    """If a message carried this file, only the two sides of its thread may open it
    (NotPermitted for anyone else on the case). Files sent otherwise are not affected."""
    for posted in posted_messages(participant.case):
        if attachment_id in posted.attachments:
            thread_for(participant, posted.thread)


def attachments_visible_to(participant: Participant) -> QuerySet[Attachment]:
    """The files on the participant's case she may open, oldest first: her keys open them,
    and a file sent in a message is left out unless she is a side of its thread."""
    hidden = {
        attachment_id
        for posted in posted_messages(participant.case)
        if participant.role not in getattr(THREADS.get(posted.thread), "sides", ())
        for attachment_id in posted.attachments
    }
    return (
        Attachment.objects.filter(case=participant.case, key_purpose__in=sorted(participant.keys()))
        .exclude(id__in=hidden)
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class ThreadSummary:
    thread: Thread
    title: str
    messages: int
    new: int  # from the other side, since the reader last opened the thread


def thread_summaries(case: Case, state: CaseState, role: Role, reader: str) -> list[ThreadSummary]:
    """The threads `reader` (a pseudonym, in `role`) has on this case, with new counts."""
    posted = posted_messages(case)
    seen = dict(
        ThreadMark.objects.filter(case=case, reader=reader).values_list("thread", "seen_version")
    )
    summaries = []
    for thread in threads_of(role):
        if not thread_exists(thread, state, posted):
            continue
        mine = [p for p in posted if p.thread == thread.name]
        new = sum(1 for p in mine if p.sender != reader and p.version > seen.get(thread.name, 0))
        summaries.append(ThreadSummary(thread, thread.title_for(role), len(mine), new))
    return summaries


# The advocate's record of support --------------------------------------------------------


@dataclass(frozen=True)
class SupportEntry:
    at: datetime
    kind: str  # in words
    notes: str


def support_records(participant: Participant) -> list[SupportEntry]:
    """The support recorded on the case, oldest first, for the advocate only."""
    if participant.role != Role.ADVOCATE:
        raise NotPermitted("Only the complainant's advocate can see the support recorded.")
    keys = participant.keys()
    entries = []
    for event in Event.objects.filter(
        stream=case_stream(participant.case.id), type=events.SUPPORT_RECORDED.type
    ).order_by("stream_version"):
        content = open_event(event, keys) or {}
        kind = str(content.get("kind", ""))
        entries.append(
            SupportEntry(
                at=parse_time(event.recorded_at),
                kind=SUPPORT_KINDS.get(kind, kind),
                notes=str(content.get("notes", "")),
            )
        )
    return entries
