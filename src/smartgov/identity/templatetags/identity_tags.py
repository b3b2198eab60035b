"""Template helpers of the identity app."""

from typing import Any

from django import template

from smartgov.identity.roles import has_role as _has_role

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"data_steward" %}``: show a link only to those its checkpoint lets in."""
    return bool(user and user.is_authenticated and _has_role(user, role))
