"""The data-exchange gateway's menu entry (docs/kernel.md §1): its monitoring page, in the staff workspace of the
platform's administrators (the entry shows to those the URL's rule lets in)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import ADMINISTRATION, STAFF, NavEntry

ENTRIES = [NavEntry(_("Data-exchange gateway"), "exchange:dashboard", order=80, section=ADMINISTRATION, audience=STAFF)]
