"""The warehouse's menu entries."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import STAFF, WORK, NavEntry

ENTRIES = [
    NavEntry(_("Query the warehouse"), "warehouse:query", order=72, section=WORK, audience=STAFF),
]
