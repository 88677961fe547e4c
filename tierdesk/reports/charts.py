"""The tier review's two small inline SVG charts: attainment against goal, and where misses
fall in the week. Plain SVG strings, so the PDF needs no script and no network."""

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

MET, MISSED, GOAL, GRID = "#16a34a", "#dc2626", "#111827", "#e5e7eb"


def attainment_bars(rows: Sequence[tuple[str, float | None]], *, goal_percent: int) -> SafeString:
    """One horizontal bar per metric (0-100%), green at or above the goal, red below, with
    the goal as a dark line."""
    width, label_w, bar_h, gap = 320, 92, 14, 7
    plot_w = width - label_w - 34
    height = len(rows) * (bar_h + gap) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="9">'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * (bar_h + gap)
        parts.append(f'<text x="0" y="{y + 11}">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="{GRID}"/>'
        )
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 11}" fill="#6b7280">no data</text>')
            continue
        color = MET if value * 100 >= goal_percent else MISSED
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{plot_w * value:.1f}" height="{bar_h}" '
            f'fill="{color}"/>'
        )
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + 11}">{round(value * 100)}%</text>')
    gx = label_w + plot_w * goal_percent / 100
    bottom = len(rows) * (bar_h + gap)
    parts.append(
        f'<line x1="{gx:.1f}" y1="-2" x2="{gx:.1f}" y2="{bottom - gap + 2}" stroke="{GOAL}" '
        'stroke-width="2"/>'
    )
    parts.append(
        f'<text x="{gx:.1f}" y="{bottom + 10}" text-anchor="middle">goal {goal_percent}%</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from numbers and escaped labels


def miss_heatmap(grid: Sequence[Sequence[int]], *, zone: str) -> SafeString:
    """Weekday x hour cells shaded by misses (darkest = the most), hours in ``zone``."""
    cell_w, cell_h, left, top = 12, 12, 26, 12
    width, height = left + 24 * cell_w + 4, top + 7 * cell_h + 18
    peak = max((v for row in grid for v in row), default=0)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="7.5">'
    ]
    for hour in range(0, 24, 3):
        parts.append(f'<text x="{left + hour * cell_w}" y="{top - 4}">{hour:02d}</text>')
    for d, row in enumerate(grid):
        y = top + d * cell_h
        parts.append(f'<text x="0" y="{y + 8}">{days[d]}</text>')
        for hour, misses in enumerate(row):
            shade = misses / peak if peak else 0.0
            fill = GRID if misses == 0 else MISSED
            opacity = 1.0 if misses == 0 else 0.2 + 0.8 * shade
            parts.append(
                f'<rect x="{left + hour * cell_w}" y="{y}" width="{cell_w - 1}" '
                f'height="{cell_h - 2}" fill="{fill}" fill-opacity="{opacity:.2f}">'
                f"<title>{misses}</title></rect>"
            )
    parts.append(
        f'<text x="0" y="{height - 4}">by weekday and hour the clock started '
        f"({escape(zone)}); darkest = {peak}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from numbers and escaped labels
