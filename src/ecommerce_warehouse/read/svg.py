"""SVG drawing primitives for the report's charts, with no script and no font of their own.

A chart is an ``<svg>`` of text, grid lines and data marks: every data mark is a
``<rect class="mark">`` with its value as a tooltip. Also here: the shared ink colours,
the heatmap's colour scale, a round axis step, and escaping text for SVG and HTML.
"""

from __future__ import annotations

import html
import math

CHART_WIDTH = 600
INK = "#1a202c"
MUTED = "#718096"
GRID = "#e2e8f0"
HEAT_LOW = (243, 232, 255)
HEAT_HIGH = (68, 51, 122)


def esc(text) -> str:
    """``text`` escaped for SVG or HTML (quotes too, so it can go in an attribute)."""
    return html.escape(str(text), quote=True)


def shorten(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, ending in an ellipsis when cut."""
    text = str(text or "")
    return text if len(text) <= length else text[: length - 1] + "…"


def axis_step(largest: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) so ``ticks`` steps cover ``largest``."""
    if largest <= 0:
        return 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if rough <= m * power)


def heat_colour(rate: float) -> str:
    """The heatmap's colour for a rate from 0 (HEAT_LOW) to 1 (HEAT_HIGH)."""
    rate = min(max(rate or 0, 0), 1)
    mixed = (round(low + (high - low) * rate) for low, high in zip(HEAT_LOW, HEAT_HIGH))
    return "#" + "".join(f"{part:02x}" for part in mixed)


def svg(width: int, height: int, label: str, body: list[str]) -> str:
    """An ``<svg>`` of ``width`` by ``height`` holding ``body``, labelled for screen readers."""
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{esc(label)}" font-family="system-ui, sans-serif" '
            f'font-size="11">' + "".join(body) + "</svg>")


def text_at(x: float, y: float, content, anchor: str = "start", fill: str = INK, size: int = 11,
            weight: str = "normal") -> str:
    """A ``<text>`` at (x, y); ``anchor`` is start, middle or end."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
            f'font-size="{size}" font-weight="{weight}">{esc(content)}</text>')


def mark(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    """A data mark: a ``<rect class="mark">`` with ``tip`` as its tooltip."""
    return (f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
            f'height="{max(height, 0):.1f}" fill="{fill}"><title>{esc(tip)}</title></rect>')


def empty_svg(label: str, message: str) -> str:
    """A short chart-wide ``<svg>`` that only says ``message`` (a chart with nothing to draw)."""
    return svg(CHART_WIDTH, 80, label, [text_at(CHART_WIDTH / 2, 45, message, "middle", MUTED, 13)])


def horizontal_bars(label: str, items: list[tuple[str, float, str, str]], value_text,
                    label_width: int = 190) -> str:
    """Bars from the left: items are (label, value, colour, tooltip)."""
    if not items:
        return empty_svg(label, "nothing to show")
    bar_height, gap, top = 20, 8, 8
    height = top + len(items) * (bar_height + gap) + 8
    room = CHART_WIDTH - label_width - 90
    largest = max((value for _, value, _, _ in items), default=0) or 1
    body = []
    for index, (name, value, colour, tip) in enumerate(items):
        y = top + index * (bar_height + gap)
        length = room * (value / largest) if value > 0 else 0
        body.append(text_at(label_width - 8, y + 14, shorten(name, 30), "end"))
        body.append(mark(label_width, y, length, bar_height, colour, tip))
        body.append(text_at(label_width + length + 6, y + 14, value_text(value), fill=MUTED))
    return svg(CHART_WIDTH, height, label, body)
