"""Template context every page of the shell needs: the locality and the navigation (the main menu for everyone and
citizens, the staff workspace's menu for civil servants)."""

import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest

from smartgov.platform import navigation
from smartgov.platform.selectors.org import locality_get

logger = logging.getLogger(__name__)


def shell(request: HttpRequest) -> dict[str, Any]:
    try:
        locality = locality_get()
    except DatabaseError:  # the error pages must still render when the database is down
        logger.exception("locality unavailable")
        locality = None
    return {
        "locality": locality,
        "nav_items": navigation.entries_for(request, navigation.EVERYONE, navigation.CITIZEN),
        "workspace_menu": navigation.sections_for(request, navigation.STAFF),
    }
