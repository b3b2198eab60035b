"""The warehouse's access rules (docs/warehouse.md, "Policy"): the catalog is for every civil servant (any staff
role; the selectors decide per table what each may query), the progress page is public (counts only)."""

from smartgov.identity.authz import Role
from smartgov.platform.access import Access

#: Every staff role: any civil servant reads the catalog's descriptions.
STAFF = tuple(Role.values)
READ = "warehouse.read"
WRITE = "warehouse.write"

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
}
