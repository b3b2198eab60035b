"""How query results and run reports are shown: cells as JSON-safe values or text, a result's chart (bars or a
line, drawn by platform/charts.py as inline SVG), a run's rejections with their reasons in the reader's language,
and the rejected rows as CSV (formulas neutralised for spreadsheets)."""

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from smartgov.platform.charts import BarChart, LineChart, bar_chart, line_chart
from smartgov.warehouse.engine.query import FORMULA_STARTS
from smartgov.warehouse.services.ingestion import reason_label

#: Points a chart draws at most (the first ones of the answer).
CHART_POINTS = 60
#: Characters of a label under a bar or a point.
LABEL_CHARS = 7


def cell_json(value: Any) -> Any:
    """A cell as a JSON value: numbers stay numbers (NaN and infinities become null), dates ISO 8601, the rest text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def cell_text(value: Any) -> str:
    """A cell as text on a page."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(cell_json(value))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def numeric_columns(columns: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    """The columns whose every non-empty value (among the first rows) is a number."""
    found = []
    for index, name in enumerate(columns):
        values = [row[index] for row in rows[:CHART_POINTS] if row[index] is not None]
        if values and all(_number(v) is not None for v in values):
            found.append(name)
    return found


def result_chart(
    columns: list[str], rows: list[tuple[Any, ...]], *, kind: str, label: str, value: str, title: str
) -> BarChart | LineChart | None:
    """The chart of a result: ``label`` column along the axis, ``value`` column as heights; None when the
    columns are not in the answer or the values are not numbers."""
    if kind not in ("bar", "line") or label not in columns or value not in columns:
        return None
    x, y = columns.index(label), columns.index(value)
    points = [(_short(cell_text(row[x])), _number(row[y])) for row in rows[:CHART_POINTS]]
    if not points or all(v is None for _l, v in points):
        return None
    if kind == "line":
        return line_chart(title, points, caption=title, decimals=_decimals(points))
    return bar_chart(title, points, caption=title, decimals=_decimals(points))


def _short(label: str) -> str:
    """A label that fits under its bar (about 7 characters at the drawing's font size); the table has them all."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def chart_size(points: int) -> str:
    """How wide a chart of ``points`` is drawn (a CSS class): a few bars stay readable instead of filling the page."""
    return "small" if points <= 8 else "medium" if points <= 24 else "large"


def _decimals(points: list[tuple[str, float | None]]) -> int:
    return 0 if all(v is None or float(v).is_integer() for _l, v in points) else 2


def rejections_shown(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's first rejections, each reason in the reader's language."""
    return [
        {
            **r,
            "label": reason_label(str(r.get("reason", ""))),
            "value": unicodedata.normalize("NFC", str(r.get("value"))),
        }
        for r in report.get("rejections", [])
    ]


def reasons_shown(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's reasons with their counts, most frequent first."""
    reasons = report.get("reasons", {}) or {}
    return [
        {"code": code, "label": reason_label(code), "rows": count}
        for code, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    ]


def _safe(text: str) -> str:
    """A value a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """CSV in UTF-8 with a byte-order mark (Excel opens it right), formulas neutralised, line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(cell_text(v)) for v in row])
        yield buffer.getvalue().encode()
