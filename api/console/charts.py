"""Chart geometry for server-rendered SVG: numbers in, boxes and lines out (no JavaScript)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
DASHES = ("", "6 3", "2 3")  # after eight series, the colours come back dashed


@dataclass(frozen=True)
class Segment:
    """One coloured piece of a bar."""

    x: float
    width: float
    color: str
    title: str
    start: float = 0.0  # where it starts and how long it is, in % of the plot (HTML rows)
    share: float = 0.0


@dataclass(frozen=True)
class Bar:
    """One row of a stacked bar chart."""

    label: str
    y: float
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class BarChart:
    """Horizontal stacked bars, one per row label."""

    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]  # (name, colour)


def stacked_bars(
    rows: Mapping[str, Mapping[str, int]],
    keys: Sequence[str],
    names: Mapping[str, str],
    colors: Mapping[str, str] | None = None,
) -> BarChart:
    """Bars for `rows` (label -> key -> count), stacked in the order of `keys`."""
    width, label_width, row, bar_height = 720, 170, 30, 20
    plot = width - label_width - 50
    biggest = max((sum(counts.values()) for counts in rows.values()), default=0) or 1
    colors = colors or {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}
    bars = []
    for index, (label, counts) in enumerate(rows.items()):
        x, segments = float(label_width), []
        for key in keys:
            if counts.get(key):
                size = plot * counts[key] / biggest
                title = f"{names.get(key, key)}: {counts[key]}"
                start, share = (x - label_width) * 100 / plot, size * 100 / plot
                segment = Segment(round(x, 1), round(size, 1), colors[key], title)
                segments.append(replace(segment, start=round(start, 2), share=round(share, 2)))
                x += size
        bars.append(Bar(label, 10 + index * row, sum(counts.values()), tuple(segments)))
    used = [key for key in keys if any(counts.get(key) for counts in rows.values())]
    return BarChart(
        width=width,
        height=20 + len(bars) * row,
        label_width=label_width,
        bar_height=bar_height,
        bars=tuple(bars),
        legend=tuple((names.get(key, key), colors[key]) for key in used),
    )


@dataclass(frozen=True)
class Line:
    """One series of a line chart."""

    label: str
    color: str
    dash: str
    points: str  # the SVG polyline's points
    dots: tuple[tuple[float, float, str], ...]  # x, y, tooltip


@dataclass(frozen=True)
class LineChart:
    """Counts per week, one line per series."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    lines: tuple[Line, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]


def weekly_lines(
    weeks: Sequence[date],
    series: Mapping[str, Sequence[int]],
    tip: str = "{label}, settimana del {day}: {count}",
) -> LineChart:
    """A line per series over `weeks` (the Monday of each), with a readable scale; `tip` words
    each dot's tooltip."""
    width, height, left, top, right, bottom = 720, 280, 40, 12, 700, 240
    top_value = nice_ceiling(max((max(values, default=0) for values in series.values()), default=0))
    step_x = (right - left) / max(len(weeks) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step_x, 1)

    def y(value: int) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    lines = []
    for index, (label, values) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        dash = DASHES[(index // len(PALETTE)) % len(DASHES)]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        dots = tuple(
            (x(i), y(v), tip.format(label=label, day=f"{weeks[i]:%d/%m}", count=v))
            for i, v in enumerate(values)
        )
        lines.append(Line(label, color, dash, points, dots))
    every = max(1, len(weeks) // 8)  # at most about eight dates under the axis
    x_ticks = tuple((x(i), f"{week:%d/%m}") for i, week in enumerate(weeks) if i % every == 0)
    y_ticks = tuple((y(v), str(v)) for v in _ticks(top_value))
    return LineChart(width, height, left, top, right, bottom, tuple(lines), x_ticks, y_ticks)


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `value` (1 for nothing)."""
    nice = 1
    while nice < value:
        nice = _next_nice(nice)
    return nice


def _next_nice(value: int) -> int:
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (2, 5, 10):
        if factor * magnitude > value:
            return factor * magnitude
    return 10 * magnitude


def _ticks(top_value: int) -> tuple[int, ...]:
    """Whole numbers from 0 to the top of the scale, at most six of them."""
    step = max(1, top_value // 5)
    return tuple(range(0, top_value + 1, step))
