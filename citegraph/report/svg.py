"""The report's one chart: adoption per year as inline SVG (no script, no library, no fetch).

Bars count the adopters per year (orange in burst years), a line gives their share of the
year's works with known term use on a fixed 0–100% scale, so the chart reads the same as the
``timeline.csv`` table under it. Text in it (tooltips) is escaped like the rest of the page.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..exports import is_missing
from .document import percent

__all__ = ["timeline_svg"]


@dataclass(frozen=True)
class _Frame:
    """The chart's geometry: the canvas, its margins and the slot each of ``years`` gets;
    ``peak`` is the adopter count at the top of the bars' scale."""

    years: int
    peak: int
    width, height = 760, 260
    left, right, top, bottom = 44, 44, 16, 36

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def slot(self) -> float:
        return self.plot_w / self.years


def _axes(f: _Frame) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {f.width} {f.height}" role="img" '
            f'aria-label="Adopters per year">',
            f'<rect x="0" y="0" width="{f.width}" height="{f.height}" fill="#fff"/>',
            f'<line x1="{f.left}" y1="{f.top + f.plot_h}" x2="{f.left + f.plot_w}" y2="{f.top + f.plot_h}" stroke="#444"/>',
            f'<text x="4" y="{f.top + 10}" font-size="11" fill="#333">{f.peak}</text>',
            f'<text x="{f.width - f.right + 4}" y="{f.top + 10}" font-size="11" fill="#b04">100%</text>']


def _bar(f: _Frame, i: int, row: dict[str, Any], labelled: bool) -> list[str]:
    """Year ``i``'s bar with its tooltip, and its year under the axis when ``labelled``."""
    x = f.left + i * f.slot
    bar_h = f.plot_h * int(row["adopters"]) / f.peak
    tip = html.escape(f"{row['year']}: {row['adopters']} adopters, share {percent(row['share'])}")
    fill = "#d9822b" if row.get("burst") else "#3b6ea8"
    parts = [f'<rect x="{x + f.slot * 0.1:.1f}" y="{f.top + f.plot_h - bar_h:.1f}" width="{f.slot * 0.8:.1f}" '
             f'height="{bar_h:.1f}" fill="{fill}"><title>{tip}</title></rect>']
    if labelled:
        parts.append(f'<text x="{x + f.slot / 2:.1f}" y="{f.height - f.bottom + 16}" font-size="10" text-anchor="middle" '
                     f'fill="#333">{int(row["year"])}</text>')
    return parts


def _share_point(f: _Frame, i: int, share: Any) -> str | None:
    if is_missing(share):
        return None
    return f"{f.left + i * f.slot + f.slot / 2:.1f},{f.top + f.plot_h * (1 - float(share)):.1f}"


def timeline_svg(timeline: pd.DataFrame) -> str:
    """Adopters per year as bars, the share of known works as a line (0–100% on the right),
    from the first year with an adopter; a short note instead when no adopter has a year."""
    used = timeline[timeline["adopters"] > 0]
    if used.empty:
        return "<p>(no dated adopters to chart)</p>"
    data = timeline[timeline["year"] >= used["year"].min()]
    frame = _Frame(years=len(data), peak=max(1, int(data["adopters"].max())))
    parts = _axes(frame)
    points = []
    step = max(1, math.ceil(frame.years / 15))
    for i, row in enumerate(data.to_dict("records")):
        parts += _bar(frame, i, row, labelled=i % step == 0)
        if (point := _share_point(frame, i, row["share"])) is not None:
            points.append(point)
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#b04" stroke-width="1.5"/>')
    parts.append(f'<text x="{frame.left}" y="{frame.height - 4}" font-size="11" fill="#333">bars: adopters per year '
                 f'(orange: burst years); line: share of works with known term use</text>')
    parts.append("</svg>")
    return "\n".join(parts)
