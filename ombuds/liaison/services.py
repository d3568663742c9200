"""Telling an organisation what to implement, and nothing more."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.commands import case_record
from ombuds.cases.participants import Participant
from ombuds.liaison.models import Notice, NoticeCopy
from ombuds.lib.canonical import canonical_json
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import User
from ombuds.people.signed_record import signed_people
from ombuds.record import events
from ombuds.record.roles import Role

NOTICE_KINDS = ("interim_measure", "measure_ended", "sanction")


def notice_send(*, sender: Participant, kind: str, instruction: Mapping[str, Any]) -> Notice:
    """Seal `instruction` (who, what, from when, until when) to every active liaison of the
    case's organisation whom the signed record proves, and record in the case that the
    organisation was told.

    `instruction` must hold only what the organisation must act on, never the allegations.
    Called by the service that decided the measure or sanction, inside its transaction.
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    case = sender.case
    plaintext = canonical_json({"kind": kind, "case": case.reference, **instruction}).encode()
    with transaction.atomic():
        notice = Notice.objects.create(
            organisation=case.organisation, kind=kind, sent_at=timezone.now()
        )
        # Only liaisons the signed record proves, in this organisation: a row written or
        # moved into the people table by hand is sealed nothing.
        liaisons = signed_people(
            User.objects.filter(role=Role.LIAISON, organisation=case.organisation, is_active=True),
            organisation=case.organisation,
        )
        NoticeCopy.objects.bulk_create(
            NoticeCopy(
                notice=notice,
                liaison=liaison,
                sealed=vault.seal_to_person(plaintext, to_public_key=bytes(liaison.public_key)),
            )
            for liaison in liaisons
        )
        case_record(
            sender,
            events.ORGANISATION_NOTIFIED,
            metadata={"notice": notice.pk, "kind": kind, "liaisons": len(liaisons)},
        )
    return notice


@dataclass(frozen=True)
class OpenedNotice:
    kind: str
    sent_at: datetime
    instruction: dict[str, Any]


def notices_for(*, liaison: User, private_key: bytes) -> list[OpenedNotice]:
    """The liaison's notices, newest first, opened with her own key."""
    if liaison.role != Role.LIAISON:
        raise NotPermitted("Only an organisation liaison receives notices.")
    copies = NoticeCopy.objects.filter(liaison=liaison).select_related("notice")
    opened = []
    for copy in copies.order_by("-notice__sent_at"):
        plain = vault.open_sealed_for_person(bytes(copy.sealed), private_key=private_key)
        opened.append(
            OpenedNotice(
                kind=copy.notice.kind, sent_at=copy.notice.sent_at, instruction=json.loads(plain)
            )
        )
    return opened
