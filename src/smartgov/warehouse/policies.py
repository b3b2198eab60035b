"""The warehouse's access rules (docs/warehouse.md, "Policy"): the catalog is for every civil servant (any staff
role; the selectors decide per table what each may query), the progress page is public (counts only)."""

from smartgov.identity.authz import Role
from smartgov.platform.access import Access

#: Every staff role: any civil servant reads the catalog's descriptions.
STAFF = tuple(Role.values)
READ = "warehouse.read"
WRITE = "warehouse.write"
#: Who loads a table's rows and restores its versions: the owner agency's data stewards (platform administrators
#: hold every role).
STEWARD = Role.DATA_STEWARD

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "warehouse:progress": Access.open(),
    "warehouse:catalog": Access.staff(*STAFF),
    "warehouse:databases": Access.staff(*STAFF),
    "warehouse:database": Access.staff(*STAFF),
    "warehouse:table": Access.staff(*STAFF),
    "api:warehouse_tables": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_table": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_databases": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_progress": Access.api(READ),
    # loads, runs and versions (the data stewards; the checkpoints check the table's agency)
    "warehouse:upload": Access.staff(STEWARD),
    "warehouse:versions": Access.staff(*STAFF),
    "warehouse:restore": Access.staff(STEWARD),
    "warehouse:run": Access.staff(STEWARD),
    "warehouse:run-status": Access.staff(STEWARD),
    "warehouse:run-rejected": Access.staff(STEWARD),
    "warehouse:run-original": Access.staff(STEWARD),
    "api:warehouse_upload": Access.api_staff(STEWARD, scope=WRITE),
    "api:warehouse_runs": Access.api_staff(STEWARD, scope=READ),
    "api:warehouse_run": Access.api_staff(STEWARD, scope=READ),
    "api:warehouse_versions": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_restore": Access.api_staff(STEWARD, scope=WRITE),
    # governed query and saved queries (any civil servant; the selectors decide per table)
    "warehouse:query": Access.staff(*STAFF),
    "warehouse:query-export": Access.staff(*STAFF),
    "warehouse:query-save": Access.staff(*STAFF),
    "warehouse:query-delete": Access.staff(*STAFF),
    "api:warehouse_query": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_export": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_saved_queries": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_saved_query_create": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_saved_query": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_saved_query_update": Access.api_staff(*STAFF, scope=READ),
    "api:warehouse_saved_query_delete": Access.api_staff(*STAFF, scope=READ),
}
