"""The monitoring page of the data-exchange gateway (for platform administrators): traffic per day, per
service and per client with latencies and errors, the registry, refused calls, the message log's state and
the cross-agency event topics."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.exchange import selectors
from smartgov.identity.models import RoleAssignment
from smartgov.identity.roles import has_role
from smartgov.platform.errors import Forbidden

app_name = "exchange"
WINDOWS = {"1": 1, "7": 7, "30": 30}


def _bars(values: list[tuple[str, int]], *, height: int = 150) -> tuple[list[dict[str, object]], int]:
    top = max((v for _, v in values), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(values):
        h = round(value / top * height, 1)
        x = 10 + index * 44
        bars.append({"x": x, "middle": x + 15, "y": 170 - h, "height": h, "value_y": 165 - h, "value": value,
                     "label": label})  # fmt: skip
    return bars, 20 + 44 * max(len(values), 1)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, RoleAssignment.Role.PLATFORM_ADMIN):  # type: ignore[arg-type]
        raise Forbidden(_("The data-exchange gateway's monitoring is for platform administrators."))
    days = WINDOWS.get(request.GET.get("ngay", "7"), 7)
    since = timezone.now() - timedelta(days=days)
    per_day = selectors.traffic_per_day(days=14)
    calls, width = _bars([(f"{d:%d/%m}", c) for d, c, _e in per_day])
    errors, _w = _bars([(f"{d:%d/%m}", e) for d, _c, e in per_day])
    context = {
        "days": days,
        "charts": [(_("Calls per day"), calls), (_("Errors per day"), errors)],
        "width": width,
        "per_service": selectors.traffic_by("service", since=since),
        "per_client": selectors.traffic_by("client", since=since),
        "services": selectors.services_registered(),
        "refused": selectors.refused_recently(),
        "log": selectors.log_state(),
        "topics": selectors.topics_with_state(),
    }
    return render(request, "exchange/dashboard.html", context)


urlpatterns: list[URLPattern] = [path("truc-lien-thong/", dashboard, name="dashboard")]
