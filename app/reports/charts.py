"""SVG chart geometry for the reports (pure: numbers in, positions out).

DESIGN.md "Charts are SVG, so they are crisp on screen and in the PDF". Python computes every
position here, where it is unit-tested; ``templates/reports/_charts.html`` only draws what it is
given. Charts never rely on colour alone: every bar carries its label and its value as text,
series have a text legend, and each chart has a title and a one-line description for screen
readers (the same numbers are always in a table next to the chart).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# Fills chosen for contrast with white text (WCAG AA at the chart's font size) and with each
# other in greyscale print: good and bad differ in lightness, not only in hue.
FILLS = {
    "good": "#2e7d4f",
    "fair": "#557a1f",  # ready in 6 months: beside ready now in a stacked bar, yet told apart
    "warn": "#9a6200",
    "info": "#2f6fb3",
    "bad": "#b42318",
    "neutral": "#5f6b78",
    "brand": "#1f5f8b",
    "light": "#8fb8d8",
}
TEXT_ON_FILL = {"light": "#10324a"}

WIDTH = 680
VALUE_WIDTH = 48  # at least; widened to the longest value written after a bar
BAR_HEIGHT = 18
BAR_GAP = 8
TOP = 6
AXIS_HEIGHT = 22
LEGEND_HEIGHT = 22
CHAR_WIDTH = 6.4  # average advance of the 11px sans-serif used for labels
VALUE_CHAR_WIDTH = 7.4  # the bold 11px used for the values written after the bars
LABEL_SHARE = 0.4  # labels take at most this share of the width; longer ones are shortened
MAX_LABEL_CHARS = 40

Number = int | float | Decimal


@dataclass(frozen=True)
class Segment:
    """One coloured part of a bar, with its value written inside when it fits."""

    series: str
    value: float
    value_text: str
    x: float
    width: float
    fill: str
    text_fill: str
    show_text: bool

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Bar:
    label: str  # possibly shortened to fit
    title: str  # the full label, shown as a tooltip and read by screen readers
    y: float
    height: float
    segments: tuple[Segment, ...]
    total_text: str
    total_x: float

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 4, 1)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    plot_x: float
    plot_width: float
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]

    @property
    def empty(self) -> bool:
        return not self.bars


@dataclass(frozen=True)
class BarInput:
    """A bar of a simple chart: one value, coloured by its own tone (e.g. a status)."""

    label: str
    value: Number
    tone: str = "brand"
    value_text: str | None = None


def shorten(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    """Cut a label to ``limit`` characters with an ellipsis, on a word boundary if one is near."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-(") + "…"


def axis(value: float, *, integer: bool = False, divisions: int = 4) -> tuple[float, float]:
    """A scale for values up to ``value``: (maximum, step), with the step a 1, 2 or 5 (and
    2.5 unless ``integer``) x 10^k and at most ``divisions`` steps; whole steps for counts."""
    if value <= 0 or not math.isfinite(value):
        return (1.0, 1.0) if integer else (1.0, 0.25)
    raw = value / divisions
    exponent = math.floor(math.log10(raw))
    multipliers = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = 10.0 ** (exponent + 1)
    for multiplier in multipliers:
        candidate = multiplier * 10.0**exponent
        if candidate >= raw - 1e-9:
            step = candidate
            break
    if integer:
        step = float(max(1, math.ceil(step - 1e-9)))
    maximum = math.ceil(value / step - 1e-9) * step
    return float(maximum), float(step)


def _plain_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _fits(text: str, width: float) -> bool:
    return width >= len(text) * CHAR_WIDTH + 6


def _layout(
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float, str, str]], str]],
    scale_axis: tuple[float, float],
    tick_format: Callable[[float], str],
    legend: Sequence[tuple[str, str]],
    width: int,
    has_data: bool,
) -> Chart:
    maximum, step = scale_axis
    widest_label = max((len(label) for label, _, _ in rows), default=0)
    label_width = min(max(widest_label * CHAR_WIDTH + 8, 60.0), width * LABEL_SHARE)
    label_chars = int((label_width - 8) / CHAR_WIDTH)
    plot_x = round(label_width + 8, 1)
    longest = max((len(total) for _, _, total in rows), default=0)
    value_width = max(VALUE_WIDTH, math.ceil(longest * VALUE_CHAR_WIDTH) + 16)
    plot_width = float(width - plot_x - value_width)
    scale = plot_width / maximum if maximum > 0 else 0.0
    bars, axis_y = _bars(rows, plot_x, scale, label_chars)
    divisions = max(1, int(round(maximum / step)))
    ticks = tuple(
        Tick(
            x=round(plot_x + plot_width * i / divisions, 1),
            label=tick_format(step * i),
        )
        for i in range(divisions + 1)
    )
    legend_y = axis_y + AXIS_HEIGHT
    legend_items = _legend(legend, plot_x, legend_y, width)
    last_row = max((item.y for item in legend_items), default=legend_y)
    height = int(math.ceil(last_row + (LEGEND_HEIGHT if legend_items else 0) + 4))
    return Chart(
        title=title,
        description=description,
        width=width,
        height=height,
        plot_x=plot_x,
        plot_width=plot_width,
        axis_y=axis_y,
        bars=tuple(bars) if has_data else (),
        ticks=ticks,
        legend=tuple(legend_items),
    )


