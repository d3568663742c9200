"""Finding 3: files cannot exhaust the server. An image's size is read from its header
and checked against the pixel and memory budget before a single pixel is decoded; PDFs
whose streams expand out of all proportion are refused. Each refusal says why."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, ImageFile

from ombuds.messaging import files


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """7745 x 7745 pixels of one colour: a few tens of KB that decode to ~240 MB."""
    return png(7745, 7745, "L")


def test_finding_3_a_huge_png_is_refused_before_it_is_decoded(
    bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(bomb) < 200_000

    def never(self: Image.Image) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    with pytest.raises(files.FileRefused) as refused:
        files.prepare(bomb)
    assert "too large to process (7745 x 7745 pixels)" in refused.value.message
    assert "16 megapixels" in refused.value.message


def test_an_image_past_pillows_own_guard_is_refused_with_words_too() -> None:
    with pytest.raises(files.FileRefused) as refused:
        files.prepare(png(9000, 9000, "1"))  # 81 Mpx: past Image.MAX_IMAGE_PIXELS
    assert "too large to process" in refused.value.message


def test_the_budget_counts_bytes_per_pixel_not_only_pixels() -> None:
    assert files._bytes_per_pixel("RGB") == 4 and files._bytes_per_pixel("L") == 1
    with pytest.raises(files.FileRefused):
        files.prepare(png(4100, 4100, "RGB"))  # 16.8 Mpx: just over


def test_an_ordinary_photo_is_still_taken() -> None:
    prepared = files.prepare(png(3000, 2000))
    assert prepared.type is files.PNG


def _pdf_with_stream(content: bytes) -> bytes:
    data = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_finding_3_a_pdf_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "PDF_STREAM_BUDGET", 4 * 1024 * 1024)  # keep the test small
    with pytest.raises(files.FileRefused) as refused:
        files.prepare(_pdf_with_stream(b"\0" * (8 * 1024 * 1024)))
    assert "decompression bomb" in refused.value.message
    assert files.prepare(_pdf_with_stream(b"BT /F1 12 Tf (Hello) Tj ET")).type is files.PDF
