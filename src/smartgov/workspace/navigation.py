"""The workspace's menu entries: its home, where civil servants land after signing in (``landing``), and the dossier
search."""

from django.utils.translation import gettext_lazy as _

from smartgov.platform.navigation import STAFF, WORK, NavEntry

ENTRIES = [
    NavEntry(_("Workspace"), "workspace:home", order=1, section=WORK, audience=STAFF, landing=100),
    NavEntry(_("Find a dossier"), "workspace:search", order=2, section=WORK, audience=STAFF),
]
