"""Bar charts drawn as inline SVG by the template ``_bar_chart.html`` (no script): one bar per label, scaled to
``top`` (a rate's 100 %, or the largest value), the value written above each bar."""

from dataclasses import dataclass, field

HEIGHT = 150  # pixels of the 200-pixel drawing a bar at ``top`` takes
STEP = 44  # pixels from one bar to the next (30 wide)


@dataclass
class BarChart:
    title: str
    caption: str
    colour: str
    decimals: int
    width: int
    bars: list[dict[str, object]] = field(default_factory=list)


def bar_chart(
    title: str,
    values: list[tuple[str, float | None]],
    *,
    top: float | None = None,
    caption: str = "",
    colour: str = "#0b4fa8",
    decimals: int = 1,
) -> BarChart:
    """``values`` as (label, value or None); ``top`` defaults to the largest value."""
    scale = top or max((v or 0 for _, v in values), default=0) or 1
    chart = BarChart(title, caption or title, colour, decimals, width=20 + STEP * max(len(values), 1))
    for index, (label, value) in enumerate(values):
        height = round((value or 0) / scale * HEIGHT, 1)
        x = 10 + index * STEP
        chart.bars.append(
            {"x": x, "middle": x + 15, "y": 170 - height, "height": height, "value_y": 165 - height, "value": value,
             "label": label}
        )  # fmt: skip
    return chart


#: The stacked horizontal bars' drawing: its width, each row's height (the label above its bar), the bar's thickness.
ROW = 38
ROW_BAR = 14
ROW_WIDTH = 360
ROW_BARS = 300  # pixels the longest bar takes (the total is written after it)


@dataclass
class StackedBarChart:
    title: str
    caption: str
    width: int
    height: int
    legend: list[dict[str, object]] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)


def stacked_bar_chart(
    title: str,
    series: list[tuple[str, str]],
    rows: list[tuple[str, list[float]]],
    *,
    caption: str = "",
) -> StackedBarChart:
    """Horizontal bars, one row per label (long labels welcome: each is written above its bar), each bar stacked
    from ``series`` (label, colour) with the row's values in the same order; the row's total after the bar. Drawn
    by ``_stacked_bar_chart.html``."""
    scale = max((sum(values) for _, values in rows), default=0) or 1
    chart = StackedBarChart(title, caption or title, ROW_WIDTH, height=24 + ROW * max(len(rows), 1))
    for index, (label, colour) in enumerate(series):
        chart.legend.append({"label": label, "colour": colour, "x": index * 120, "text_x": index * 120 + 16})
    for index, (label, values) in enumerate(rows):
        top = 24 + index * ROW
        x = 0.0
        segments = []
        for (name, colour), value in zip(series, values, strict=True):
            width = round(value / scale * ROW_BARS, 1)
            segments.append({"x": x, "width": width, "colour": colour, "value": value, "name": name})
            x += width
        chart.rows.append(
            {"label": label, "label_y": top + 11, "y": top + 16, "segments": segments, "total": sum(values),
             "total_x": x + 6, "total_y": top + 27}
        )  # fmt: skip
    return chart


@dataclass
class LineChart:
    """A line through one point per label (template ``_line_chart.html``): ``path`` is the SVG path of the points
    that have a value (a gap where a value is missing), each point with its label and value."""

    title: str
    caption: str
    colour: str
    decimals: int
    width: int
    path: str = ""
    points: list[dict[str, object]] = field(default_factory=list)


def line_chart(
    title: str,
    values: list[tuple[str, float | None]],
    *,
    top: float | None = None,
    caption: str = "",
    colour: str = "#0b4fa8",
    decimals: int = 1,
) -> LineChart:
    """``values`` as (label, value or None), drawn on the bar chart's grid (same height, same step); negative values
    sit on the axis. ``top`` defaults to the largest value."""
    scale = top or max((v or 0 for _, v in values), default=0) or 1
    chart = LineChart(title, caption or title, colour, decimals, width=20 + STEP * max(len(values), 1))
    commands: list[str] = []
    pen_down = False
    for index, (label, value) in enumerate(values):
        x = 25 + index * STEP
        height = round(max(value or 0, 0) / scale * HEIGHT, 1)
        y = round(170 - height, 1)
        if value is not None:
            commands.append(f"{'L' if pen_down else 'M'}{x} {y}")
        pen_down = value is not None
        chart.points.append({"x": x, "y": y, "value_y": y - 6, "value": value, "label": label})
    chart.path = " ".join(commands)
    return chart
