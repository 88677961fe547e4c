"""Inline SVG charts drawn on the server: they render offline, with no script at all."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2")


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    values: Sequence[float | None]
    color: str = PALETTE[0]
    step: bool = False  # staffing is a count per interval: draw it as steps
    dashed: bool = False


def line_chart(
    lines: Sequence[Line],
    *,
    starts: Sequence[datetime],
    title: str,
    y_label: str,
    width: int = 1100,
    height: int = 280,
) -> SafeString:
    left, right, top, bottom = 48, 12, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max((len(line.values) for line in lines), default=0)
    peak = max((v for line in lines for v in line.values if v is not None), default=0.0)
    peak = _nice(peak)

    def x(i: float) -> float:
        return left + plot_w * i / max(n, 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="16" class="chart-title">{escape(title)}</text>',
    ]
    for k in range(5):
        v = peak * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'class="grid"/><text x="{left - 6}" y="{y(v) + 4:.1f}" class="tick" '
            f'text-anchor="end">{v:g}</text>'
        )
    for i, at in enumerate(starts[:n]):
        if at.hour == 0 and at.minute == 0:
            parts.append(
                f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{top + plot_h}" '
                f'class="day"/><text x="{x(i) + 3:.1f}" y="{height - 24}" class="tick">'
                f"{at:%a %d %b}</text>"
            )
    parts.append(
        f'<text x="12" y="{top + plot_h / 2:.0f}" class="tick" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.0f})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    for line in lines:
        points = []
        for i, v in enumerate(line.values):
            if v is None:
                continue
            if line.step:
                points += [f"{x(i):.1f},{y(v):.1f}", f"{x(i + 1):.1f},{y(v):.1f}"]
            else:
                points.append(f"{x(i + 0.5):.1f},{y(v):.1f}")
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        parts.append(
            f'<polyline fill="none" stroke="{line.color}" stroke-width="1.6"{dash} '
            f'points="{" ".join(points)}"><title>{escape(line.label)}</title></polyline>'
        )
    lx = left
    for line in lines:
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="12" height="4" fill="{line.color}"/>'
            f'<text x="{lx + 16}" y="{height - 8}" class="legend">{escape(line.label)}</text>'
        )
        lx += 24 + 7 * len(line.label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _nice(peak: float) -> float:
    """A round axis maximum at or above `peak`."""
    if peak <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak <= step:
            return float(step)
    return float(peak)
