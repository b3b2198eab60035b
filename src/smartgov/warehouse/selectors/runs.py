"""Reads of ingestion runs and table versions: the one checkpoint of a run (``run_for_user``), a table's runs and
its Delta versions with the run that made each."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from smartgov.platform.errors import Forbidden, NotFound
from smartgov.warehouse.engine import tables as delta
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.models import IngestionRun, Table
from smartgov.warehouse.selectors.catalog import catalog_check, table_access


def run_for_user(*, user: Any, run_uuid: Any) -> IngestionRun:
    """The run ``run_uuid`` if ``user`` may see it: its table's data stewards (and platform administrators), and the
    person who started it. Its report names rejected values, which may be personal data."""
    run = IngestionRun.objects.select_related("table__database", "table__owner", "started_by").filter(uuid=run_uuid)
    found = run.first()
    if found is None:
        raise NotFound(_("There is no such ingestion run."))
    started_it = found.started_by_id is not None and found.started_by_id == getattr(user, "pk", None)
    if not started_it and not table_access(user, found.table).steward:
        raise Forbidden(_("Only the table's data stewards may see this run."))
    return found


def table_for_steward(*, user: Any, database: str, code: str) -> Table:
    """The table ``database.code`` if ``user`` is its data steward (or a platform administrator)."""
    table = Table.objects.select_related("database", "owner").filter(database__code=database, code=code).first()
    if table is None:
        raise NotFound(_("There is no table %(name)s.") % {"name": f"{database}.{code}"})
    if not table_access(user, table).steward:
        raise Forbidden(_("Only a data steward of %(agency)s may load this table.") % {"agency": table.owner})
    return table


def table_for_staff(*, user: Any, database: str, code: str) -> Table:
    """The table ``database.code`` for a civil servant (its versions are metadata, like its description)."""
    catalog_check(user)
    table = Table.objects.select_related("database", "owner").filter(database__code=database, code=code).first()
    if table is None:
        raise NotFound(_("There is no table %(name)s.") % {"name": f"{database}.{code}"})
    return table


def runs_of(table: Table, *, limit: int = 50) -> list[IngestionRun]:
    """The table's latest runs, newest first."""
    return list(table.runs.select_related("started_by").order_by("-created_at")[:limit])


@dataclass
class VersionRow:
    """One Delta version of a table, with the run that made it (when the catalog knows it)."""

    version: int
    at: datetime
    operation: str
    rows: int | None
    run: IngestionRun | None
    current: bool


def versions_of(table: Table) -> list[VersionRow]:
    """The table's versions, newest first (none before its first load)."""
    if table.current_version is None:
        return []
    found = delta.versions(storage_from_settings(), table.storage_key)
    runs = {str(run.uuid): run for run in table.runs.exclude(version=None).select_related("started_by")}
    by_version = {run.version: run for run in runs.values()}
    rows = []
    for info in found:
        run = runs.get(info.metadata.get("run", "")) or by_version.get(info.version)
        rows.append(
            VersionRow(
                version=info.version,
                at=info.at,
                operation=info.operation,
                rows=info.rows,
                run=run,
                current=info.version == table.current_version,
            )
        )
    return rows
