"""Cases for messaging tests, made through the services: a report, an investigation with
the respondent joined, and every participant with her own key. Files made with Pillow
and pypdf, so each test knows exactly what hidden details they carry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import (
    Participant,
    complainant_participant,
    handler_participant,
    respondent_participant,
)
from ombuds.intake.services import Submission
from ombuds.people.models import User
from ombuds.people.services import person_unlock_key
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.respondents.services import respondent_invite, respondent_join
from tests.conftest import PASSWORD, Cast

RESPONDENT_PASSWORD = "her own secret 42"
AUTHOR = "Jane Q. Secretary"
PLACE = "SpyCam 3000"


@pytest.fixture(autouse=True)
def blob_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test stores its blobs in its own directory."""
    settings.OMBUDS_BLOB_DIR = tmp_path / "blobs"
    yield tmp_path / "blobs"


def key_of(person: User) -> bytes:
    return person_unlock_key(person=person, password=PASSWORD)


def handler(person: User, case: Case) -> Participant:
    return handler_participant(person, Case.objects.get(pk=case.pk), key_of(person))


def under_investigation(report: Submission, cast: Cast) -> Case:
    cm = cast.case_manager
    key = key_of(cm)
    case = case_services.case_acknowledge(actor=cm, case=report.case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=key, scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=key, role=Role.INVESTIGATOR)
    case = Case.objects.get(pk=case.pk)
    return case_record(handler_participant(cm, case, key), events.INVESTIGATION_OPENED)


@dataclass
class Parties:
    """Everyone on an investigated case whose respondent has joined."""

    case: Case
    complainant: Participant
    advocate: Participant
    investigator: Participant
    case_manager: Participant
    respondent: Participant
    respondent_person: User


@pytest.fixture
def parties(anonymous_report: Submission, cast: Cast) -> Parties:
    case = under_investigation(anonymous_report, cast)
    invitation = respondent_invite(participant=handler(cast.investigator, case))
    joined = respondent_join(code=invitation.code, password=RESPONDENT_PASSWORD)
    case = Case.objects.get(pk=case.pk)
    return Parties(
        case=case,
        complainant=complainant_participant(anonymous_report.access),
        advocate=handler(cast.advocate, case),
        investigator=handler(cast.investigator, case),
        case_manager=handler(cast.case_manager, case),
        respondent=respondent_participant(joined.person, joined.private_key),
        respondent_person=joined.person,
    )


# Files --------------------------------------------------------------------------------------


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A photo whose EXIF says where it was taken and with what."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = PLACE
    exif[ExifTags.Base.Artist] = AUTHOR
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken outside her flat")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", AUTHOR)
    out = BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_author() -> bytes:
    """A one-page PDF with /Author in its information dictionary and XMP naming her too."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": AUTHOR, "/Title": "Statement"})
    xmp = DecodedStreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>".encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
