"""The notifications in the person's space (docs/kernel.md §1): a section, and the unread count in every page's
header (one query on the partial index ``notification_unread_idx``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartgov.identity.selectors import User
from smartgov.notifications.selectors import unread_count
from smartgov.platform.space import HeaderBadge, SpaceSection


def _summary(user: User) -> str:
    unread = unread_count(user)
    if not unread:
        return str(_("Nothing unread"))
    return ngettext("%(n)d unread", "%(n)d unread", unread) % {"n": unread}


def _label(count: int) -> str:
    if not count:
        return str(_("Notifications, none unread"))
    return ngettext("%(n)d unread notification", "%(n)d unread notifications", count) % {"n": count}


SECTIONS = [
    SpaceSection(
        _("Notifications"),
        "notifications:inbox",
        _summary,
        description=_("Messages about your dossiers, and how you want to be told."),
        order=40,
    )
]
BADGES = [HeaderBadge("notifications:inbox", unread_count, _label)]
