"""The authorisation API every app uses (docs/kernel.md §3).

Each app's ``policies.py`` gives the access rule (an :class:`Access`) of every URL name it registers, pages and API
operations alike. :class:`PolicyMiddleware` applies the coarse part of the rule to every request before the view
runs: a visitor is sent to sign in, a signed-in person without any of the rule's roles gets 403, and a URL whose
app declares no rule is refused (fail closed). Checkpoints such as a dossier's ``dossier_for_staff`` then apply the
fine part (the role in the dossier's own agency).

A :class:`Principal` is who acts and with what: the account, and for a request made with an access token, the
token's scopes and client. Per-resource policies, registered with :func:`policy` beside the services they guard
(as CKAN pairs each action with an auth function), answer :func:`permitted` and :func:`authorize`; a policy names the
token scope it needs, so a token without it is refused whatever the account may do.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import security
from oauth2_provider.models import get_access_token_model

from smartgov.identity.models import RoleAssignment
from smartgov.platform import navigation
from smartgov.platform.access import API_OPERATION, Access
from smartgov.platform.contract import contract_exports
from smartgov.platform.errors import Forbidden

logger = logging.getLogger(__name__)
Role = RoleAssignment.Role
#: Roles that only make sense inside an agency (their queues and documents belong to one).
AGENCY_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.DATA_STEWARD})
#: Roles that act on the whole platform.
PLATFORM_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SOC_ANALYST, Role.IOC_OPERATOR})


#: Returned by :func:`agencies_with` for a role held without an agency (it covers every agency).
ALL = "all"


def _assignments(user: Any) -> list[tuple[str, int | None, int | None]]:
    """``(role, agency id, unit id)`` of every role ``user`` holds (none for a visitor or a closed account)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.pk is None:
        return []
    return list(RoleAssignment.objects.filter(user=user).values_list("role", "agency_id", "admin_unit_id"))


def _administers(rows: list[tuple[str, int | None, int | None]]) -> bool:
    return any(role == Role.PLATFORM_ADMIN and a is None and u is None for role, a, u in rows)


def roles_in(user: Any, agency: Any = None, *, admin_unit: Any = None) -> frozenset[str]:
    """The roles ``user`` holds that cover ``agency`` and ``admin_unit`` (held there or without that scope; any
    when None), in one query. A platform administrator holds every role everywhere."""
    rows = _assignments(user)
    if _administers(rows):
        return frozenset(Role.values)
    agency_id = getattr(agency, "pk", agency)
    unit_id = getattr(admin_unit, "pk", admin_unit)
    return frozenset(
        role
        for role, held_at, held_in in rows
        if (agency_id is None or held_at is None or held_at == agency_id)
        and (unit_id is None or held_in is None or held_in == unit_id)
    )


def holds(user: Any, *roles: str, agency: Any = None, admin_unit: Any = None) -> bool:
    """Whether ``user`` holds one of ``roles`` covering ``agency`` and ``admin_unit`` (anywhere when None)."""
    return bool(roles_in(user, agency, admin_unit=admin_unit) & set(roles))


def administers_platform(user: Any) -> bool:
    """Whether ``user`` is a platform administrator (the role held without a scope: every role everywhere)."""
    return _administers(_assignments(user))


def agencies_with(user: Any, *roles: str) -> set[int] | str:
    """The ids of the agencies where ``user`` holds one of ``roles``, or :data:`ALL` when one is held without an
    agency (or the user administers the platform)."""
    rows = _assignments(user)
    if _administers(rows):
        return ALL
    held = [agency_id for role, agency_id, _unit in rows if role in roles]
    return ALL if None in held else {agency_id for agency_id in held if agency_id is not None}


def role_assignments(user: Any) -> list[RoleAssignment]:
    """Every role assignment of ``user`` with its agency (the person's copy of their data, the admin)."""
    return list(RoleAssignment.objects.filter(user=user).select_related("agency", "admin_unit"))


@dataclass(frozen=True)
class Principal:
    """Who acts: the account, and when the request came with an access token, the token's scopes and client.
    ``scopes`` None is a browser session (the person's own session may do whatever the account may)."""

    user: Any
    scopes: frozenset[str] | None = None
    client_id: str | None = None
    acr: str | None = None

    def has_scope(self, scope: str | None) -> bool:
        return scope is None or self.scopes is None or scope in self.scopes


def principal_of(subject: Any) -> Principal:
    """The principal of a request (set by :class:`PolicyMiddleware` or the API's authentication), of a principal, or
    of a bare account (a browser session's, with every scope)."""
    if isinstance(subject, Principal):
        return subject
    if isinstance(subject, HttpRequest):
        found = getattr(subject, "principal", None)
        return found if isinstance(found, Principal) else Principal(subject.user)
    return Principal(subject)


def operation_scopes(request: HttpRequest) -> frozenset[str]:
    """The scopes the API operation being run needs (its rule in ``policies.URLS``); none when the request names no
    operation or the operation declares none, and then no token may call it."""
    name = getattr(request, API_OPERATION, None)
    rule = url_rules().get(name) if isinstance(name, str) else None
    return rule.scopes if rule is not None and rule.is_api else frozenset()


