"""The respondent's evidence, and what handlers read of her side of the case."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

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
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.messaging.attachments import (
    OpenedAttachment,
    attachment_open,
    attachment_store,
    evidence_transaction,
)
from ombuds.messaging.models import Attachment
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import OPEN_STAGES
from ombuds.respondents.models import Invitation
from ombuds.respondents.services import disclosed_allegations

MAX_EVIDENCE_DESCRIPTION = 500


def evidence_add(
    *, participant: Participant, upload: UploadedFile, description: str, keep_original: bool
) -> Case:
    """The respondent sends a file as evidence while the case is open.

    The messaging part checks, strips and encrypts the file under the respondent key
    (the original too, if she chooses); the event refers to it by id, with its name and
    her description in the encrypted body. A failure leaves neither event nor file.
    """
    if participant.role != Role.RESPONDENT:
        raise NotPermitted("Only the respondent can add evidence here.")
    description = description.strip()
    if len(description) > MAX_EVIDENCE_DESCRIPTION:
        raise InvalidInput(
            "The description must be %(limit)s characters or fewer.",
            limit=str(MAX_EVIDENCE_DESCRIPTION),
        )
    if case_state(participant.case.id).stage not in OPEN_STAGES:
        raise TransitionRefused("The case has ended, so evidence can no longer be sent.")
    with evidence_transaction():
        attachment = attachment_store(
            participant=participant,
            upload=upload,
            key_purpose=Key.RESPONDENT,
            keep_original=keep_original,
        )
        return case_record(
            participant,
            registry.EVIDENCE_ADDED,
            content={"filename": upload.name or "", "description": description},
            metadata={"attachment": str(attachment.id)},
            key=Key.RESPONDENT,
        )


READERS = frozenset({Role.CASE_MANAGER, Role.INVESTIGATOR, Role.PANEL_MEMBER})


def _evidence_events(case: Case) -> list[Event]:
    return list(
        Event.objects.filter(
            stream=case_stream(case.id),
            type=registry.EVIDENCE_ADDED.type,
            actor_role=Role.RESPONDENT.value,
        ).order_by("stream_version")
    )


@dataclass(frozen=True)
class Evidence:
    attachment: str  # the attachment's id, for the download pages
    filename: str
    description: str
    original_kept: bool


def evidence_of(case: Case, keys: Mapping[str, bytes]) -> list[Evidence]:
    """The evidence the respondent has sent on this case, oldest first, opened with `keys`
    (a reader who cannot open an event does not see it)."""
    events = _evidence_events(case)
    ids = [str(event_metadata(e).get("attachment")) for e in events]
    kept = dict(Attachment.objects.filter(pk__in=ids).values_list("id", "original_kept"))
    sent = []
    for event, attachment in zip(events, ids, strict=True):
        content = open_event(event, keys)
        if content is not None:
            sent.append(
                Evidence(
                    attachment=attachment,
                    filename=str(content.get("filename", "")),
                    description=str(content.get("description", "")),
                    original_kept=bool(kept.get(uuid.UUID(attachment), False)),
                )
            )
    return sent


def respondent_evidence_open(
    *, participant: Participant, attachment_id: str, original: bool = False
) -> OpenedAttachment:
    """A file the respondent sent as evidence, for her or a handler who may read what she
    sent (the case manager, the investigator, the panel). A handler's read is logged.

    NotFound unless one of her evidence events on this case carries it.
    """
    if participant.role != Role.RESPONDENT and participant.role not in READERS:
        raise NotPermitted("Your role does not give you access to the respondent's evidence.")
    carried = {str(event_metadata(e).get("attachment")) for e in _evidence_events(participant.case)}
    if str(attachment_id) not in carried:
        raise NotFound("No such file.")
    opened = attachment_open(
        participant=participant, attachment_id=str(attachment_id), original=original
    )
    with transaction.atomic():
        read_record(participant, registry.ATTACHMENT_READ, attachment=str(attachment_id))
    return opened


@dataclass(frozen=True)
class Response:
    at: datetime
    response: str
    witnesses: list[dict[str, str]]


@dataclass(frozen=True)
class RespondentFile:
    """What a handler reads about the respondent's side of the case."""

    invited: bool
    joined: bool
    allegations: list[str]
    disclosures: int
    responses: list[Response]
    evidence: list[Evidence]


def respondent_file_read(*, participant: Participant) -> RespondentFile:
    """The allegations as disclosed, her responses and witnesses, and her evidence, for the
    case manager, the investigator or the panel. The read is logged."""
    if participant.role not in READERS:
        raise NotPermitted("Your role does not give you access to the respondent's file.")
    keys = participant.keys()
    events = Event.objects.filter(
        stream=case_stream(participant.case.id),
        type__in=[registry.ALLEGATIONS_DISCLOSED.type, registry.RESPONSE_SUBMITTED.type],
    ).order_by("stream_version")
    responses, disclosures = [], 0
    for event in events:
        disclosures += event.type == registry.ALLEGATIONS_DISCLOSED.type
        content = (
            open_event(event, keys) if event.type == registry.RESPONSE_SUBMITTED.type else None
        )
        if content is not None:
            responses.append(
                Response(
                    parse_time(event.recorded_at), content["response"], list(content["witnesses"])
                )
            )
    with transaction.atomic():
        read_record(participant, part="respondent")
    invitation = Invitation.objects.filter(case=participant.case).first()
    return RespondentFile(
        invited=invitation is not None,
        joined=bool(invitation and invitation.joined),
        allegations=disclosed_allegations(participant) if Key.RESPONDENT in keys else [],
        disclosures=disclosures,
        responses=responses,
        evidence=evidence_of(participant.case, keys),
    )
