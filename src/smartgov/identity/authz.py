"""The authorisation API every app uses (docs/kernel.md §3).

Each app's ``policies.py`` gives the access rule (an :class:`Access`) of every URL name it registers, pages and API
operations alike. :class:`PolicyMiddleware` applies the coarse part of the rule to every request before the view
runs: a visitor is sent to sign in, a signed-in person without any of the rule's roles gets 403, and a URL whose
app declares no rule is refused (fail closed). Checkpoints such as a dossier's ``dossier_for_staff`` then apply the
fine part (the role in the dossier's own agency).
"""

import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from smartgov.identity.models import RoleAssignment
from smartgov.platform import navigation
from smartgov.platform.access import Access
from smartgov.platform.contract import contract_exports

logger = logging.getLogger(__name__)
Role = RoleAssignment.Role
#: Roles that only make sense inside an agency (their queues and documents belong to one).
AGENCY_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.DATA_STEWARD})
#: Roles that act on the whole platform.
PLATFORM_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SOC_ANALYST, Role.IOC_OPERATOR})


#: Returned by :func:`agencies_with` for a role held without an agency (it covers every agency).
ALL = "all"


def roles_in(user: Any, agency: Any = None) -> frozenset[str]:
    """The roles ``user`` holds that cover ``agency`` (held there or without a scope; any agency when None), in one
    query. A platform administrator holds every role everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.pk is None:
        return frozenset()
    rows = list(RoleAssignment.objects.filter(user=user).values_list("role", "agency_id", "admin_unit_id"))
    if any(role == Role.PLATFORM_ADMIN and a is None and u is None for role, a, u in rows):
        return frozenset(Role.values)
    agency_id = getattr(agency, "pk", agency)
    return frozenset(
        role for role, held_at, _unit in rows if agency_id is None or held_at is None or held_at == agency_id
    )


def holds(user: Any, *roles: str, agency: Any = None) -> bool:
    """Whether ``user`` holds one of ``roles`` covering ``agency`` (anywhere when None)."""
    return bool(roles_in(user, agency) & set(roles))


def agencies_with(user: Any, *roles: str) -> set[int] | str:
    """The ids of the agencies where ``user`` holds one of ``roles``, or :data:`ALL` when one is held without an
    agency (or the user administers the platform)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.pk is None:
        return set()
    rows = list(RoleAssignment.objects.filter(user=user).values_list("role", "agency_id", "admin_unit_id"))
    if any(role == Role.PLATFORM_ADMIN and a is None and u is None for role, a, u in rows):
        return ALL
    held = [agency_id for role, agency_id, _unit in rows if role in roles]
    return ALL if any(agency_id is None for agency_id in held) else set(held)


@cache
def url_rules() -> dict[str, Access]:
    """Every installed app's URL rules, by URL name (``namespace:name``)."""
    rules: dict[str, Access] = {}
    for config, declared in contract_exports("policies", "URLS"):
        for name, rule in declared.items():
            if name in rules:
                raise ValueError(f"{config.label}: the URL {name!r} has a rule in two apps")
            rules[name] = rule
    return rules


def allows(rule: Access, user: Any) -> bool:
    """Whether the coarse part of ``rule`` lets ``user`` in (pages; API rules are for the API's own auth)."""
    if rule.kind == "signed_in":
        return bool(user.is_authenticated)
    if rule.kind == "staff":
        return holds(user, Role.PLATFORM_ADMIN, *rule.roles)
    return True


def _visible(request: HttpRequest, url_name: str) -> bool:
    """A navigation entry is shown to those its URL's rule lets in."""
    rule = url_rules().get(url_name)
    return rule is not None and allows(rule, request.user)


def navigation_gate_install() -> None:
    """Show each person the menu entries whose URLs their rules let them use."""
    navigation.gate_set(_visible)


class PolicyMiddleware:
    """Applies each URL's declared rule before its view runs; refuses a URL without a rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace == "admin" or match.app_name == "djdt":
            return None
        rule = url_rules().get(match.view_name)
        if rule is None:
            logger.error("no access rule declared for the URL %s: refused", match.view_name)
            raise PermissionDenied
        if rule.kind == "signed_in" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule.kind == "staff":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds(request.user, Role.PLATFORM_ADMIN, *rule.roles):
                raise PermissionDenied
        return None
