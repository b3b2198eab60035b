"""The workspace's access rules: its home for every civil servant, the dossier search for those who handle
dossiers (the search itself keeps to their agencies)."""

from smartgov.identity.authz import Role
from smartgov.platform.access import Access

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "workspace:home": Access.staff(*Role.values),
    "workspace:search": Access.staff(Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER),
}
