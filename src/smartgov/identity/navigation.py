"""Identity's menu entries (docs/kernel.md §1): the data stewards' queue of correction and deletion requests, in
the staff workspace (shown to those the URL's rule lets in)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import ADMINISTRATION, STAFF, NavEntry

ENTRIES = [
    NavEntry(_("Personal-data requests"), "identity:data-requests", order=85, section=ADMINISTRATION, audience=STAFF),
]
