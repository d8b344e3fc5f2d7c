"""Charts drawn on the server as inline SVG: an indicator's history against its bands.

No JavaScript and no styles: only SVG presentation attributes, so the same markup works in the
browser under the Content-Security-Policy and in WeasyPrint. Bands are shaded regions with a
pattern of their own (none, dots, hatching) and a written label, and every point has a shape
of its own (circle, diamond, square), so the chart reads in greyscale too. The `<title>` is the
alternative text: WeasyPrint writes it as the figure's /Alt, browsers read it out.

Every piece of text is escaped here; the result is safe to put into a template as it is.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.colour import Bands, Colour, Direction, format_value
from reports.selectors import IndicatorRow

WIDTH, HEIGHT = 640, 176
LEFT, RIGHT, TOP, BOTTOM = 56, 190, 14, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = "DejaVu Sans, Inter, sans-serif"
INK = "#1a1a1a"
# Light fills that stay distinct in greyscale through their patterns.
FILL = {Colour.GREEN: "#d5efdf", Colour.YELLOW: "#fbeec2", Colour.RED: "#f6d2cf"}
MARKER_FILL = {
    Colour.GREEN: "#0f9d58",
    Colour.YELLOW: "#f2b600",
    Colour.RED: "#d93025",
    Colour.NO_VALUE: "#ffffff",
    Colour.UNCOLOURED: "#ffffff",
}
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Scale:
    """Maps values to the plot's y coordinates."""

    low: float
    high: float

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return TOP + PLOT_H * (1 - share)


def nice_step(span: float, steps: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) dividing `span` into ~`steps`."""
    raw = span / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _scale(row: IndicatorRow) -> Scale:
    bands = row.band_spec
    numbers = [float(p.value) for p in row.history if p.value is not None]
    if bands is not None:
        numbers.append(float(bands.green_bound))
        if bands.red_bound is not None:
            numbers.append(float(bands.red_bound))
    if not numbers:
        numbers = [0.0]
    low, high = min(numbers), max(numbers)
    span = high - low or max(abs(high) * 0.2, 1.0)
    low, high = low - span * 0.25, high + span * 0.25
    if min(numbers) > 0 > low:
        low = 0.0
    if row.scale_max is not None and high > float(row.scale_max) >= max(numbers):
        high = float(row.scale_max)
    return Scale(low, high)


def _band_ranges(bands: Bands, scale: Scale) -> list[tuple[Colour, float, float]]:
    """(colour, from value, to value) of each band, clipped to the plot."""
    green, red = float(bands.green_bound), bands.red_bound
    inner = float(red) if red is not None else green
    if bands.direction == Direction.HIGHER_IS_BETTER:
        ranges = [(Colour.GREEN, green, scale.high), (Colour.RED, scale.low, inner)]
    else:
        ranges = [(Colour.GREEN, scale.low, green), (Colour.RED, inner, scale.high)]
    if red is not None:
        ranges.append((Colour.YELLOW, min(green, inner), max(green, inner)))
    clipped = []
    for colour, start, end in ranges:
        start, end = max(start, scale.low), min(end, scale.high)
        if end > start:
            clipped.append((colour, start, end))
    return clipped


def _patterns(uid: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{uid}-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{FILL[Colour.YELLOW]}"/>'
        f'<circle cx="4" cy="4" r="1.3" fill="{INK}" fill-opacity="0.45"/></pattern>'
        f'<pattern id="{uid}-hatch" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{FILL[Colour.RED]}"/>'
        f'<path d="M0 8 L8 0 M-2 2 L2 -2 M6 10 L10 6" stroke="{INK}" stroke-opacity="0.45" '
        'stroke-width="1"/></pattern>'
        "</defs>"
    )


def _band_fill(colour: Colour, uid: str) -> str:
    if colour == Colour.YELLOW:
        return f"url(#{uid}-dots)"
    if colour == Colour.RED:
        return f"url(#{uid}-hatch)"
    return FILL[colour]


def _n(value: float) -> str:
    """A coordinate with one decimal, without a trailing ".0" (the charts are many: bytes count)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 10) -> str:
    """A text in the chart's ink and font (the group around the chart gives both, and size 10)."""
    anchor_attribute = "" if anchor == "start" else f' text-anchor="{anchor}"'
    size_attribute = "" if size == 10 else f' font-size="{size}"'
    return (
        f'<text x="{_n(x)}" y="{_n(y)}"{anchor_attribute}{size_attribute}>{escape(content)}</text>'
    )


def _bands_svg(row: IndicatorRow, scale: Scale, uid: str) -> list[str]:
    """The bands as shaded regions; none for an indicator no rule colours (monitored...)."""
    if row.band_spec is None:
        return []
    texts = dict(row.bands)
    parts = []
    for colour, start, end in _band_ranges(row.band_spec, scale):
        top, bottom = scale.y(end), scale.y(start)
        parts.append(
            f'<rect x="{LEFT}" y="{_n(top)}" width="{PLOT_W}" height="{_n(bottom - top)}" '
            f'fill="{_band_fill(colour, uid)}" stroke="{INK}" stroke-width="0.4"/>'
        )
        # The band's words (yellow with both sides: "Gul ≥ 70 och < 80") beside it, in the
        # margin wide enough for them.
        label = f"{colour.label} {texts.get(colour, '')}".strip()
        parts.append(_text(LEFT + PLOT_W + 8, (top + bottom) / 2 + 4, label))
    return parts


