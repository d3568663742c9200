"""Charts of published figures, drawn on the server as SVG (plain Python, no Django).

leather writes SVG with presentation attributes only (no <style>, no <script>), so a
chart obeys the strict Content-Security-Policy whether it is served on its own or drawn
into a PDF. A chart only ever shows counts that are published; a hidden count is drawn as
an empty bar labelled as hidden, never as its value. Each chart has its table beside it
as its text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence

import leather

WIDTH, ROW_HEIGHT = 640, 28
_BAR = "#1d70b8"  # the stylesheet's link blue: 4.5:1 on white


def bar_chart(title: str, bars: Sequence[tuple[str, int | None]], hidden_label: str) -> str:
    """Horizontal bars, one per row of a table; None is a hidden count."""
    data = [
        (value or 0, label if value is not None else f"{label} ({hidden_label})")
        for label, value in bars
    ] or [(0, "-")]  # leather cannot draw no bars
    chart = leather.Chart(title)
    top = max((value for value, _ in data), default=0)
    chart.add_x_scale(0, max(top, 1))
    chart.add_bars(data, fill_color=_BAR)
    height = 120 + ROW_HEIGHT * max(1, len(data))
    svg = str(chart.to_svg(width=WIDTH, height=height))
    # A viewBox lets the chart scale to its container (and PDF readers need one).
    return svg.replace("<svg ", f'<svg viewBox="0 0 {WIDTH} {height}" ', 1)
