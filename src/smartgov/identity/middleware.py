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

_OPEN_PREFIXES = ("/static/", "/healthz", "/metrics", "/i18n/", "/xac-thuc/", "/dang-xuat/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user  # django-otp's middleware adds is_verified()
        if (
            user.is_authenticated
            and (second_factor_required(user) or request.session.get(SECOND_FACTOR_PENDING))
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            target = "identity:mfa-verify" if has_second_factor(user) else "identity:mfa-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
