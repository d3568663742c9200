"""What an evidence file is, judged by its content, and the copy of it we store.

Plain Python (Pillow and pypdf, no Django). The type comes from the file's first bytes,
never from its name; the file must then parse as that type. Photos and PDFs lose their
hidden details (EXIF with GPS, XMP, comments; the PDF document information dictionary
and XMP metadata): that stripped copy is what is stored and shown. Every refusal is a
`FileRefused` with a sentence the sender can act on: a sentence of the catalogue, or a
pattern whose %(name)s parts are filled in after it is looked up (lib.errors.DomainError),
so it reads in her language.
"""

from __future__ import annotations

import threading
import warnings
import zlib
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import LimitReachedError
from pypdf.generic import StreamObject

from ombuds.lib.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024  # 10 MiB
# The memory budget of decoding one image: its pixels as Pillow holds them (4 bytes
# each for colour), checked from the header before a single pixel is decoded. 16.7
# megapixels: any phone photo up to 4000 x 4000; a 7745 x 7745 "bomb" is refused.
MAX_DECODED_BYTES = 64 * 1024 * 1024
MAX_PIXELS = MAX_DECODED_BYTES // 4
# Pillow's own guard (at four times ours, so our check with its clearer words comes
# first), for any code path that opens an image in this process.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 4
# A compressed PDF stream that expands past this, at more than this ratio, is a bomb.
PDF_STREAM_BUDGET = 64 * 1024 * 1024
PDF_BOMB_RATIO = 100
PDF_TOTAL_BUDGET = 512 * 1024 * 1024
# Decoding and re-encoding needs about twice the budget; at most two images are worked on
# at once in a process, so hostile images cannot add more than ~4 budgets of memory.
_DECODING = threading.BoundedSemaphore(2)
IMAGE_TOO_LARGE = (
    "The image is too large to process (%(width)s x %(height)s pixels). Send an image of at "
    "most 16 megapixels (for example 4000 x 4000), or a smaller copy of it."
)
# Pillow refused it before its size could be read.
IMAGE_FAR_TOO_LARGE = (
    "The image is too large to process. Send an image of at most 16 megapixels (for "
    "example 4000 x 4000), or a smaller copy of it."
)
PDF_TOO_LARGE = (
    "This PDF expands to far more than its file size when opened (it may be a "
    '"decompression bomb"), so it cannot be accepted. Save or print it again as a PDF, '
    "then send that."
)
TOO_LARGE = "The file must be 10 MB or smaller. Choose a smaller file, or split it into parts."
NOT_ALLOWED = (
    "This type of file cannot be sent. Send a PDF, a JPEG or PNG image, or a plain text file."
)
EMPTY = "The chosen file is empty. Choose a different file."
# %(kind)s is a FileType's words ("PDF", "JPEG image"), a word of the catalogue itself.
DAMAGED = (
    "The file could not be read as a %(kind)s. It may be damaged, or not really a %(kind)s. "
    "Choose a different file."
)
LOCKED_PDF = (
    "This PDF is protected by a password. Save a copy without the password, then send that."
)


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
    return FileRefused(DAMAGED, kind=kind.words)


_PILLOW_FORMATS = {JPEG.media_type: {"JPEG", "MPO"}, PNG.media_type: {"PNG"}}


def _bytes_per_pixel(mode: str) -> int:
    if mode in {"1", "L", "P"}:
        return 1
    if mode.startswith("I;16") or mode == "LA":
        return 2
    return 4  # Pillow keeps RGB, RGBA, CMYK, I and F in 32 bits a pixel


def _strip_image(data: bytes, kind: FileType) -> bytes:
    """Re-encode the pixels only: no EXIF (so no GPS), no XMP, no comments, no profile.
    The EXIF orientation is applied first, so the picture still looks the right way up.
    The size in the header is checked against the memory budget before decoding."""
    with _DECODING:
        return _decode_and_strip(data, kind)


def _decode_and_strip(data: bytes, kind: FileType) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in _PILLOW_FORMATS[kind.media_type]:
                raise _damaged(kind)
            width, height = image.size
            pixels = width * height
            if pixels > MAX_PIXELS or pixels * _bytes_per_pixel(image.mode) > MAX_DECODED_BYTES:
                raise FileRefused(IMAGE_TOO_LARGE, width=str(width), height=str(height))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileRefused(IMAGE_FAR_TOO_LARGE) from exc
    except (
        UnidentifiedImageError,
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
            raise FileRefused(LOCKED_PDF)
        if len(reader.pages) == 0:
            raise _damaged(PDF)
        writer = PdfWriter(clone_from=reader)
        _refuse_pdf_bombs(writer)
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
    except LimitReachedError as exc:
        raise FileRefused(PDF_TOO_LARGE) from exc
    except Exception as exc:  # an untrusted file in a lenient parser: any failure refuses it
        raise _damaged(PDF) from exc
    return out.getvalue()


def _expanded_size(data: bytes, stop_at: int) -> int:
    """How many bytes a Flate stream expands to, counted in small pieces (never held)."""
    inflater = zlib.decompressobj()
    total = 0
    chunk = inflater.decompress(data, 1 << 20)
    while chunk:
        total += len(chunk)
        if total > stop_at:
            break
        chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    return total


def _refuse_pdf_bombs(writer: PdfWriter) -> None:
    """Refuse a PDF whose compressed streams expand out of all proportion (we never
    expand them ourselves, but whoever opens the document would)."""
    total = 0
    for obj in writer._objects:
        if not isinstance(obj, StreamObject):
            continue
        raw = getattr(obj, "_data", None)  # the stream as stored, never expanded
        if not isinstance(raw, bytes) or not raw:
            continue
        filters = obj.get("/Filter")
        first = filters[0] if isinstance(filters, list) and filters else filters
        if first != "/FlateDecode":
            continue
        size = _expanded_size(raw, PDF_TOTAL_BUDGET - total)
        total += size
        bomb = size > PDF_STREAM_BUDGET and size > PDF_BOMB_RATIO * len(raw)
        if bomb or total > PDF_TOTAL_BUDGET:
            raise FileRefused(PDF_TOO_LARGE)
