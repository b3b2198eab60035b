"""The one-stop shop's monthly service-quality rollups (``mot_cua.chi_so_766_thang``), read back for the dashboard
(docs/warehouse.md, "Rollups"): DuckDB over the table's current Delta version, only the months that had ended when
they were rolled up."""

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
from django.conf import settings

from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Table
from smartgov.warehouse.services.publishing import current_report

ROLLUP_DATABASE = "mot_cua"
ROLLUP_TABLE = "chi_so_766_thang"
#: The counts of a rollup row (procedures' KpiRow), in the table's order; ``rating_sum`` is a decimal.
COUNTS = (
    "received",
    "received_online",
    "digitised",
    "finished",
    "finished_on_time",
    "rated",
    "rating_sum",
    "satisfied",
    "with_fee",
    "paid_online",
    "reused_components",
    "results_digitised",
)

#: The query: this module's column names, the months as parameters.
_SELECT = (
    "SELECT agency_code, agency_name, month, "  # noqa: S608 - constant column names, no input in the text
    + ", ".join(COUNTS)
    + " FROM rollup WHERE closed AND month BETWEEN ? AND ? ORDER BY month, agency_code"
)


@dataclass(frozen=True)
class KpiRollups:
    #: One dict per agency and month: ``agency_code``, ``agency_name``, ``month`` (its first day) and the COUNTS.
    rows: list[dict[str, object]]
    #: The months (first days) between ``start`` and ``end`` that the rows cover, each closed when rolled up.
    months: list[date]
    rolled_up_at: datetime | None
    version: int


def _month(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def kpi_rollups(start: date, end: date) -> KpiRollups | None:
    """The rolled-up rows of the closed months from ``start``'s month to ``end``'s, or None when no rollup covers
    any of them (no rollup published yet, or none of these months had ended when it ran)."""
    table = Table.objects.filter(database__code=ROLLUP_DATABASE, code=ROLLUP_TABLE).select_related("database").first()
    if table is None or table.current_version is None:
        return None
    report = current_report(table)
    first, closed_through = _month(report.get("months_from")), _month(report.get("closed_through"))
    if first is None or closed_through is None:
        return None
    low, high = max(first, start.replace(day=1)), min(closed_through, end.replace(day=1))
    if low > high:
        return None
    data = dataset(storage_from_settings(), table.storage_key, table.current_version)
    connection = duckdb.connect(config={"threads": settings.WAREHOUSE_DUCKDB_THREADS})
    try:
        connection.register("rollup", data)
        result = connection.execute(_SELECT, [low, high])
        names = [d[0] for d in result.description]
        rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    finally:
        connection.close()
    months, month = [], low
    while month <= high:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return KpiRollups(rows=rows, months=months, rolled_up_at=report.get("finished_at"), version=table.current_version)
