"""Inline SVG pictures for the reports: no JavaScript, each with a text alternative.

Every picture is ``role="img"`` with a ``<title>`` (and ``aria-labelledby`` pointing at it) that
states the numbers, which the page's tables also show.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _num(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# Widths of characters as a share of the font size, taken generously (DejaVu Sans, the widest common
# "sans-serif", is the reference): charts leave room for a label by this estimate, never by guess.
_NARROW, _WIDE = set("ijlrtfI.,:;'!|()[] "), set("mwMW@%")


def text_width(text: str, size: float = 12) -> float:
    """An upper estimate of the width of ``text`` set in ``size`` px sans-serif."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.4
        elif ch in _WIDE:
            em += 1.0
        elif ch.isupper():
            em += 0.78
        else:
            em += 0.66
    return em * size


def fit_label(text: str, room: float, size: float = 12) -> str:
    """``text``, cut with an ellipsis if needed so that its estimated width fits ``room``."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def hours(minutes: float) -> str:
    """Minutes as hours with one decimal: 90 -> "1.5"."""
    return f"{minutes / 60:.1f}"


def progress_bar(value: float, maximum: float, label: str, *, width: int = 120, height: int = 12) -> Markup:
    """A horizontal bar filled to value/maximum (capped at full); ``label`` is its text alternative."""
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    tid = _id("bar")
    fill = _num(width * share)
    return Markup(
        f'<svg class="progress-bar" role="img" aria-labelledby="{tid}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{tid}">{escape(label)}</title>'
        f'<rect class="bar-track" x="0" y="0" width="{width}" height="{height}" rx="2" fill="#e6e6e6" stroke="#595959"/>'
        f'<rect class="bar-fill" x="0" y="0" width="{fill}" height="{height}" rx="2" fill="#1d70b8"/>'
        "</svg>"
    )


@dataclass(frozen=True)
class TimeBar:
    """One row of a time chart: online and offline minutes against a target in minutes."""

    label: str
    online_minutes: float
    offline_minutes: float
    target_minutes: float | None


def time_chart(rows: Sequence[TimeBar], title: str, *, width: int = 560) -> Markup:
    """Horizontal stacked bars (online, then offline) per row with the target marked as a line.

    The title and each row's figures, in hours, make up the text alternative.
    """
    bar_h, gap, top = 18, 10, 24
    figures = [f"{hours(r.online_minutes + r.offline_minutes)} h"
               + (f" / {hours(r.target_minutes)} h" if r.target_minutes else "") for r in rows]
    # The figures at the right get the room their longest needs; the labels up to a third of the picture.
    figure_w = round(max([40.0] + [text_width(f) for f in figures]) + 8)
    label_w = round(min(width // 3, max([60.0] + [text_width(r.label) for r in rows]) + 8))
    plot_w = width - label_w - figure_w
    scale_max = max([1.0] + [max(r.online_minutes + r.offline_minutes, r.target_minutes or 0) for r in rows])
    height = top + len(rows) * (bar_h + gap) + 4
    tid = _id("chart")
    alt = [title + "."]
    for r in rows:
        target = f" against a target of {hours(r.target_minutes)} hours" if r.target_minutes else " (no target)"
        alt.append(f"{r.label}: {hours(r.online_minutes)} hours online and {hours(r.offline_minutes)} "
                   f"hours offline{target}.")
    parts = [
        f'<svg class="time-chart" role="img" aria-labelledby="{tid}" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(" ".join(alt))}</title>',
        f'<g font-size="12" font-family="sans-serif" fill="#0b0c0c">'
        f'<rect x="{label_w}" y="4" width="12" height="10" fill="#1d70b8"/>'
        f'<text x="{label_w + 16}" y="13">online</text>'
        f'<rect x="{label_w + 70}" y="4" width="12" height="10" fill="#85994b"/>'
        f'<text x="{label_w + 86}" y="13">offline</text>'
        f'<line x1="{label_w + 140}" y1="4" x2="{label_w + 140}" y2="14" stroke="#d4351c" stroke-width="3"/>'
        f'<text x="{label_w + 146}" y="13">target (GLH)</text></g>',
    ]
    for i, r in enumerate(rows):
        y = top + i * (bar_h + gap)
        online_w = plot_w * r.online_minutes / scale_max
        offline_w = plot_w * r.offline_minutes / scale_max
        short = fit_label(r.label, label_w - 8)
        parts.append(
            f'<g font-size="12" font-family="sans-serif" fill="#0b0c0c">'
            f'<text x="0" y="{_num(y + 13)}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{_num(online_w)}" height="{bar_h}" fill="#1d70b8"/>'
            f'<rect x="{_num(label_w + online_w)}" y="{y}" width="{_num(offline_w)}" height="{bar_h}" fill="#85994b"/>'
        )
        if r.target_minutes:
            tx = label_w + plot_w * r.target_minutes / scale_max
            parts.append(f'<line x1="{_num(tx)}" y1="{y - 3}" x2="{_num(tx)}" y2="{y + bar_h + 3}" '
                         'stroke="#d4351c" stroke-width="3"/>')
        parts.append(f'<text x="{_num(label_w + plot_w + 6)}" y="{_num(y + 13)}">{escape(figures[i])}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
