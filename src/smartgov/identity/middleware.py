"""The second factor before anything else (pages, the admin, single sign-on to other systems): always for
staff, and for citizens and businesses who turned it on (the sign-in marks their session)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from smartgov.identity.domain.mfa import SECOND_FACTOR_PENDING, second_factor_required
from smartgov.identity.selectors.mfa import has_second_factor

#: The OpenID Connect authorization endpoint applies the rule itself (identity.views.oidc): it answers a relying
#: party's ``prompt=none`` with ``login_required`` instead of a page. The open data portal's CKAN Action API never
#: reads the session (only its access token), and a CKAN client must never be redirected.
_OPEN_PREFIXES = (
    "/static/",
    "/healthz",
    "/metrics",
    "/i18n/",
    "/xac-thuc/",
    "/dang-xuat/",
    "/o/authorize/",
    "/api/3/action/",
    "/api/action/",
)


def second_factor_missing(request: HttpRequest) -> bool:
    """Whether the signed-in person still owes the second factor: staff always, others who turned it on."""
    user: Any = request.user  # django-otp's middleware adds is_verified()
    return bool(
        user.is_authenticated
        and (second_factor_required(user) or request.session.get(SECOND_FACTOR_PENDING))
        and not user.is_verified()
    )


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """To the second-factor step (or its set-up), coming back to this address afterwards."""
    target = "identity:mfa-verify" if has_second_factor(request.user) else "identity:mfa-setup"  # type: ignore[arg-type]
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_missing(request) and not request.path.startswith(_OPEN_PREFIXES):
            return second_factor_redirect(request)
        return self.get_response(request)
