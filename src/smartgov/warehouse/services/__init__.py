"""Every write of the warehouse (docs/warehouse.md): the catalog, ingestion runs and versions, queries, publishing.
Each area is a module of its own; this package re-exports their public functions."""

from smartgov.warehouse.services.catalog import (
    columns_check,
    database_create,
    database_update,
    grant_add,
    grant_remove,
    table_create,
    table_update,
    table_version_record,
)
from smartgov.warehouse.services.publishing import PublishResult, table_publish

__all__ = [
    "PublishResult",
    "columns_check",
    "database_create",
    "database_update",
    "grant_add",
    "grant_remove",
    "table_create",
    "table_publish",
    "table_update",
    "table_version_record",
]
