"""Template helpers of the identity app."""

from typing import Any

from django import template

from smartgov.identity import authz

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"data_steward" %}``: whether the account holds the role somewhere."""
    return bool(user and user.is_authenticated and authz.holds(user, role))


@register.filter
def may(user: Any, action: str) -> bool:
    """``{% if user|may:"identity.data_request.handle" %}``: show a link only to those the action's policy lets in."""
    return bool(user and user.is_authenticated and authz.permitted(user, action))
