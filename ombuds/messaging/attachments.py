"""Evidence files: checked, stripped of hidden details, encrypted, stored; and opened again.

The public services other parts reuse:

    with evidence_transaction():
        attachment = attachment_store(participant=..., upload=..., key=...,
                                      keep_original=...)
        case_record(participant, events.EVIDENCE_ADDED,
                  metadata={"attachment": str(attachment.id)},
                  content={"filename": upload.name, "description": ...})

    filename, media_type, data = attachment_open(participant=..., attachment_id=...)

`attachment_store` writes the blob, then the row, and appends no event: the caller refers
to the attachment in its own event. Put the store and the event in one
`evidence_transaction()` (as the outermost transaction) so that a failed event deletes
the blob written for it. `attachment_open` finds the file's name in the body of the event
that refers to it: an `attachments` (list) or `attachment` metadata entry, with the name
in the body as `files: [{id, name}]` or as `filename`.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.cases.keys import open_event
from ombuds.cases.participants import Participant
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound
from ombuds.messaging import files
from ombuds.messaging.blobs import blob_delete, blob_read, blob_write
from ombuds.messaging.models import Attachment
from ombuds.messaging.selectors import check_thread_of_attachment
from ombuds.record.spec import Key

_written: ContextVar[list[Path] | None] = ContextVar("ombuds_blobs_written", default=None)


@contextmanager
def evidence_transaction() -> Iterator[None]:
    """A database transaction that deletes the blobs written inside it if it fails.

    Nested ones hand their blobs to the enclosing one, which deletes them if it fails.
    """
    outer = _written.get()
    mine: list[Path] = []
    token = _written.set(mine)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for path in mine:
            blob_delete(path)
        raise
    else:
        if outer is not None:
            outer.extend(mine)
    finally:
        _written.reset(token)


def _write(relative: str, ciphertext: bytes) -> None:
    written = _written.get()
    if written is None:
        raise RuntimeError("blobs are written inside evidence_transaction()")
    written.append(blob_write(relative, ciphertext))


def _binding(case_id: uuid.UUID, attachment_id: uuid.UUID, *, original: bool) -> str:
    bound = f"attachment/{case_id}/{attachment_id}"
    return f"{bound}/original" if original else bound


def read_upload(upload: UploadedFile) -> bytes:
    """The uploaded bytes, reading no more than one byte past the limit."""
    if upload.size is not None and upload.size > files.MAX_BYTES:
        raise files.FileRefused(files.TOO_LARGE)
    upload.seek(0)
    data = upload.read(files.MAX_BYTES + 1)
    if len(data) > files.MAX_BYTES:
        raise files.FileRefused(files.TOO_LARGE)
    return data


def attachment_store(
    *, participant: Participant, upload: UploadedFile, key_purpose: str, keep_original: bool
) -> Attachment:
    """Check, strip, encrypt and store an evidence file under the case key of `key_purpose`.

    Refused (FileRefused, nothing written) when it is empty, over 10 MiB, not a PDF, JPEG,
    PNG or UTF-8 text by its content, or does not parse as what it claims to be; NotFound
    when the participant does not hold that key. With `keep_original`, the unstripped file
    is stored too, encrypted and marked. Appends no event (the caller's event refers to it).
    """
    if key_purpose not in tuple(Key):
        raise InvalidInput("Unknown key purpose.")
    participant.case_key(key_purpose)  # NotFound before the work if she does not hold it
    prepared = files.prepare(read_upload(upload))
    return store_prepared(
        participant=participant,
        prepared=prepared,
        key_purpose=key_purpose,
        keep_original=keep_original,
    )


def store_prepared(
    *,
    participant: Participant,
    prepared: files.PreparedFile,
    key_purpose: str,
    keep_original: bool,
) -> Attachment:
    """Encrypt and store a file already checked by files.prepare (see attachment_store)."""
    key = participant.case_key(key_purpose)
    case_id, attachment_id = participant.case.id, uuid.uuid4()
    path = f"{case_id}/{attachment_id}"
    sealed = vault.encrypt_case_content(
        key, prepared.content, bound_to=_binding(case_id, attachment_id, original=False)
    )
    original: bytes | None = None
    if keep_original and prepared.stripped:
        original = vault.encrypt_case_content(
            key, prepared.original, bound_to=_binding(case_id, attachment_id, original=True)
        )
    with evidence_transaction():
        _write(path, sealed)
        if original is not None:
            _write(f"{path}.original", original)
        return Attachment.objects.create(
            id=attachment_id,
            case=participant.case,
            uploader=participant.pseudonym,
            key_purpose=key_purpose,
            media_type=prepared.type.media_type,
            size=len(prepared.content),
            sha256=hashlib.sha256(sealed).hexdigest(),
            path=path,
            original_kept=original is not None,
            original_size=len(prepared.original) if original is not None else None,
            original_sha256=hashlib.sha256(original).hexdigest() if original is not None else "",
            created_at=timezone.now(),
        )


class OpenedAttachment(NamedTuple):
    filename: str  # a safe name to save it as, with the extension of its real type
    media_type: str
    data: bytes


def attachment_for(participant: Participant, attachment_id: uuid.UUID | str) -> Attachment:
    """An attachment of the participant's own case whose key she holds; NotFound otherwise."""
    try:
        wanted = uuid.UUID(str(attachment_id))
    except ValueError as exc:
        raise NotFound("No such file.") from exc
    attachment = Attachment.objects.filter(pk=wanted, case=participant.case).first()
    if attachment is None or attachment.key_purpose not in participant.keys():
        raise NotFound("No such file.")
    return attachment


def attachment_open(
    *, participant: Participant, attachment_id: uuid.UUID | str, original: bool = False
) -> OpenedAttachment:
    """Decrypt an attachment for a participant who holds its key (NotFound otherwise) and,
    if it was sent in a message, is a side of that thread (NotPermitted otherwise).

    `original`: the unstripped file, if one was kept. DecryptionFailed if the stored blob
    is missing, altered or was swapped for another.
    """
    attachment = attachment_for(participant, attachment_id)
    check_thread_of_attachment(participant, str(attachment.id))
    if original and not attachment.original_kept:
        raise NotFound("No original was kept of this file.")
    keys = participant.keys()
    relative = attachment.original_path if original else attachment.path
    expected = attachment.original_sha256 if original else attachment.sha256
    ciphertext = blob_read(relative)
    if hashlib.sha256(ciphertext).hexdigest() != expected:
        raise DecryptionFailed("the stored file was altered")
    data = vault.decrypt_case_content(
        keys[attachment.key_purpose],
        ciphertext,
        bound_to=_binding(attachment.case_id, attachment.id, original=original),
    )
    name = _filename(attachment, keys, original=original)
    return OpenedAttachment(filename=name, media_type=attachment.media_type, data=data)


def _named_in(content: dict[str, Any], meta: dict[str, Any], attachment_id: str) -> str:
    for entry in content.get("files") or []:
        if isinstance(entry, dict) and entry.get("id") == attachment_id:
            return str(entry.get("name") or "")
    if meta.get("attachment") == attachment_id:
        return str(content.get("filename") or content.get("name") or "")
    return ""


def given_name(attachment: Attachment, keys: dict[str, bytes]) -> str:
    """The name the sender's file had, from the (decrypted) event that refers to it."""
    wanted = str(attachment.id)
    referring = Event.objects.filter(
        stream=case_stream(attachment.case_id), metadata__contains=wanted
    ).order_by("stream_version")
    for event in referring:
        meta = event_metadata(event)
        if wanted not in (meta.get("attachments") or []) and meta.get("attachment") != wanted:
            continue
        try:
            content = open_event(event, keys) or {}
        except DecryptionFailed:
            continue
        name = _named_in(content, meta, wanted)
        if name:
            return name
    return ""


def safe_filename(name: str, extension: str) -> str:
    """A name to save a file as: no path, no control characters, and the extension of the
    file's real type (a text file called page.html is saved as page.txt)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        c
        for c in unicodedata.normalize("NFC", base)
        if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*;'
    ).strip(" .")
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    return f"{stem[:80]}.{extension}" if stem else ""


def _filename(attachment: Attachment, keys: dict[str, bytes], *, original: bool) -> str:
    extension = files.TYPES[attachment.media_type].extension
    name = safe_filename(given_name(attachment, keys), extension)
    if not name:
        earlier = Attachment.objects.filter(
            case_id=attachment.case_id, created_at__lt=attachment.created_at
        ).count()
        name = f"evidence-{earlier + 1}.{extension}"
    if original:
        stem, _, ext = name.rpartition(".")
        name = f"{stem}-original.{ext}"
    return name
