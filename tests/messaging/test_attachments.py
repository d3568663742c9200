"""Evidence files: checked by content, stripped of hidden details, stored only encrypted,
opened only by those who may, and never left half-stored."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from pypdf import PdfReader

from ombuds.cases.read_models import case_events
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import (
    ConcurrentChange,
    DecryptionFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from ombuds.messaging import files, services
from ombuds.messaging.attachments import (
    attachment_open,
    attachment_store,
    evidence_transaction,
    safe_filename,
)
from ombuds.messaging.files import FileRefused
from ombuds.messaging.models import Attachment
from ombuds.messaging.services import message_attachment_open, message_send, thread_read
from tests.messaging.conftest import (
    AUTHOR,
    EXE,
    PLACE,
    Parties,
    jpeg_with_gps,
    pdf_with_author,
    png_with_text,
    upload,
)

CA, RI = "complainant-advocate", "respondent-investigator"


def gps_of(data: bytes) -> dict[int, object]:
    return dict(Image.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def stored_files(blob_dir: Path) -> list[Path]:
    return sorted(p for p in blob_dir.rglob("*") if p.is_file()) if blob_dir.exists() else []


def send_file(
    parties: Parties, name: str, data: bytes, *, keep_original: bool = False, thread: str = CA
) -> Attachment:
    sender = parties.complainant if thread == CA else parties.respondent
    message_send(
        participant=sender,
        thread=thread,
        text="Here is the evidence.",
        upload=upload(name, data),
        description="What he sent me",
        keep_original=keep_original,
    )
    ids = event_metadata(case_events(parties.case.id)[-1])["attachments"]
    return Attachment.objects.get(pk=ids[0])


# Checking and stripping (files.prepare) ----------------------------------------------------


def test_a_photo_loses_its_exif_gps_and_comment() -> None:
    original = jpeg_with_gps()
    assert gps_of(original)  # the sample really carries a location
    prepared = files.prepare(original)
    assert prepared.type is files.JPEG and prepared.stripped
    assert gps_of(prepared.content) == {}
    assert dict(Image.open(BytesIO(prepared.content)).getexif()) == {}
    for secret in (PLACE.encode(), AUTHOR.encode(), b"outside her flat"):
        assert secret in original and secret not in prepared.content
    assert Image.open(BytesIO(prepared.content)).size == (64, 48)


def test_a_png_loses_its_text_chunks_and_keeps_its_pixels() -> None:
    prepared = files.prepare(png_with_text())
    assert prepared.type is files.PNG
    assert AUTHOR.encode() not in prepared.content
    image = Image.open(BytesIO(prepared.content))
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 0, 255, 128)


def test_a_pdf_loses_its_author_and_xmp() -> None:
    original = pdf_with_author()
    metadata = PdfReader(BytesIO(original)).metadata
    assert metadata is not None and metadata["/Author"] == AUTHOR
    prepared = files.prepare(original)
    assert prepared.type is files.PDF
    reader = PdfReader(BytesIO(prepared.content))
    assert not reader.metadata or "/Author" not in reader.metadata
    assert "/Metadata" not in reader.root_object
    assert AUTHOR.encode() not in prepared.content
    assert len(reader.pages) == 1


def test_plain_text_is_kept_as_it_is() -> None:
    text = "He said: «see you later» ✉\n".encode()
    prepared = files.prepare(text)
    assert prepared.type is files.TEXT and prepared.content == text and not prepared.stripped


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXE, "cannot be sent"),  # a program, whatever it is called
        (b"\x00\x01\x02binary", "cannot be sent"),
        (b"GIF89a" + b"\x00" * 20, "cannot be sent"),
        (b"", "empty"),
        (b"%PDF-1.7\nthis is not really a pdf", "could not be read as a PDF"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "could not be read as a JPEG"),
        (b"\x89PNG\r\n\x1a\n not really a png", "could not be read as a PNG"),
    ],
)
def test_files_that_are_not_what_we_take_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message):
        files.prepare(data)


def test_more_than_ten_mebibytes_is_refused() -> None:
    with pytest.raises(FileRefused, match="10 MB"):
        files.prepare(b"a" * (files.MAX_BYTES + 1))
    assert files.prepare(b"a" * files.MAX_BYTES).type is files.TEXT


# Storing ------------------------------------------------------------------------------------


def test_the_stored_blob_holds_neither_the_content_nor_the_name(
    parties: Parties, blob_dir: Path
) -> None:
    secret = b"He wrote: meet me in room 12 or else.\n"
    attachment = send_file(parties, "threats-from-councillor.txt", secret)
    (blob,) = stored_files(blob_dir)
    assert blob == blob_dir / str(parties.case.id) / str(attachment.id)
    stored = blob.read_bytes()
    assert secret not in stored and b"room 12" not in stored
    assert "threats" not in str(blob) and b"threats" not in stored
    assert hashlib.sha256(stored).hexdigest() == attachment.sha256
    assert (attachment.media_type, attachment.size) == ("text/plain", len(secret))
    assert attachment.uploader == parties.complainant.pseudonym
    assert attachment.key_purpose == "case" and not attachment.original_kept
    # The name and description are only in the encrypted body of the message.
    event = case_events(parties.case.id)[-1]
    assert b"threats" not in bytes(event.body) and "threats" not in event.metadata


def test_the_stripped_copy_is_stored_and_the_original_only_when_chosen(
    parties: Parties, blob_dir: Path
) -> None:
    photo = jpeg_with_gps()
    stripped_only = send_file(parties, "IMG_0001.jpg", photo)
    assert not stripped_only.original_kept and len(stored_files(blob_dir)) == 1
    opened = message_attachment_open(
        participant=parties.advocate, attachment_id=str(stripped_only.id)
    )
    assert opened.media_type == "image/jpeg" and gps_of(opened.data) == {}
    with pytest.raises(NotFound):
        message_attachment_open(
            participant=parties.advocate, attachment_id=str(stripped_only.id), original=True
        )

    kept = send_file(parties, "IMG_0002.jpg", photo, keep_original=True)
    assert kept.original_kept and kept.original_size == len(photo)
    assert len(stored_files(blob_dir)) == 3
    original_blob = (blob_dir / kept.original_path).read_bytes()
    assert PLACE.encode() not in original_blob  # stored encrypted, like the copy
    shown = message_attachment_open(participant=parties.advocate, attachment_id=str(kept.id))
    assert gps_of(shown.data) == {}
    original = message_attachment_open(
        participant=parties.advocate, attachment_id=str(kept.id), original=True
    )
    assert original.data == photo and gps_of(original.data)
    assert original.filename == "IMG_0002-original.jpg"


def test_the_file_keeps_its_name_with_the_extension_of_its_real_type(parties: Parties) -> None:
    attachment = send_file(parties, "page.html", b"<script>alert(1)</script>\n")
    opened = message_attachment_open(
        participant=parties.complainant, attachment_id=str(attachment.id)
    )
    assert opened.filename == "page.txt" and opened.media_type == "text/plain"


def test_an_unnamed_file_gets_a_generic_name(parties: Parties) -> None:
    first = attachment_store(
        participant=parties.investigator,
        upload=upload("notes.pdf", pdf_with_author()),
        key_purpose="case",
        keep_original=False,
    )
    # Stored by another part, which has not referred to it in an event (yet).
    opened = attachment_open(participant=parties.investigator, attachment_id=first.id)
    assert opened.filename == "evidence-1.pdf"
    assert AUTHOR.encode() not in opened.data


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.pdf"),
        ('C:\\Users\\me\\"quoted";.pdf', "quoted.pdf"),
        ("déclaration\x00\n.pdf", "déclaration.pdf"),
        ("no extension", "no extension.pdf"),
        ("...", ""),
    ],
)
def test_safe_filenames(name: str, safe: str) -> None:
    assert safe_filename(name, "pdf") == safe


def test_a_refused_file_stores_nothing(parties: Parties, blob_dir: Path) -> None:
    before = len(case_events(parties.case.id))
    for name, data in (("evidence.pdf", EXE), ("big.txt", b"a" * (files.MAX_BYTES + 1))):
        with pytest.raises(FileRefused):
            message_send(
                participant=parties.complainant,
                thread=CA,
                text="See file",
                upload=upload(name, data),
            )
    assert len(case_events(parties.case.id)) == before
    assert not Attachment.objects.exists() and stored_files(blob_dir) == []


def test_an_upload_over_the_limit_is_refused_by_its_size_first(parties: Parties) -> None:
    big = upload("big.txt", b"a" * 10)
    big.size = files.MAX_BYTES + 1
    with pytest.raises(FileRefused, match="10 MB"):
        attachment_store(
            participant=parties.complainant, upload=big, key_purpose="case", keep_original=False
        )


def test_a_failed_message_leaves_no_blob_and_no_row(
    parties: Parties, blob_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConcurrentChange("Someone else changed this case just now.")

    monkeypatch.setattr(services, "case_record", refuse)
    with pytest.raises(ConcurrentChange):
        message_send(
            participant=parties.complainant,
            thread=CA,
            text="With a photo",
            upload=upload("photo.jpg", jpeg_with_gps()),
            keep_original=True,
        )
    assert not Attachment.objects.exists()
    assert stored_files(blob_dir) == []


def test_a_failed_outer_evidence_transaction_removes_inner_blobs(
    parties: Parties, blob_dir: Path
) -> None:
    with pytest.raises(RuntimeError), evidence_transaction():
        attachment_store(
            participant=parties.investigator,
            upload=upload("a.txt", b"statement\n"),
            key_purpose="case",
            keep_original=False,
        )
        assert len(stored_files(blob_dir)) == 1
        raise RuntimeError("the caller's event failed")
    assert stored_files(blob_dir) == [] and not Attachment.objects.exists()


def test_a_message_after_closure_stores_no_file(parties: Parties, blob_dir: Path) -> None:
    from ombuds.cases import services as case_services
    from ombuds.cases.models import Case
    from tests.messaging.conftest import key_of

    case_services.case_close(
        actor=parties.case_manager.person,  # type: ignore[arg-type]
        case=Case.objects.get(pk=parties.case.pk),
        private_key=key_of(parties.case_manager.person),  # type: ignore[arg-type]
        reason="Resolved.",
    )
    with pytest.raises(InvalidInput, match="ended"):
        message_send(
            participant=parties.complainant,
            thread=CA,
            text="Too late",
            upload=upload("a.txt", b"late evidence\n"),
        )
    assert stored_files(blob_dir) == [] and not Attachment.objects.exists()


# Opening ------------------------------------------------------------------------------------


def test_either_side_opens_a_file_and_nobody_else(parties: Parties) -> None:
    attachment = send_file(parties, "notes.txt", b"what happened\n")
    for side in (parties.complainant, parties.advocate):
        opened = message_attachment_open(participant=side, attachment_id=str(attachment.id))
        assert opened.data == b"what happened\n" and opened.filename == "notes.txt"
    for other in (parties.case_manager, parties.investigator, parties.respondent):
        with pytest.raises(NotPermitted):
            message_attachment_open(participant=other, attachment_id=str(attachment.id))


def test_a_file_of_another_case_is_not_found(parties: Parties, identified_report: object) -> None:
    from ombuds.cases.participants import complainant_participant

    attachment = send_file(parties, "notes.txt", b"what happened\n")
    stranger = complainant_participant(identified_report.access)  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        message_attachment_open(participant=stranger, attachment_id=str(attachment.id))
    with pytest.raises(NotFound):
        attachment_open(participant=stranger, attachment_id=attachment.id)


def test_the_respondents_files_need_her_key(parties: Parties) -> None:
    attachment = send_file(parties, "reply.txt", b"my account\n", thread=RI)
    assert attachment.key_purpose == "respondent"
    assert (
        message_attachment_open(
            participant=parties.investigator, attachment_id=str(attachment.id)
        ).data
        == b"my account\n"
    )
    with pytest.raises(NotPermitted):
        message_attachment_open(participant=parties.complainant, attachment_id=str(attachment.id))
    with pytest.raises(NotFound):  # her keys do not open it, whatever the route
        attachment_open(participant=parties.complainant, attachment_id=attachment.id)


def test_a_tampered_blob_does_not_open(parties: Parties, blob_dir: Path) -> None:
    attachment = send_file(parties, "notes.txt", b"what happened\n")
    blob = blob_dir / attachment.path
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(DecryptionFailed):
        message_attachment_open(participant=parties.advocate, attachment_id=str(attachment.id))


def test_a_blob_swapped_for_another_does_not_open(parties: Parties, blob_dir: Path) -> None:
    one = send_file(parties, "one.txt", b"first\n")
    two = send_file(parties, "two.txt", b"second\n")
    # Someone with the disk and the database puts one file's ciphertext in place of another.
    (blob_dir / two.path).write_bytes((blob_dir / one.path).read_bytes())
    Attachment.objects.filter(pk=two.pk).update(sha256=one.sha256)
    with pytest.raises(DecryptionFailed):
        message_attachment_open(participant=parties.advocate, attachment_id=str(two.id))


def test_a_missing_blob_does_not_open(parties: Parties, blob_dir: Path) -> None:
    attachment = send_file(parties, "notes.txt", b"what happened\n")
    (blob_dir / attachment.path).unlink()
    with pytest.raises(DecryptionFailed):
        attachment_open(participant=parties.advocate, attachment_id=attachment.id)


def test_the_thread_shows_the_file_by_name(parties: Parties) -> None:
    send_file(parties, "screenshot.png", png_with_text())
    (message,) = thread_read(participant=parties.advocate, thread=CA).messages
    (ref,) = message.files
    assert (ref.name, ref.description, ref.kind) == (
        "screenshot.png",
        "What he sent me",
        "PNG image",
    )


def test_the_public_open_keeps_a_message_file_to_its_thread(parties: Parties) -> None:
    """Whatever page another part builds on attachment_open, a file sent in a thread stays
    with the two sides of that thread, though others on the case hold the case key."""
    attachment = send_file(parties, "notes.txt", b"for my advocate only\n")
    assert attachment_open(participant=parties.advocate, attachment_id=attachment.id).data
    for other in (parties.case_manager, parties.investigator):
        with pytest.raises(NotPermitted):
            attachment_open(participant=other, attachment_id=attachment.id)


def test_the_files_a_participant_may_see(parties: Parties) -> None:
    from ombuds.messaging.selectors import attachments_visible_to

    in_thread = send_file(parties, "notes.txt", b"for my advocate only\n")
    respondents = send_file(parties, "reply.txt", b"my account\n", thread=RI)
    evidence = attachment_store(
        participant=parties.investigator,
        upload=upload("log.txt", b"log\n"),
        key_purpose="case",
        keep_original=False,
    )

    def visible(participant: object) -> set[Attachment]:
        return set(attachments_visible_to(participant))  # type: ignore[arg-type]

    assert visible(parties.advocate) == {in_thread, evidence}
    assert visible(parties.complainant) == {in_thread, evidence}
    assert visible(parties.investigator) == {respondents, evidence}
    assert visible(parties.case_manager) == {evidence}
    assert visible(parties.respondent) == {respondents}
