"""Bar charts as SVG, drawn from a ``Table`` so the chart and the table beside it always
show the same figures. Pure: no I/O. NHS colours; text in the report's font."""

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from services.reporting.machinery.tables import Table

# NHS identity colours with at least 3:1 contrast on white (WCAG 1.4.11): blue, purple,
# dark grey, dark green, dark pink.
SERIES_COLOURS = ("#005eb8", "#330072", "#425563", "#007f3b", "#7c2855")
TEXT = "#212b32"
GRID = "#d8dde0"
SUPPRESSED_FILL = "#e8edee"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    alt: str  # what the chart shows, in words; its table holds every figure
    svg: str
    table: Table

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def bar_chart(
    table: Table,
    series: Sequence[str],
    *,
    title: str,
    alt: str,
    maximum: float | None = None,
    label_width: int = 220,
) -> Chart:
    """Horizontal bars, one group per table row (labelled by the row's first column), one
    bar per column in ``series``. Suppressed or missing figures draw no bar and say so."""
    bar_h, gap, group_gap, plot_w = 14, 2, 14, 300
    values = [[c.value for c in table.column(name)] for name in series]  # series x rows
    largest = max((float(v) for s in values for v in s if v), default=1.0)
    step, ticks = axis(float(maximum) if maximum is not None else largest)
    top = step * ticks
    group_h = max(len(series) * (bar_h + gap), 26) + group_gap
    legend_h = 16 * len(series) + 6 if len(series) > 1 else 0
    height = legend_h + len(table.rows) * group_h + 24
    width = label_width + plot_w + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Liberation Sans, Arial, sans-serif" '
        f'font-size="11" fill="{TEXT}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, name in enumerate(series if legend_h else ()):
        x, y = label_width, 4 + 16 * i
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}">{escape(name)}</text>')
    for tick in range(ticks + 1):
        gx = label_width + plot_w * tick / ticks
        parts.append(
            f'<line x1="{gx:.1f}" y1="{legend_h}" x2="{gx:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{gx:.1f}" y="{height - 6}" text-anchor="middle">{_tick(step * tick)}</text>'
        )
    for r, row in enumerate(table.rows):
        y0 = legend_h + r * group_h
        lines = _wrap(row[0].text)
        middle = y0 + len(series) * (bar_h + gap) / 2 + 4 - 6 * (len(lines) - 1)
        parts.append(f'<text x="{label_width - 6}" y="{middle:.1f}" text-anchor="end">')
        for n, line in enumerate(lines):
            dy = 0 if n == 0 else 12
            parts.append(f'<tspan x="{label_width - 6}" dy="{dy}">{escape(line)}</tspan>')
        parts.append("</text>")
        for s, name in enumerate(series):
            y = y0 + s * (bar_h + gap)
            value = values[s][r]
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            if value is None:
                shown = table.column(name)[r]
                parts.append(
                    f'<rect x="{label_width}" y="{y}" width="40" height="{bar_h}" '
                    f'fill="{SUPPRESSED_FILL}"/>'
                    f'<text x="{label_width + 44}" y="{y + bar_h - 3}">{escape(shown.shown)}</text>'
                )
                continue
            w = plot_w * max(float(value), 0.0) / top
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
                f'<text x="{label_width + w + 4:.1f}" y="{y + bar_h - 3}">'
                f"{escape(table.column(name)[r].text)}</text>"
            )
    parts.append("</svg>")
    return Chart(id=table.id, title=title, alt=alt, svg="".join(parts), table=table)


def axis(largest: float) -> tuple[float, int]:
    """The axis's step (1, 2, 2.5 or 5 times a power of ten) and how many steps (at most 4)
    reach ``largest``: 24 -> 10 x 3, 8 -> 2 x 4, 100 -> 25 x 4."""
    largest = max(largest, 1.0)
    power = 10.0 ** math.floor(math.log10(largest / 4))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power * 4 >= largest)
    return float(step), math.ceil(largest / step - 1e-9)


def _tick(value: float) -> str:
    return f"{value:g}" if value < 10 else f"{round(value):,}"


def _wrap(text: str, width: int = 36) -> list[str]:
    """At most two lines of about ``width`` characters; longer labels end with an ellipsis
    (the table beside the chart has them whole)."""
    lines: list[str] = [""]
    for word in text.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "…"]
    return lines


def alt_text(table: Table, series: Sequence[str], what: str) -> str:
    """A chart's alternative text: what it shows and every figure, row by row, as shown in
    its table (suppressed figures say so)."""
    parts = []
    for r, row in enumerate(table.rows):
        figures = ", ".join(f"{name} {table.column(name)[r].shown}" for name in series)
        parts.append(f"{row[0].text}: {figures}")
    return f"Bar chart of {what}. " + ("; ".join(parts) if parts else "No figures") + "."
