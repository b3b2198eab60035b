"""The one-stop shop's monthly service-quality rollups (``mot_cua.chi_so_766_thang``), read back for the dashboard
(docs/warehouse.md, "Rollups"): DuckDB over the table's current Delta version, only the months that had ended when
they were rolled up. A version never changes, so its closed rows are read once per process and kept (a few
thousand small rows); a new version is read again."""

import threading
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
from django.conf import settings

from smartgov.procedures.selectors import KPI_COUNTS
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Table
from smartgov.warehouse.services.publishing import current_report

ROLLUP_DATABASE = "mot_cua"
ROLLUP_TABLE = "chi_so_766_thang"
#: The counts of a rollup row (procedures' KpiRow), in the table's order; ``rating_sum`` is a decimal.
COUNTS = KPI_COUNTS

#: The query: this module's column names, the months as parameters.
_SELECT = (
    "SELECT agency_code, agency_name, month, "  # noqa: S608  # nosec B608 - constant column names, no input
    + ", ".join(COUNTS)
    + " FROM rollup WHERE closed ORDER BY month, agency_code"
)
_versions: dict[tuple[str, int, str], list[dict[str, object]]] = {}
_lock = threading.Lock()


def rollups_cache_clear() -> None:
    with _lock:
        _versions.clear()


def _closed_rows(table: Table, version: int, written_at: object) -> list[dict[str, object]]:
    """Every closed row of the table's ``version``, read with DuckDB the first time, then from memory (the key
    names the storage, the version and when it was written: a version is never rewritten in place)."""
    storage = storage_from_settings()
    key = (storage.table_uri(table.storage_key), version, str(written_at))
    with _lock:
        cached = _versions.get(key)
    if cached is not None:
        return cached
    data = dataset(storage, table.storage_key, version)
    connection = duckdb.connect(config={"threads": settings.WAREHOUSE_DUCKDB_THREADS})
    try:
        connection.register("rollup", data)
        result = connection.execute(_SELECT)
        names = [d[0] for d in result.description]
        rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    finally:
        connection.close()
    with _lock:
        _versions.clear()  # only the current version is asked for
        _versions[key] = rows
    return rows


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
    closed = _closed_rows(table, table.current_version, report.get("finished_at"))
    rows = [dict(r) for r in closed if low <= r["month"] <= high]  # type: ignore[operator]
    months, month = [], low
    while month <= high:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return KpiRollups(rows=rows, months=months, rolled_up_at=report.get("finished_at"), version=table.current_version)