def _bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, float, str, str]], str]],
    plot_x: float,
    scale: float,
    label_chars: int,
) -> tuple[list[Bar], float]:
    """One bar per row, its segments side by side; and the y where the axis goes."""
    bars: list[Bar] = []
    y = float(TOP)
    for label, parts, total_text in rows:
        x = plot_x
        segments: list[Segment] = []
        for series, value, text, tone in parts:
            if value <= 0:
                continue
            w = round(value * scale, 1)
            segments.append(
                Segment(
                    series=series,
                    value=value,
                    value_text=text,
                    x=round(x, 1),
                    width=w,
                    fill=FILLS.get(tone, FILLS["brand"]),
                    text_fill=TEXT_ON_FILL.get(tone, "#ffffff"),
                    show_text=len(parts) > 1 and _fits(text, w),
                )
            )
            x += w
        bars.append(
            Bar(
                label=shorten(label, label_chars),
                title=label,
                y=y,
                height=float(BAR_HEIGHT),
                segments=tuple(segments),
                total_text=total_text,
                total_x=round(x + 6, 1),
            )
        )
        y += BAR_HEIGHT + BAR_GAP
    return bars, y


def _legend(
    legend: Sequence[tuple[str, str]], plot_x: float, legend_y: float, width: float = WIDTH
) -> list[LegendItem]:
    """The legend keys in rows under the axis: a key that would run past the chart's width
    starts a new row (five readiness bands do not fit in one)."""
    legend_items: list[LegendItem] = []
    lx, ly = plot_x, legend_y
    for label, tone in legend:
        fill = FILLS.get(tone, FILLS["brand"])
        step = 14 + 8 + len(label) * CHAR_WIDTH + 16
        if lx > plot_x and lx + step - 16 > width:
            lx, ly = plot_x, ly + LEGEND_HEIGHT
        legend_items.append(LegendItem(label=label, fill=fill, x=lx, y=ly))
        lx += step
    return legend_items


def bar_chart(
    title: str,
    rows: Sequence[BarInput],
    *,
    maximum: Number | None = None,
    value_format: Callable[[float], str] = _plain_number,
    legend: Sequence[tuple[str, str]] = (),
    description: str = "",
    width: int = WIDTH,
) -> Chart:
    """Horizontal bars, one value each, coloured by each bar's tone; the value is written
    after the bar. ``maximum`` fixes the scale (e.g. 100 for percentages)."""
    values = [float(r.value) for r in rows]
    integer = all(float(v).is_integer() for v in values)
    if maximum is not None:
        top = float(maximum)
        scale_axis = (top, top / 4)
    else:
        scale_axis = axis(max(values, default=0.0), integer=integer)
        top = scale_axis[0]
    laid = [
        (
            r.label,
            [("value", min(max(v, 0.0), top), r.value_text or value_format(v), r.tone)],
            r.value_text or value_format(v),
        )
        for r, v in zip(rows, values, strict=True)
    ]
    has_data = bool(rows) and (maximum is not None or any(v > 0 for v in values))
    return _layout(title, description, laid, scale_axis, value_format, legend, width, has_data)


def stacked_bar_chart(
    title: str,
    categories: Sequence[tuple[str, Sequence[Number]]],
    series: Sequence[tuple[str, str]],
    *,
    value_format: Callable[[float], str] = _plain_number,
    description: str = "",
    width: int = WIDTH,
) -> Chart:
    """Horizontal stacked bars: one bar per category, one segment per series (label, tone).

    The total is written after the bar and each segment's value inside it when it fits; the
    legend names every series.
    """
    totals = [sum(float(v) for v in values) for _, values in categories]
    integer = all(float(v).is_integer() for _, values in categories for v in values)
    scale_axis = axis(max(totals, default=0.0), integer=integer)
    laid = []
    for (label, values), total in zip(categories, totals, strict=True):
        if len(values) != len(series):
            raise ValueError(f"{label}: {len(values)} values for {len(series)} series.")
        parts = [
            (name, float(v), value_format(float(v)), tone)
            for (name, tone), v in zip(series, values, strict=True)
        ]
        laid.append((label, parts, value_format(total)))
    has_data = any(t > 0 for t in totals)
    return _layout(title, description, laid, scale_axis, value_format, series, width, has_data)


def percent(value: float) -> str:
    return f"{value:.0f}%"


def money(value: float) -> str:
    """Whole currency units with thousands separators, for axis ticks and bar totals."""
    return f"{Decimal(str(value)).quantize(Decimal('1')):,}"
