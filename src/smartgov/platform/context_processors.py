"""Template context every page of the shell needs: the locality and the navigation."""

from typing import Any

from django.http import HttpRequest

from smartgov.platform import navigation
from smartgov.platform.selectors.org import locality_get


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"locality": locality_get(), "nav_items": navigation.items()}
