"""The public services' menu entries (docs/kernel.md §1): the catalog and the applicant's dossiers for everyone, the
officers' tools in the staff workspace (each shown to those its URL's rule lets in)."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import ADMINISTRATION, OVERSIGHT, STAFF, WORK, NavEntry

ENTRIES = [
    NavEntry(_("Public services"), "procedures:catalog", order=15),
    NavEntry(_("Track a dossier"), "procedures:lookup", order=16),
    NavEntry(_("My dossiers"), "procedures:my-dossiers", order=17),
    NavEntry(_("Dossiers to handle"), "procedures:queue", order=18, section=WORK, audience=STAFF),
    NavEntry(_("Documents shared with us"), "procedures:shared-documents", order=19, section=WORK, audience=STAFF),
    NavEntry(_("Service quality"), "procedures:dashboard", order=60, section=OVERSIGHT, audience=STAFF),
    NavEntry(_("Payment reconciliation"), "procedures:reconciliation", order=61, section=OVERSIGHT, audience=STAFF),
    NavEntry(_("National portal backlog"), "procedures:portal-sync", order=62, section=OVERSIGHT, audience=STAFF),
    # the catalog stewards' page (docs/procedures.md): the locality's catalog, kept beside the platform's tools
    NavEntry(_("Manage the catalog"), "procedures:catalog-manage", order=70, section=ADMINISTRATION, audience=STAFF),
]
