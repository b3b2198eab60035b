"""The warehouse's section of the person's own copy of their data: the queries they saved and the loads they
started. Erasing an account deletes its saved queries; the loads stay, as the agency's record of its data, without
the person (the audit log keeps who started them)."""

from typing import Any

from smartgov.identity.selectors import User
from smartgov.platform.personal_data import personal_data_eraser, personal_data_exporter
from smartgov.warehouse.models import IngestionRun, SavedQuery


@personal_data_exporter("warehouse_saved_queries")
def _export_saved_queries(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": q.title,
            "sql": q.sql,
            "chart": q.chart,
            "shared": q.shared,
            "created_at": q.created_at.isoformat(),
            "updated_at": q.updated_at.isoformat(),
        }
        for q in SavedQuery.objects.filter(owner=user).order_by("created_at")
    ]


@personal_data_exporter("warehouse_runs")
def _export_runs(user: User) -> list[dict[str, Any]]:
    return [
        {
            "table": run.table.qualified_name,
            "file": run.original_name,
            "status": run.status,
            "rows_accepted": run.rows_accepted,
            "rows_rejected": run.rows_rejected,
            "started_at": run.created_at.isoformat(),
        }
        for run in IngestionRun.objects.filter(started_by=user).select_related("table__database").order_by("created_at")
    ]


@personal_data_eraser("warehouse")
def _erase(user: User) -> None:
    SavedQuery.objects.filter(owner=user).delete()
    IngestionRun.objects.filter(started_by=user).update(started_by=None)
