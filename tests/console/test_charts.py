"""Chart geometry: scales, stacking and labels."""

from __future__ import annotations

from datetime import date, timedelta

from api.console.charts import nice_ceiling, stacked_bars, weekly_lines


def test_ticks_stay_few() -> None:
    assert len(weekly_lines([date(2026, 11, 2)], {"x": [37]}).y_ticks) == 6  # 0, 10, ... 50


def test_nice_ceiling() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 2, 3, 6, 11, 49, 51)] == [1, 1, 2, 5, 10, 20, 50, 100]


def test_stacked_bars_share_one_scale() -> None:
    chart = stacked_bars(
        {"Ospizio": {"waste": 2, "lighting": 2}, "Orologio": {"waste": 1}},
        ("lighting", "waste"),
        {"waste": "Rifiuti", "lighting": "Illuminazione"},
    )
    first, second = chart.bars
    assert [s.title for s in first.segments] == ["Illuminazione: 2", "Rifiuti: 2"]
    assert first.segments[1].x == first.segments[0].x + first.segments[0].width
    assert second.segments[0].width * 4 == sum(s.width for s in first.segments)
    assert chart.legend == (("Illuminazione", "#0072B2"), ("Rifiuti", "#E69F00"))


def test_weekly_lines_fit_the_plot() -> None:
    weeks = [date(2026, 11, 2) + timedelta(weeks=i) for i in range(4)]
    chart = weekly_lines(weeks, {"Ospizio": [0, 3, 1, 0]})
    [line] = chart.lines
    points = [tuple(map(float, point.split(","))) for point in line.points.split()]
    assert points[0] == (chart.left, chart.bottom) and points[-1] == (chart.right, chart.bottom)
    assert points[1][1] == round(chart.bottom - (chart.bottom - chart.top) * 3 / 5, 1)
    assert [text for _y, text in chart.y_ticks] == ["0", "1", "2", "3", "4", "5"]
    assert "Ospizio, settimana del 09/11: 3" in [tip for _x, _y, tip in line.dots]