def _axis_svg(scale: Scale, decimals: int) -> list[str]:
    """The y axis with its ticks and the x axis, as one path, and the ticks' labels."""
    step = nice_step(scale.high - scale.low)
    path, labels = [f"M{LEFT} {TOP}V{TOP + PLOT_H}H{LEFT + PLOT_W}"], []
    tick = math.ceil(scale.low / step) * step
    while tick <= scale.high + 1e-9:
        y = scale.y(tick)
        label = format_value(Decimal(str(round(tick, 6))).normalize(), 0)
        path.append(f"M{LEFT - 4} {_n(y)}h4")
        labels.append(_text(LEFT - 7, y + 4, label, anchor="end"))
        tick += step
    return [f'<path d="{"".join(path)}" fill="none" stroke="{INK}"/>', *labels]


def _marker(colour: Colour, x: float, y: float) -> str:
    fill = MARKER_FILL[colour]
    common = f'fill="{fill}" stroke="{INK}" stroke-width="1.2"'
    if colour == Colour.GREEN:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" {common}/>'
    if colour == Colour.YELLOW:
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
        return f'<polygon points="{points}" {common}/>'
    if colour in (Colour.UNCOLOURED, Colour.NO_VALUE):
        # No colour: a ring, unlike every colour's shape.
        return (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="#ffffff" stroke="{INK}" '
            'stroke-width="2"/>'
        )
    return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" {common}/>'


def _x_positions(count: int) -> list[float]:
    if count == 1:
        return [LEFT + PLOT_W / 2]
    return [LEFT + 18 + (PLOT_W - 36) * i / (count - 1) for i in range(count)]


def _series_svg(row: IndicatorRow, scale: Scale) -> list[str]:
    points = row.history
    xs = _x_positions(len(points))
    every = math.ceil(len(points) / MAX_X_LABELS)
    parts, segment = [], []
    for index, (point, x) in enumerate(zip(points, xs, strict=True)):
        if index % every == 0 or index == len(points) - 1:
            parts.append(_text(x, TOP + PLOT_H + 16, point.period_label, anchor="middle"))
        if point.value is None:
            segment = _flush(parts, segment)
            continue
        segment.append((x, scale.y(float(point.value))))
    _flush(parts, segment)
    for point, x in zip(points, xs, strict=True):
        if point.value is not None:
            y = scale.y(float(point.value))
            parts.append(_marker(point.colour, x, y))
            parts.extend(_value_label(x, y, format_value(point.value, row.decimals)))
    return parts


def _value_label(x: float, y: float, text: str) -> list[str]:
    """A point's value on a white ground, clear of its marker: above it, or below it where
    above would leave the plot."""
    width, height = 6.2 * len(text) + 6, 13
    baseline = y - 10 if y - 10 - height >= TOP else y + 19
    ground = (
        f'<rect x="{_n(x - width / 2)}" y="{_n(baseline - 10.5)}" width="{_n(width)}" '
        f'height="{height}" fill="#ffffff" fill-opacity="0.9" rx="2"/>'
    )
    return [ground, _text(x, baseline, text, anchor="middle")]


def _flush(parts: list[str], segment: list[tuple[float, float]]) -> list:
    if len(segment) > 1:
        coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in segment)
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{INK}" stroke-width="1.6"/>'
        )
    return []


def alt_text(row: IndicatorRow) -> str:
    """The chart in words: every value with its colour, then the bands (or the rule in words
    for the kinds whose bands depend on a baseline or a reference, or why nothing is
    coloured)."""
    measured = [
        f"{point.period_label}: {format_value(point.value, row.decimals)} ({point.colour.label})"
        for point in row.history
        if point.value is not None
    ]
    coloured = row.bands and all(colour != Colour.UNCOLOURED for colour, _text in row.bands)
    if coloured:
        bands = "; ".join(f"{colour.label} {text}" for colour, text in row.bands)
    else:
        rule = " ".join(text for _colour, text in row.bands)
    if measured:
        values = "; ".join(measured)
        if not coloured:
            return _("History of %(name)s (%(unit)s): %(values)s. %(rule)s") % {
                "name": row.name,
                "unit": row.unit_text,
                "values": values,
                "rule": rule,
            }
        return _("History of %(name)s (%(unit)s): %(values)s. Bands: %(bands)s.") % {
            "name": row.name,
            "unit": row.unit_text,
            "values": values,
            "bands": bands,
        }
    if not coloured:
        return _("History of %(name)s: no measured values yet. %(rule)s") % {
            "name": row.name,
            "rule": rule,
        }
    return _("History of %(name)s: no measured values yet. Bands: %(bands)s.") % {
        "name": row.name,
        "bands": bands,
    }


def indicator_chart(row: IndicatorRow, uid: str) -> SafeString:
    """The SVG chart of an indicator's history against its bands; `uid` makes ids unique."""
    uid = "".join(char for char in uid if char.isalnum() or char == "-")
    scale = _scale(row)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(alt_text(row))}</title>',
        _patterns(uid),
        f'<g font-family="{FONT}" font-size="10" fill="{INK}">',
        *_bands_svg(row, scale, uid),
        *_axis_svg(scale, row.decimals),
    ]
    if any(point.value is not None for point in row.history):
        parts.extend(_series_svg(row, scale))
    else:
        parts.append(
            _text(
                LEFT + PLOT_W / 2,
                TOP + PLOT_H / 2,
                _("No measured values yet"),
                anchor="middle",
                size=11,
            )
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))
