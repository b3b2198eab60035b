"""The warehouse's access rules (docs/warehouse.md, "Policy"): the URL rules let the right roles in; the
checkpoints (``selectors.catalog.table_access``) decide per table."""

from smartgov.identity.authz import Role
from smartgov.platform.access import Access

#: The access-token scopes of the API (described on the consent screen: identity/conf.py).
READ, WRITE = "warehouse.read", "warehouse.write"
#: Every civil servant's role: any of them may query the open and shared tables.
STAFF = (
    Role.ONE_STOP_OFFICER,
    Role.SPECIALIST,
    Role.LEADER,
    Role.DATA_STEWARD,
    Role.CATALOG_STEWARD,
    Role.IOC_OPERATOR,
    Role.SOC_ANALYST,
)
STEWARD = Role.DATA_STEWARD

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    # ingestion, runs and versions
    "warehouse:upload": Access.staff(STEWARD),
    "warehouse:versions": Access.staff(*STAFF),
    "warehouse:restore": Access.staff(STEWARD),
    "warehouse:run": Access.staff(STEWARD),
    "warehouse:run-status": Access.staff(STEWARD),
    "warehouse:run-rejected": Access.staff(STEWARD),
    "warehouse:run-original": Access.staff(STEWARD),
    "warehouse:query": Access.staff(*STAFF),
    "warehouse:query-export": Access.staff(*STAFF),
    "warehouse:query-save": Access.staff(*STAFF),
    "warehouse:query-delete": Access.staff(*STAFF),
    "api:warehouse_upload": Access.api(WRITE),
    "api:warehouse_runs": Access.api(READ),
    "api:warehouse_run": Access.api(READ),
    "api:warehouse_versions": Access.api(READ),
    "api:warehouse_restore": Access.api(WRITE),
    "api:warehouse_query": Access.api(READ),
    "api:warehouse_export": Access.api(READ),
    "api:warehouse_saved_queries": Access.api(READ),
    "api:warehouse_saved_query_create": Access.api(READ),
    "api:warehouse_saved_query": Access.api(READ),
    "api:warehouse_saved_query_update": Access.api(READ),
    "api:warehouse_saved_query_delete": Access.api(READ),
}
