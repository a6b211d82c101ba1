"""The dashboard's trend line and its no-alert band (no server, no browser)."""

from __future__ import annotations

import re

from dashboard.sparkline import SPARK_HEIGHT, sparkline


def _band(svg: str) -> tuple[float, float]:
    """The band's top and bottom y (SVG y grows downwards)."""
    found = re.search(r"<rect class='normal-band' x='0' y='([\d.]+)' width='\d+' height='([\d.]+)'", svg)
    assert found, svg
    top, height = float(found[1]), float(found[2])
    return top, top + height


def _ys(svg: str) -> list[float]:
    points = re.search(r"points='([^']+)'", svg)
    assert points, svg
    return [float(point.split(",")[1]) for point in points[1].split()]


def test_a_trend_leaving_its_band_is_drawn_outside_it_on_one_scale():
    svg = sparkline([75, 90, 120], "#b71c1c", (41.0, 110.99))
    top, bottom = _band(svg)
    inside, still_inside, outside = _ys(svg)
    assert top <= inside <= bottom and top <= still_inside <= bottom
    assert outside < top, "120 is above the band's high of 110.99"
    assert "<title>no alert from 41 to 110.99</title>" in svg


def test_the_scale_holds_the_whole_band_even_when_the_values_sit_inside_it():
    top, bottom = _band(sparkline([96, 97], "#607d8b", (94.0, 100.0)))
    assert (top, bottom) == (2.0, SPARK_HEIGHT - 2.0), "the band spans the line's full height"


def test_no_band_without_a_range_and_no_line_from_one_value():
    assert "normal-band" not in sparkline([75, 76], "#607d8b")
    assert sparkline([75], "#607d8b", (41.0, 110.99)) == ""
