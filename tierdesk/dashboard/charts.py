"""Dashboard charts as inline SVG text, drawn on the server: line and bar charts with axes,
labels, an optional target line and an accessible title and description. Pure Python."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from math import ceil, floor, log10

COLORS = ("#2f6fed", "#1e8e3e", "#9333ea", "#d98a00", "#0891b2")
TARGET_COLOR = "#c0392b"
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 60, 12, 30, 40


@dataclass(frozen=True, slots=True)
class Plot:
    label: str
    values: Sequence[float | None]  # one per x label; None: nothing measured there


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** floor(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _ticks(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _sparse(labels: Sequence[str], room: int) -> list[str]:
    """Every label when they fit, else every n-th from the first, so none overlap."""
    every = max(1, ceil(len(labels) / room))
    return [label if i % every == 0 else "" for i, label in enumerate(labels)]


def _frame(
    title: str,
    description: str,
    labels: Sequence[str],
    top: float,
    fmt: Callable[[float], str],
    body: list[str],
    legend: Sequence[tuple[str, str]],
    slug: str,
) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{slug}-t {slug}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{slug}-t">{escape(title)}</title>',
        f'<desc id="{slug}-d">{escape(description)}</desc>',
    ]
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="y-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(tick))}</text>"
        )
    step = plot_w / max(len(labels), 1)
    shown = 0
    for i, label in enumerate(_sparse(labels, room=max(1, plot_w // 56))):
        if label:
            x = LEFT + step * (i + 0.5)
            # Every second label is "alt": a narrow screen hides those to keep a larger font.
            css = "x-tick alt" if shown % 2 else "x-tick"
            shown += 1
            parts.append(
                f'<text class="{css}" x="{x:.1f}" y="{TOP + plot_h + 18}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{LEFT + plot_w}" '
        f'y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    parts.extend(body)
    x = LEFT
    for color, name in legend:
        parts.append(
            f'<rect x="{x}" y="8" width="10" height="10" fill="{color}"/>'
            f'<text class="legend" x="{x + 14}" y="17">{escape(name)}</text>'
        )
        x += 24 + 9 * len(name)  # room for the larger font on narrow screens
    parts.append("</svg>")
    return "".join(parts)


def _describe(plots: Sequence[Plot], labels: Sequence[str], fmt: Callable[[float], str]) -> str:
    """The numbers in words, for screen readers: each plot's values by label."""
    lines = []
    for plot in plots:
        values = ", ".join(
            f"{label}: {'no data' if v is None else fmt(v)}"
            for label, v in zip(labels, plot.values, strict=True)
        )
        lines.append(f"{plot.label}: {values}.")
    return " ".join(lines)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    plots: Sequence[Plot],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    top: float | None = None,
    target: float | None = None,
    target_label: str = "target",
    slug: str = "chart",
) -> str:
    """Lines over the labels; a None value breaks its line; a dashed line marks ``target``."""
    peak = max((v for p in plots for v in p.values if v is not None), default=0.0)
    top = top or nice_ceiling(max(peak, target or 0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    body = []
    for n, plot in enumerate(plots):
        color = COLORS[n % len(COLORS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(plot.values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append((LEFT + step * (i + 0.5), TOP + plot_h - plot_h * v / top))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline class="line" fill="none" stroke="{color}" '
                    f'stroke-width="2" points="{points}"/>'
                )
            for x, y in run:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
    legend = [(COLORS[n % len(COLORS)], p.label) for n, p in enumerate(plots)]
    if target is not None:
        y = TOP + plot_h - plot_h * target / top
        body.append(
            f'<line class="target" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOR}" stroke-dasharray="6 4"/>'
        )
        legend.append((TARGET_COLOR, f"{target_label} {fmt(target)}"))
    description = _describe(plots, labels, fmt)
    if target is not None:
        description += f" {target_label.capitalize()}: {fmt(target)}."
    return _frame(title, description, labels, top, fmt, body, legend, slug)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    plots: Sequence[Plot],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    slug: str = "chart",
) -> str:
    """Side-by-side bars per label, one colour per plot."""
    peak = max((v for p in plots for v in p.values if v is not None), default=0.0)
    top = nice_ceiling(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    width = step * 0.8 / max(len(plots), 1)
    body = []
    for n, plot in enumerate(plots):
        color = COLORS[n % len(COLORS)]
        for i, v in enumerate(plot.values):
            if not v:
                continue
            h = plot_h * v / top
            x = LEFT + step * (i + 0.1) + width * n
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{escape(plot.label)}, '
                f"{escape(labels[i])}: {escape(fmt(v))}</title></rect>"
            )
    legend = [(COLORS[n % len(COLORS)], p.label) for n, p in enumerate(plots)]
    description = _describe(plots, labels, fmt)
    return _frame(title, description, labels, top, fmt, body, legend, slug)
