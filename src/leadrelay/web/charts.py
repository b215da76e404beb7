"""Charts as inline SVG, drawn on the server: horizontal bars, stacked day columns and a day line.

No JavaScript chart library: the markup is small, works without network, prints, and every label is
escaped like any other text on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from markupsafe import Markup, escape

__all__ = ["PALETTE", "day_columns", "day_line", "duration", "hbars", "percent"]

PALETTE = ("#3b5bdb", "#12b886", "#f59f00", "#e8590c", "#7048e8", "#1098ad", "#d6336c", "#5c940d")
_TEXT = "#495057"
_GRID = "#e9ecef"
_FONT = 'font-family="inherit" font-size="12"'


def percent(value: float | None) -> str:
    """A share as a whole percent, or an em dash when there is none."""
    return "—" if value is None else f"{value * 100:.0f}%"


def duration(seconds: float | None) -> str:
    """A duration for people: 45s, 12m, 3.5h, 2.1d; an em dash when there is none."""
    if seconds is None:
        return "—"
    seconds = abs(seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _empty(width: int, height: int, text: str = "No data in this range") -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(text)}">'
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#868e96" {_FONT}>{escape(text)}</text>'
        "</svg>")


def hbars(items: Sequence[tuple[str, float | None]], *, fmt: Callable[[float], str] = str,
          max_value: float | None = None, width: int = 460, color: str = PALETTE[0]) -> Markup:
    """Horizontal bars, one per (label, value); None values show as "no data"."""
    if not items:
        return _empty(width, 80)
    row, label_w, value_w = 28, 130, 56
    height = row * len(items) + 8
    top = max_value if max_value is not None else max((v or 0.0) for _, v in items) or 1.0
    bar_w = width - label_w - value_w
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="{_TEXT}" {_FONT}>'
                     f"{escape(label)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row - 10}" rx="3" fill="{_GRID}"/>')
        if value is not None:
            w = max(0.0, min(1.0, value / top)) * bar_w
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 10}" rx="3" '
                         f'fill="{color}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>')
        text = "no data" if value is None else fmt(value)
        parts.append(f'<text x="{width - 4}" y="{y + 17}" text-anchor="end" fill="{_TEXT}" {_FONT}>'
                     f"{escape(text)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _day_label(day: date) -> str:
    return day.strftime("%d %b")


def day_columns(days: Sequence[date], series: dict[str, dict[date, float]], *, width: int = 640,
                height: int = 200) -> tuple[Markup, list[tuple[str, str]]]:
    """Stacked columns per day, one colour per series (e.g. sources); returns the SVG and the legend."""
    if not days or not series:
        return _empty(width, height), []
    left, bottom, top_pad = 36, 24, 10
    plot_h = height - bottom - top_pad
    totals = [sum(values.get(day, 0.0) for values in series.values()) for day in days]
    peak = max(totals) or 1.0
    step = (width - left) / len(days)
    bar_w = max(3.0, min(36.0, step * 0.7))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img">']
    for tick in (0.0, 0.5, 1.0):
        y = top_pad + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="{_GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{_TEXT}" {_FONT}>'
                     f"{peak * tick:.0f}</text>")
    legend = []
    names = sorted(series)
    colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    label_every = max(1, round(len(days) / 8))
    for i, day in enumerate(days):
        x = left + i * step + (step - bar_w) / 2
        y = top_pad + plot_h
        for name in names:
            value = series[name].get(day, 0.0)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colors[name]}">'
                         f"<title>{escape(_day_label(day))} · {escape(name)}: {value:.0f}</title></rect>")
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="{_TEXT}" '
                         f"{_FONT}>{escape(_day_label(day))}</text>")
    parts.append("</svg>")
    legend = [(name, colors[name]) for name in names]
    return Markup("".join(parts)), legend


def day_line(points: Sequence[tuple[date, float | None]], *, fmt: Callable[[float], str] = str, width: int = 640,
             height: int = 200, color: str = PALETTE[1]) -> Markup:
    """A line through the days that have a value, with a dot and its value on each."""
    known = [(day, value) for day, value in points if value is not None]
    if not known:
        return _empty(width, height)
    left, bottom, top_pad, right = 36, 24, 18, 16
    plot_h = height - bottom - top_pad
    peak = max(value for _, value in known) or 1.0
    step = (width - left - right) / max(1, len(points) - 1)
    index = {day: i for i, (day, _) in enumerate(points)}
    coords = [(left + index[day] * step if len(points) > 1 else (left + width) / 2,
               top_pad + plot_h * (1 - value / peak), day, value) for day, value in known]
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img">',
             f'<line x1="{left}" x2="{width}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}" stroke="{_GRID}"/>']
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _, _) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for x, y, day, value in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                     f"<title>{escape(_day_label(day))}: {escape(fmt(value))}</title></circle>")
        parts.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" fill="{_TEXT}" {_FONT}>'
                     f"{escape(fmt(value))}</text>")
    label_every = max(1, round(len(points) / 8))
    for i, (day, _) in enumerate(points):
        if i % label_every == 0:
            x = left + i * step if len(points) > 1 else (left + width) / 2
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{_TEXT}" {_FONT}>'
                         f"{escape(_day_label(day))}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
