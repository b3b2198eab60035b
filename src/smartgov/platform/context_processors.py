"""Template context every page of the shell needs: the locality and the navigation (the main menu for everyone and
citizens, the staff workspace's menu for civil servants)."""

import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest

from smartgov.platform import navigation, space
from smartgov.platform.selectors.org import locality_get

logger = logging.getLogger(__name__)


def shell(request: HttpRequest) -> dict[str, Any]:
    try:
        locality = locality_get()
    except DatabaseError:  # the error pages must still render when the database is down
        logger.exception("locality unavailable")
        locality = None
    # header_badges is a callable: the header's counts are computed only when a page's header shows them
    return {
        "locality": locality,
        "nav_items": navigation.entries_for(request, navigation.EVERYONE, navigation.CITIZEN),
        "workspace_menu": navigation.sections_for(request, navigation.STAFF),
        "header_badges": lambda: _badges(request),
    }


def _badges(request: HttpRequest) -> list[space.ShownBadge]:
    try:
        return space.badges_for(request)
    except DatabaseError:  # an error page while the database is down shows no counts
        logger.exception("header counts unavailable")
        return []
