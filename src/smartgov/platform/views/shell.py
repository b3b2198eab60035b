"""The web shell: home page, health and metrics endpoints, error pages."""

import logging
import os
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import REGISTRY

from smartgov.platform import navigation
from smartgov.platform.delivery import DeliveryCollector
from smartgov.platform.selectors.org import agency_list, locality_get

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "platform/home.html", {"figures": _home_figures()})


def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (``LOGIN_REDIRECT_URL``): the person's own home, the highest-ranked landing entry of
    the navigation they may open (officers: their workspace), the site's home otherwise."""
    return redirect(navigation.landing_for(request))


FIGURES_SECONDS = 60


def _home_figures() -> dict[str, Any]:
    """Live figures for the home page, from the selectors of each area (cached a minute: they change rarely)."""
    from smartgov.platform.selectors.calendar import upcoming_days_off
    from smartgov.platform.selectors.units import unit_counts

    today = timezone.localdate()
    key = f"platform:home-figures:{today.isoformat()}"
    figures: dict[str, Any] | None = cache.get(key)
    if figures is None:
        locality = locality_get()
        counts = unit_counts(province_code=locality.province.code if locality else None)
        figures = {
            "units": counts,
            "units_total": sum(counts.values()),
            "agencies": agency_list().count(),
            "days_off": upcoming_days_off(today=today, limit=3),
        }
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


# --- Health and metrics -----------------------------------------------------------------------


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "skipped"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        return "ok" if client.ping() else "error"
    finally:
        client.close()


def _check_mqtt() -> str:
    if not settings.MQTT_URL:
        return "skipped"
    import paho.mqtt.client as mqtt

    url = urlsplit(settings.MQTT_URL)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"smartgov-health-{socket.gethostname()}")
    if url.username:
        client.username_pw_set(url.username, url.password)
    if url.scheme in {"mqtts", "ssl"}:
        client.tls_set()
    client.connect(url.hostname or "localhost", url.port or (8883 if url.scheme in {"mqtts", "ssl"} else 1883), 5)
    try:
        return "ok" if client.is_connected() or client.loop(timeout=2) == mqtt.MQTT_ERR_SUCCESS else "error"
    finally:
        client.disconnect()


_CHECKS = {"database": _check_database, "broker": _check_redis, "mqtt": _check_mqtt}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the broker (Redis) and the MQTT broker when configured."""
    checks: dict[str, str] = {}
    for name, check in _CHECKS.items():
        started = time.monotonic()
        try:
            checks[name] = check()
        except Exception:
            logger.exception("health check %s failed", name)
            checks[name] = "error"
        logger.debug("health check %s took %.1f ms", name, (time.monotonic() - started) * 1000)
    healthy = all(result != "error" for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


@never_cache
def healthz_live(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else (also the benchmarks' bare-stack baseline)."""
    return HttpResponse("ok", content_type="text/plain")


#: Collectors of figures read from the database (e.g. the gateway's message log, exchange/metrics.py): the same
#: for every process, so in multi-process mode they are added once to the merged per-process figures.
DATABASE_COLLECTORS: list[Any] = [DeliveryCollector()]  # the delivery engine's backlog, every kind
REGISTRY.register(DATABASE_COLLECTORS[0])  # single-process exposition; multi-process adds it in the view


def _export(request: HttpRequest) -> HttpResponse:
    response = ExportToDjangoView(request)
    if DATABASE_COLLECTORS and ("PROMETHEUS_MULTIPROC_DIR" in os.environ):
        from prometheus_client import CollectorRegistry, generate_latest

        registry = CollectorRegistry()
        for collector in DATABASE_COLLECTORS:
            registry.register(collector)
        response.content = response.content + generate_latest(registry)
    return response


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; needs ``Authorization: Bearer <SMARTGOV_METRICS_TOKEN>`` when that is set."""
    token = settings.SMARTGOV_METRICS_TOKEN
    if token:
        import hmac

        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return _export(request)


# --- Error pages ------------------------------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the body was over DATA_UPLOAD_MAX_MEMORY_SIZE (Django hands that here as a 400)."""
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):
        context = {"code": 413, "message": _("The request is too large.")}
        return render(request, "errors/400.html", context, status=413)
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("bat-dau/", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz-live"),
    path("metrics", metrics, name="metrics"),
]
