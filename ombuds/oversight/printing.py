"""The printable annual report of one organisation as PDF (fpdf2: pure Python, no system
libraries). It prints exactly the published figures it is given, never anything else."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

_FONT = "Helvetica"


@dataclass(frozen=True)
class PrintedTable:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    chart_svg: str | None = None


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1: typographic quotes and Welsh circumflexed w and y
    are written with their nearest Latin-1 letters rather than dropped."""
    table = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                           "\u2013": "-", "\u2014": "-", "\u0175": "w", "\u0177": "y",
                           "\u0174": "W", "\u0176": "Y"})  # fmt: skip
    return text.translate(table).encode("latin-1", "replace").decode("latin-1")


def annual_report_pdf(title: str, intro: Sequence[str], tables: Sequence[PrintedTable]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(_FONT, style="B", size=18)
    pdf.multi_cell(0, 9, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=10)
    for paragraph in intro:
        pdf.ln(2)
        pdf.multi_cell(0, 5, _latin(paragraph), new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        pdf.ln(4)
        pdf.set_font(_FONT, style="B", size=12)
        pdf.multi_cell(0, 7, _latin(table.title), new_x="LMARGIN", new_y="NEXT")
        if table.chart_svg:
            pdf.image(io.BytesIO(table.chart_svg.encode()), w=150)
        pdf.set_font(_FONT, size=9)
        widths = [70, *([110 / max(1, len(table.header) - 1)] * (len(table.header) - 1))]
        with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True) as out:
            out.row([_latin(cell) for cell in table.header])
            for row in table.rows:
                out.row([_latin(cell) for cell in row])
    return bytes(pdf.output())
