"""The public services' menu entries (docs/kernel.md §1)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Public services"), "procedures:catalog", order=15),
    NavEntry(_("Track a dossier"), "procedures:lookup", order=16),
    NavEntry(_("My dossiers"), "procedures:my-dossiers", order=17),
    # Staff only: the menu shows an entry to those its URL's rule lets in.
    NavEntry(_("Dossiers to handle"), "procedures:queue", order=18),
    NavEntry(_("Service quality"), "procedures:dashboard", order=19),
    NavEntry(_("Manage the catalog"), "procedures:catalog-manage", order=21),
]
