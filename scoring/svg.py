"""Server-side SVG charts (no JavaScript), so the same markup goes into pages and PDFs."""

from __future__ import annotations

import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from core import formats


def _n(value: Decimal | float, places: int = 1) -> str:
    return formats.number(round(float(value), places), places)


def trend_chart(
    points: list[tuple[datetime.date, Decimal | None]],
    *,
    title: str,
    unit_label: str = "",
    target: Decimal | None = None,
    width: int = 640,
    height: int = 240,
) -> str:
    """A monthly line chart; months without data are gaps (blank is not zero)."""
    left, right, top, bottom = 48, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [float(v) for _, v in points if v is not None]
    ceiling = max([*known, float(target) if target is not None else 0, 1.0])
    if unit_label == "%":
        ceiling = max(ceiling, 100.0)
    ceiling *= 1.05
    n = max(len(points), 1)
    step = plot_w / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - (v / ceiling) * plot_h

    parts = [
        # No fixed width/height: the chart scales by its viewBox to the box it is in
        # (a 390 px phone), never wider than its drawn size (static/css: svg.chart).
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    for frac in (0, 0.5, 1):
        v = ceiling / 1.05 * frac
        parts.append(f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">{_n(v, 0)}</text>')
    if target is not None:
        ty = y(float(target))
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#c0392b" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{left + plot_w}" y="{ty - 4:.1f}" text-anchor="end" fill="#c0392b">'
                     f'chỉ tiêu {_n(target)}{escape(unit_label)}</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (month, v) in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#555">{month:%m/%y}</text>')
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(float(v)):.1f}")
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(float(v)):.1f}" r="3" fill="#1f6fb2">'
                     f"<title>{formats.month(month)}: {_n(v)}{escape(unit_label)}</title></circle>")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#1f6fb2" stroke-width="2"/>')
    if not known:
        parts.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#888">'
                     "Chưa có số liệu</text>")
    parts.append("</svg>")
    return "".join(parts)
