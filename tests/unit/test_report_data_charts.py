"""Chart geometry of the reports (app/reports/charts.py): pure numbers, no template or PDF.

Issue 7: charts are SVG drawn by a small tested macro; DESIGN.md: colour is never the only
signal, so every bar carries its label and value as text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.reports import charts


@pytest.mark.parametrize(
    ("value", "integer", "expected"),
    [
        (10, True, (10.0, 5.0)),
        (17, True, (20.0, 5.0)),
        (7, True, (8.0, 2.0)),
        (3, True, (3.0, 1.0)),
        (1, True, (1.0, 1.0)),
        (0, True, (1.0, 1.0)),
        (2000, False, (2000.0, 500.0)),
        (1125, False, (1500.0, 500.0)),
        (0.6, False, (0.6, 0.2)),
    ],
)
def test_axis_picks_round_steps_and_whole_steps_for_counts(value, integer, expected):
    maximum, step = charts.axis(value, integer=integer)
    assert (round(maximum, 6), round(step, 6)) == expected
    assert maximum >= value
    assert maximum / step <= 4 + 1e-9


def test_bar_widths_are_proportional_to_values_on_a_fixed_scale():
    chart = charts.bar_chart(
        "Attainment",
        [charts.BarInput("A", 100, "good"), charts.BarInput("B", 50, "warn")],
        maximum=100,
        value_format=charts.percent,
    )
    full, half = (bar.segments[0] for bar in chart.bars)
    assert full.width == pytest.approx(chart.plot_width, abs=0.1)
    assert half.width == pytest.approx(chart.plot_width / 2, abs=0.1)
    assert full.fill != half.fill
    assert [b.total_text for b in chart.bars] == ["100%", "50%"]
    assert [t.label for t in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_a_zero_bar_keeps_its_label_and_value_text_but_draws_no_rectangle():
    chart = charts.bar_chart(
        "Attainment",
        [charts.BarInput("PCI DSS awareness", 0, "bad", value_text="0% unmet")],
        maximum=100,
    )
    (bar,) = chart.bars
    assert bar.segments == ()
    assert bar.label == "PCI DSS awareness"
    assert bar.total_text == "0% unmet"
    assert not chart.empty  # a fixed scale shows even an all-zero chart


def test_values_never_run_past_the_chart_width():
    chart = charts.bar_chart(
        "x", [charts.BarInput("a label", 100, value_text="100% expiring")], maximum=100
    )
    (bar,) = chart.bars
    written = len(bar.total_text) * charts.VALUE_CHAR_WIDTH
    assert bar.total_x + written <= chart.width


def test_long_labels_are_shortened_with_the_full_text_kept_as_title():
    long = "Harassment-prevention refresher (two-yearly) for every supervisor in the region"
    chart = charts.bar_chart("x", [charts.BarInput(long, 1)])
    (bar,) = chart.bars
    assert bar.title == long
    assert bar.label.endswith("…") and len(bar.label) < len(long)
    assert bar.label[:-1].rstrip() in long


def test_stacked_segments_follow_each_other_and_sum_to_the_total():
    chart = charts.stacked_bar_chart(
        "Bands",
        [("L2-CSS", [1, 16, 0, 0]), ("L3-CSM", [0, 19, 1, 0])],
        [("Ready now", "good"), ("1y", "warn"), ("2y", "info"), ("No", "bad")],
    )
    first, second = chart.bars
    assert [s.series for s in first.segments] == ["Ready now", "1y"]  # zero parts are skipped
    assert first.segments[1].x == pytest.approx(first.segments[0].x + first.segments[0].width)
    assert first.total_text == "17" and second.total_text == "20"
    assert [item.label for item in chart.legend] == ["Ready now", "1y", "2y", "No"]
    wide = second.segments[0]
    assert wide.show_text and wide.value_text == "19"


def test_money_charts_format_whole_units_and_an_all_zero_chart_is_empty():
    chart = charts.stacked_bar_chart(
        "Money",
        [("North", [Decimal("500.00"), Decimal("1500.00")])],
        [("Reserved", "light"), ("Reimbursed", "brand")],
        value_format=charts.money,
    )
    assert chart.bars[0].total_text == "2,000"
    empty = charts.stacked_bar_chart("Money", [("North", [0, 0])], [("a", "brand"), ("b", "info")])
    assert empty.empty


def test_a_stacked_row_must_have_one_value_per_series():
    with pytest.raises(ValueError, match="2 values for 3 series"):
        charts.stacked_bar_chart("x", [("a", [1, 2])], [("p", "good"), ("q", "bad"), ("r", "info")])
