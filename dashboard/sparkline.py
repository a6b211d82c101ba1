"""A vital's last hour as a small inline SVG line over its no-alert range: pure, so it is tested without a browser
(the page is a Streamlit script that runs when imported)."""

from __future__ import annotations

SPARK_WIDTH, SPARK_HEIGHT = 90, 18
NORMAL_BAND_COLOUR = "#dcedc8"


def sparkline(values: list[float], colour: str, normal: tuple[float, float] | None = None) -> str:
    """The last hour of one vital as a small inline SVG line (two values at least) over its no-alert range as a
    pale band, both on one scale: a trend leaving the band is seen before the value alerts."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    if normal is not None:
        low, high = min(low, normal[0]), max(high, normal[1])
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4)

    step = SPARK_WIDTH / (len(values) - 1)
    points = " ".join(f"{index * step:.1f},{y(value):.1f}" for index, value in enumerate(values))
    band = (
        f"<rect class='normal-band' x='0' y='{y(normal[1]):.1f}' width='{SPARK_WIDTH}' "
        f"height='{y(normal[0]) - y(normal[1]):.1f}' fill='{NORMAL_BAND_COLOUR}'>"
        f"<title>no alert from {normal[0]:g} to {normal[1]:g}</title></rect>"
        if normal is not None
        else ""
    )
    return (
        f"<svg class='sparkline' width='{SPARK_WIDTH}' height='{SPARK_HEIGHT}' style='vertical-align:middle'>"
        f"{band}<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='1.5'/></svg>"
    )
