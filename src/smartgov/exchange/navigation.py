"""The data-exchange gateway's menu entry (docs/kernel.md §1): its monitoring page, for the platform's administrators
(the entry shows to those the URL's rule lets in)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import NavEntry

ENTRIES = [NavEntry(_("Data-exchange gateway"), "exchange:dashboard", order=80)]
