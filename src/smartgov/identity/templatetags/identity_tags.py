"""Template helpers of the identity app."""

from typing import Any

from django import template

from smartgov.identity import authz

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    """``{% if user|may:"identity.data_request.handle" %}``: show a link only to those the action's policy lets in."""
    return bool(user and user.is_authenticated and authz.permitted(user, action))
