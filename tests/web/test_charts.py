"""Server-side SVG charts: values drawn to scale, labels escaped, empty data said plainly."""

from __future__ import annotations

from datetime import date

from leadrelay.web import charts


def test_bars_are_drawn_to_scale_and_labels_escaped() -> None:
    svg = str(charts.hbars([("<b>web</b>", 2.0), ("email", 4.0), ("none", None)], fmt=lambda v: f"{v:.0f}"))
    assert "<b>" not in svg and "&lt;b&gt;web&lt;/b&gt;" in svg
    # Three background tracks 274 wide; email (the largest) fills its track, web half of its own.
    assert svg.count('width="274"') == 3 and svg.count('width="274.0"') == 1 and svg.count('width="137.0"') == 1
    assert "no data" in svg


def test_share_bars_use_the_given_maximum() -> None:
    svg = str(charts.hbars([("type", 0.5)], fmt=charts.percent, max_value=1.0))
    assert 'width="137.0"' in svg and "50%" in svg


def test_empty_charts_say_so() -> None:
    assert "No data in this range" in str(charts.hbars([]))
    svg, legend = charts.day_columns([], {})
    assert "No data" in str(svg) and legend == []
    assert "No data" in str(charts.day_line([(date(2026, 11, 1), None)]))


def test_day_columns_stack_sources_with_a_legend() -> None:
    days = [date(2026, 11, 1), date(2026, 11, 2)]
    svg, legend = charts.day_columns(days, {"email": {days[0]: 2.0}, "web_form": {days[0]: 1.0, days[1]: 3.0}})
    assert [name for name, _ in legend] == ["email", "web_form"]
    assert str(svg).count("<rect") == 3 and "01 Nov · email: 2" in str(svg)


def test_durations_and_percents_read_well() -> None:
    assert [charts.duration(s) for s in (None, 42, 600, 5400, 172800)] == ["—", "42s", "10m", "1.5h", "2.0d"]
    assert charts.percent(None) == "—" and charts.percent(0.874) == "87%"