def token_scopes_check(request: HttpRequest, granted: frozenset[str]) -> None:
    """Refuse (403, RFC 6750 ``insufficient_scope``) a token that lacks a scope the operation needs, and every token
    for an operation that declares no scope (fail closed)."""
    needed = operation_scopes(request)
    if not needed:
        raise Forbidden(_("Access tokens cannot be used for this operation: sign in."), code="insufficient_scope")
    missing = needed - granted
    if missing:
        raise Forbidden(
            _("This access token does not have the scope %(scope)s.") % {"scope": " ".join(sorted(missing))},
            code="insufficient_scope",
        )


class AccessTokenAuth(security.HttpBearer):
    """An access token SmartGov's OpenID Connect provider issued, still valid, of an active account, holding every
    scope the API operation declares: the request's principal carries the token's scopes and client. A token without
    the scopes gets 403 whatever the account may do; a browser session (:class:`SessionAuth`) is not limited."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        principal = token_principal(token)
        if principal is None:
            return None
        token_scopes_check(request, principal.scopes or frozenset())
        request.user = principal.user
        request.principal = principal  # type: ignore[attr-defined]
        return principal.user


def token_principal(token: str) -> Principal | None:
    """The principal of an access token SmartGov's OpenID Connect provider issued, still valid, of an active account
    (its scopes and client), or None. For endpoints that speak another standard's wire format (the open data
    portal's CKAN Action API) and check the scopes themselves; the JSON API uses :class:`AccessTokenAuth`."""
    if not token or len(token) > 255:
        return None
    checksum = hashlib.sha256(token.encode()).hexdigest()
    found = (
        get_access_token_model().objects.select_related("user", "application").filter(token_checksum=checksum).first()
    )
    if found is None or found.is_expired() or found.user is None or not found.user.is_active:
        return None
    return Principal(
        found.user,
        scopes=frozenset(found.scope.split()),
        client_id=found.application.client_id if found.application else None,
    )


class SessionAuth(security.SessionAuth):
    """The browser session (with Django's CSRF check): the principal is the person, with every scope."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            request.principal = Principal(user)  # type: ignore[attr-defined]
        return user


#: The API's authentication: an access token, or the browser session.
API_AUTH = [AccessTokenAuth(), SessionAuth()]  # the class names are the OpenAPI security schemes' names


class Check(Protocol):
    def __call__(self, principal: Principal, resource: Any, /) -> bool: ...


@dataclass(frozen=True)
class Policy:
    action: str
    check: Check
    scope: str | None


_POLICIES: dict[str, Policy] = {}


def policy(action: str, *, scope: str | None = None) -> Callable[[Check], Check]:
    """Register ``check(principal, resource) -> bool`` as the policy of ``action`` (e.g.
    ``"procedures.dossier.move"``), needing the token scope ``scope`` when the principal came with a token."""

    def register(check: Check) -> Check:
        if action in _POLICIES and _POLICIES[action].check is not check:
            raise ValueError(f"the action {action!r} has two policies")
        _POLICIES[action] = Policy(action, check, scope)
        return check

    return register


def policies() -> dict[str, Policy]:
    """Every registered policy, by action."""
    return dict(_POLICIES)


def permitted(subject: Any, action: str, resource: Any = None) -> bool:
    """Whether the principal (or request, or account) may do ``action`` on ``resource``."""
    found = _POLICIES.get(action)
    if found is None:
        raise LookupError(f"no policy registered for the action {action!r}")
    principal = principal_of(subject)
    if not getattr(principal.user, "is_authenticated", False) or not principal.user.is_active:
        return False
    return principal.has_scope(found.scope) and bool(found.check(principal, resource))


def authorize(subject: Any, action: str, resource: Any = None) -> None:
    """Raise ``PermissionDenied`` unless :func:`permitted`."""
    if not permitted(subject, action, resource):
        raise PermissionDenied


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
    if rule.kind in ("signed_in", "signs_in"):
        return bool(user.is_authenticated)
    if rule.kind == "staff":
        return holds(user, Role.PLATFORM_ADMIN, *rule.roles)
    return True


def _visible(request: HttpRequest, url_name: str) -> bool:
    """A navigation entry is shown to those its URL's rule lets in. The person's roles are read once per request
    (every page builds the menus, and the staff menu asks about each of its entries)."""
    rule = url_rules().get(url_name)
    if rule is None:
        return False
    if rule.kind != "staff":
        return allows(rule, request.user)
    held = getattr(request, "_navigation_roles", None)
    if held is None:
        held = roles_in(request.user)
        request._navigation_roles = held  # type: ignore[attr-defined]
    return bool(held & {Role.PLATFORM_ADMIN, *rule.roles})


def navigation_gate_install() -> None:
    """Show each person the menu entries whose URLs their rules let them use."""
    navigation.gate_set(_visible)


class PolicyMiddleware:
    """Applies each URL's declared rule before its view runs; refuses a URL without a rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.principal = Principal(request.user)  # type: ignore[attr-defined]  # the API's auth may narrow it
        response = self.get_response(request)
        if self.private(request):
            add_never_cache_headers(response)  # Cache-Control: no-store, private, …
        return response

    @staticmethod
    def private(request: HttpRequest) -> bool:
        """Whether the answer may hold personal data: it does for a signed-in person, a request with an access
        token, any URL whose rule is not open, and open URLs declared personal. Only open, impersonal answers to
        visitors may be stored by browsers and proxies."""
        if "HTTP_AUTHORIZATION" in request.META or request.user.is_authenticated:
            return True
        match = request.resolver_match
        if match is None:
            return False
        rule = url_rules().get(match.view_name)
        return rule is None or rule.kind != "open" or rule.personal

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
