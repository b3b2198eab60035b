"""The data-exchange gateway's access rules: its monitoring is for platform administrators."""

from smartgov.platform.access import Access

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "exchange:dashboard": Access.staff(),
    "exchange:dead-letters-retry": Access.staff(),
}
