"""Secure messages between a party and a handler, and the advocate's record of support.

Each thread has two sides (threads.py); only they read or write it. Someone else on the
case is refused (NotPermitted, 403); someone not on it never gets this far (NotFound).
Messages are `case.message_sent` events {thread, attachments: [ids]}; the text, and the
name and description of each file, are in the body encrypted with the thread's key.
A handler's reading of a thread or a file is recorded in the case's access log.

Messages carry no expected version on purpose: a message does not depend on what the
sender saw of the case, so the other side writing at the same moment must not refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_state
from ombuds.cases.reads import read_record
from ombuds.ledger.encoding import parse_time
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound, NotPermitted
from ombuds.messaging import files
from ombuds.messaging.attachments import (
    OpenedAttachment,
    attachment_open,
    evidence_transaction,
    read_upload,
    store_prepared,
)
from ombuds.messaging.models import Attachment, ThreadMark
from ombuds.messaging.selectors import posted_messages, thread_for, thread_writable
from ombuds.messaging.threads import SUPPORT_KINDS, Thread
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import FINAL_STAGES

MAX_TEXT = 20_000
MAX_DESCRIPTION = 500
SUPPORT_ENDED = "This case has ended, so support can no longer be recorded."


# Reading a thread ------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRef:
    id: str
    name: str
    description: str
    kind: str  # "PDF", "JPEG image"...
    size: int
    stripped: bool  # hidden details were removed (not needed for plain text)
    original_kept: bool


@dataclass(frozen=True)
class Message:
    at: datetime
    from_you: bool
    sender_role: str
    text: str
    files: list[FileRef]
    readable: bool = True  # False if its body would not open (shown as such, not hidden)


@dataclass(frozen=True)
class ThreadView:
    thread: Thread
    title: str
    other_side: str
    messages: list[Message]
    can_write: bool
    why_not: str


def _file_refs(
    content: dict[str, Any], ids: tuple[str, ...], rows: dict[str, Attachment]
) -> list[FileRef]:
    described = {str(f.get("id")): f for f in content.get("files") or [] if isinstance(f, dict)}
    refs = []
    for attachment_id in ids:
        row = rows.get(attachment_id)
        if row is None:
            continue
        entry = described.get(attachment_id, {})
        refs.append(
            FileRef(
                id=attachment_id,
                name=str(entry.get("name") or "") or "File",
                description=str(entry.get("description") or ""),
                kind=files.TYPES[row.media_type].words,
                size=row.size,
                stripped=row.media_type != files.TEXT.media_type,
                original_kept=row.original_kept,
            )
        )
    return refs


def thread_read(*, participant: Participant, thread: str) -> ThreadView:
    """One thread's messages, oldest first, decrypted with the participant's key.

    Marks them seen by her; a handler's reading is recorded in the access log.
    """
    spec = thread_for(participant, thread)
    keys = participant.keys()
    events = [
        e
        for e in Event.objects.filter(
            stream=case_stream(participant.case.id), type=registry.MESSAGE_SENT.type
        ).order_by("stream_version")
        if event_metadata(e).get("thread") == spec.name
    ]
    ids = [str(a) for e in events for a in event_metadata(e).get("attachments") or ()]
    rows = {str(a.id): a for a in Attachment.objects.filter(case=participant.case, id__in=ids)}
    messages = []
    for event in events:
        try:
            content, readable = open_event(event, keys), True
        except DecryptionFailed:
            content, readable = None, False
        content = content or {}
        attached = tuple(str(a) for a in event_metadata(event).get("attachments") or ())
        messages.append(
            Message(
                at=parse_time(event.recorded_at),
                from_you=event.actor_id == participant.pseudonym,
                sender_role=event.actor_role,
                text=str(content.get("text", "")),
                files=_file_refs(content, attached, rows) if readable else [],
                readable=readable and bool(content),
            )
        )
    state = case_state(participant.case.id)
    can_write, why_not = thread_writable(spec, state)
    with transaction.atomic():
        if events:
            ThreadMark.objects.update_or_create(
                case=participant.case,
                reader=participant.pseudonym,
                thread=spec.name,
                defaults={"seen_version": events[-1].stream_version},
            )
        read_record(participant, registry.MESSAGES_READ, thread=spec.name)
    return ThreadView(
        thread=spec,
        title=spec.title_for(participant.role),
        other_side=spec.other_side_for(participant.role),
        messages=messages,
        can_write=can_write,
        why_not=why_not,
    )


# Sending ---------------------------------------------------------------------------------


def _check_message(text: str, upload: UploadedFile | None, description: str) -> None:
    if not text and upload is None:
        raise InvalidInput("Write a message, or attach a file.", field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "Your message must be %(limit)s characters or fewer.",
            field="text",
            limit=f"{MAX_TEXT:,}",
        )
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            "The description of the file must be %(limit)s characters or fewer.",
            field="description",
            limit=str(MAX_DESCRIPTION),
        )
    if description and upload is None:
        raise InvalidInput(
            "You described a file but did not choose one. Choose the file.", field="file"
        )


def message_send(
    *,
    participant: Participant,
    thread: str,
    text: str,
    upload: UploadedFile | None = None,
    description: str = "",
    keep_original: bool = False,
) -> Case:
    """Send a message, with an evidence file if one is given, in one of the sender's threads.

    Refused with a plain sentence and nothing stored: an empty message, a file we do not
    take (files.FileRefused), a thread whose other side is not on the case, a case that
    has ended. The file is stripped of hidden details; with `keep_original` the untouched
    file is kept as well, encrypted.
    """
    spec = thread_for(participant, thread)
    text, description = text.strip(), description.strip()
    _check_message(text, upload, description)
    prepared = files.prepare(read_upload(upload)) if upload is not None else None
    with evidence_transaction():
        can_write, why_not = thread_writable(spec, case_state(participant.case.id))
        if not can_write:
            raise InvalidInput(why_not)
        described: list[dict[str, str]] = []
        if prepared is not None and upload is not None:
            attachment = store_prepared(
                participant=participant,
                prepared=prepared,
                key_purpose=spec.key_purpose,
                keep_original=keep_original,
            )
            name = str(upload.name or "")
            described.append({"id": str(attachment.id), "name": name, "description": description})
        return case_record(
            participant,
            registry.MESSAGE_SENT,
            content={"text": text, "files": described},
            metadata={"thread": spec.name, "attachments": [f["id"] for f in described]},
            key=Key(spec.key_purpose),
        )


def message_attachment_open(
    *, participant: Participant, attachment_id: str, original: bool = False
) -> OpenedAttachment:
    """A file sent in a message, for either side of that message's thread.

    NotFound unless a message of her case carries it; NotPermitted if she is on the case
    but not a side of that thread; DecryptionFailed if the stored file was altered.
    """
    wanted = str(attachment_id)
    carried = [p for p in posted_messages(participant.case) if wanted in p.attachments]
    if not carried:
        raise NotFound("No such file.")
    thread_for(participant, carried[0].thread)
    opened = attachment_open(participant=participant, attachment_id=wanted, original=original)
    with transaction.atomic():
        read_record(participant, registry.ATTACHMENT_READ, attachment=wanted)
    return opened


# The advocate's record of support --------------------------------------------------------


def support_record(
    *, participant: Participant, kind: str, notes: str, expected_version: int | None = None
) -> Case:
    """The complainant's advocate records support she gave (kind and notes, encrypted)."""
    if participant.role != Role.ADVOCATE:
        raise NotPermitted("Only the complainant's advocate can record support given.")
    notes = notes.strip()
    if kind not in SUPPORT_KINDS:
        raise InvalidInput("Choose the kind of support you gave.")
    if kind == "other" and not notes:
        raise InvalidInput("Describe the support you gave.")
    if len(notes) > MAX_TEXT:
        raise InvalidInput(f"The notes must be {MAX_TEXT:,} characters or fewer.")
    with transaction.atomic():
        stage = case_state(participant.case.id).stage
        if stage is None or stage in FINAL_STAGES:
            raise InvalidInput(SUPPORT_ENDED)
        return case_record(
            participant,
            registry.SUPPORT_RECORDED,
            expected_version=expected_version,
            content={"kind": kind, "notes": notes},
            key=Key.HANDLERS,  # the advocate's own notes
        )
