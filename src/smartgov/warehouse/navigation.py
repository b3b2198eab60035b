"""The warehouse's menu entries (docs/kernel.md §1): the catalog in the staff workspace's daily work, the progress of
data sharing for everyone (and among the staff's oversight pages)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import STAFF, WORK, NavEntry

ENTRIES = [
    NavEntry(_("Data sharing progress"), "warehouse:progress", order=40),
    NavEntry(_("Data warehouse"), "warehouse:catalog", order=25, section=WORK, audience=STAFF),
    NavEntry(_("Query the warehouse"), "warehouse:query", order=26, section=WORK, audience=STAFF),
]
