"""Every read of the warehouse (docs/warehouse.md): the catalog, who may read what, runs, rollups.
Each area is a module of its own; this package re-exports their public functions."""

from smartgov.warehouse.selectors.catalog import (
    Access,
    Progress,
    Viewer,
    catalog_check,
    catalog_search,
    database_detail,
    databases_list,
    grants_for,
    progress_figures,
    table_access,
    table_detail,
    table_runs,
    viewer_of,
)
from smartgov.warehouse.selectors.rollups import KpiRollups, kpi_rollups

__all__ = [
    "Access",
    "KpiRollups",
    "Progress",
    "Viewer",
    "catalog_check",
    "catalog_search",
    "database_detail",
    "databases_list",
    "grants_for",
    "kpi_rollups",
    "progress_figures",
    "table_access",
    "table_detail",
    "table_runs",
    "viewer_of",
]
