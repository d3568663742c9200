"""What an evidence file is, judged by its content, and the copy of it we store.

Plain Python (Pillow and pypdf, no Django). The type comes from the file's first bytes,
never from its name; the file must then parse as that type. Photos and PDFs lose their
hidden details (EXIF with GPS, XMP, comments; the PDF document information dictionary
and XMP metadata): that stripped copy is what is stored and shown. Every refusal is a
`FileRefused` with a sentence the sender can act on.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

from ombuds.lib.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024  # 10 MiB
MAX_PIXELS = 60_000_000  # below Pillow's own decompression-bomb limit
TOO_LARGE = "The file must be 10 MB or smaller. Choose a smaller file, or split it into parts."
NOT_ALLOWED = (
    "This type of file cannot be sent. Send a PDF, a JPEG or PNG image, or a plain text file."
)
EMPTY = "The chosen file is empty. Choose a different file."


class FileRefused(InvalidInput):
    """An evidence file that cannot be accepted (its message says why, in plain words)."""


@dataclass(frozen=True)
class FileType:
    media_type: str
    extension: str
    words: str  # "PDF", for "Download statement.pdf (PDF, 12 KB)"


PDF = FileType("application/pdf", "pdf", "PDF")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
PNG = FileType("image/png", "png", "PNG image")
TEXT = FileType("text/plain", "txt", "text file")
TYPES = {t.media_type: t for t in (PDF, JPEG, PNG, TEXT)}


@dataclass(frozen=True)
class PreparedFile:
    """The copy to store (metadata stripped) and, where stripping changed it, the original."""

    type: FileType
    content: bytes
    original: bytes
    stripped: bool  # False when there was nothing to strip (plain text): content is original


def sniff(data: bytes) -> FileType:
    """The file's type from its content; FileRefused for anything we do not take."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if _is_plain_text(data):
        return TEXT
    raise FileRefused(NOT_ALLOWED)


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    allowed_controls = {"\t", "\n", "\r", "\f"}
    return not any(ord(c) < 32 and c not in allowed_controls for c in text) and "\x7f" not in text


def prepare(data: bytes) -> PreparedFile:
    """Check a file and strip its hidden details. Refused: empty, over 10 MiB, a type we do
    not take, or a file that does not parse as the type its first bytes claim."""
    if not data:
        raise FileRefused(EMPTY)
    if len(data) > MAX_BYTES:
        raise FileRefused(TOO_LARGE)
    kind = sniff(data)
    if kind is TEXT:
        return PreparedFile(type=kind, content=data, original=data, stripped=False)
    clean = _strip_pdf(data) if kind is PDF else _strip_image(data, kind)
    return PreparedFile(type=kind, content=clean, original=data, stripped=True)


def _damaged(kind: FileType) -> FileRefused:
    return FileRefused(
        f"The file could not be read as a {kind.words}. It may be damaged, or not really a "
        f"{kind.words}. Choose a different file."
    )


_PILLOW_FORMATS = {JPEG.media_type: {"JPEG", "MPO"}, PNG.media_type: {"PNG"}}


def _strip_image(data: bytes, kind: FileType) -> bytes:
    """Re-encode the pixels only: no EXIF (so no GPS), no XMP, no comments, no profile.
    The EXIF orientation is applied first, so the picture still looks the right way up."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in _PILLOW_FORMATS[kind.media_type]:
                raise _damaged(kind)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FileRefused("The image is too large. Choose a smaller image.")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise _damaged(kind) from exc
    # Drop everything beside the pixels (exif, xmp, comment, icc_profile, dpi, text
    # chunks...) but a palette's transparency, which is part of the picture.
    transparency = upright.info.get("transparency")
    upright.info.clear()
    if transparency is not None:
        upright.info["transparency"] = transparency
    out = BytesIO()
    if kind is JPEG:
        upright.save(out, format="JPEG", quality=95)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _strip_pdf(data: bytes) -> bytes:
    """The same document without its information dictionary (author, title, software...)
    or XMP metadata, document- or page-level; objects left unreferenced are not written."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRefused(
                "This PDF is protected by a password. Save a copy without the password, "
                "then send that."
            )
        if len(reader.pages) == 0:
            raise _damaged(PDF)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer.root_object
        for name in ("/Metadata", "/PieceInfo"):
            if name in root:
                del root[name]
        for page in writer.pages:
            for name in ("/Metadata", "/PieceInfo"):
                if name in page:
                    del page[name]
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = BytesIO()
        writer.write(out)
    except FileRefused:
        raise
    except Exception as exc:  # an untrusted file in a lenient parser: any failure refuses it
        raise _damaged(PDF) from exc
    return out.getvalue()
