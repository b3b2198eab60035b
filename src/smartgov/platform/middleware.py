"""Request id, access log and language selection."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from smartgov.platform.logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_logger = logging.getLogger("smartgov.access")


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from the proxy when it is well-formed, else makes one; echoes it back.

    Also writes one access-log line per request (logger ``smartgov.access``) carrying the request id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Vietnamese first: the language is the user's explicit choice (cookie) or Vietnamese.

    The browser's Accept-Language is deliberately not consulted: a public portal of a Vietnamese province
    opens in Vietnamese, and a visitor switches to English with one click.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.get("Vary", "")
        if "Cookie" not in patch_vary:
            response["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        return response


class DomainErrorPageMiddleware:
    """A page view that lets a service's DomainError escape shows the error page with the error's status and
    its translated message (403 for Forbidden, 404 for NotFound, 409 for Conflict) instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from smartgov.platform.errors import DomainError

        if not isinstance(exception, DomainError):
            return None
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(exception.status, "errors/400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (the ``PERMISSIONS_POLICY`` setting) to every answer that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


def _holds_nul(request: HttpRequest) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class NulByteMiddleware:
    """A NUL byte in the path or the query string is refused with 400 before any view: no text a person types holds
    one, and PostgreSQL can neither store nor compare it (the query would end in a 500). The API answers in problem
    details; bodies are the API's parser's and the forms' concern."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _holds_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from smartgov.platform.api.site import problem

            return problem(request, status=400, title=translation.gettext("The request is not valid."), code="nul")
        from smartgov.platform.views.shell import bad_request

        return bad_request(request)


class ProductNotFoundMiddleware:
    """Under ``DEBUG``, Django answers a wrong address with its technical page listing every URL of the site. The
    demo (``SMARTGOV_PRODUCT_PAGES=1``, set by ``make demo``) must look like the product: there a wrong address,
    and a page view's ``Http404``, get the site's own 404 page, as in production. Developers keep Django's page
    (the setting is off by default); without ``DEBUG`` Django already uses ``handler404`` and this steps aside.

    It sits after ``CommonMiddleware``, which still turns a 404 for ``/path`` into a redirect to ``/path/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return bool(settings.DEBUG and settings.SMARTGOV_PRODUCT_PAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.urls import Resolver404, get_resolver

        if not self._active():
            return self.get_response(request)
        try:
            get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
        except Resolver404 as exc:
            return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404

        return self._not_found(request, exception) if self._active() and isinstance(exception, Http404) else None

    @staticmethod
    def _not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
        from smartgov.platform.views.shell import page_not_found

        return page_not_found(request, exception)
