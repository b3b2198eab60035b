"""The monitoring page of the data-exchange gateway (for platform administrators): traffic per day, per
service and per client with latencies and errors, the registry, refused calls, the message log's state and
the cross-agency event topics."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.exchange import selectors
from smartgov.exchange.services.events import dead_letters_retry
from smartgov.identity import authz
from smartgov.platform.charts import bar_chart
from smartgov.platform.errors import Forbidden, NotFound

WINDOWS = {"1": 1, "7": 7, "30": 30}


def _require_admin(request: HttpRequest) -> None:
    if not authz.holds(request.user, authz.Role.PLATFORM_ADMIN):
        raise Forbidden(_("The data-exchange gateway's monitoring is for platform administrators."))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    days = WINDOWS.get(request.GET.get("ngay", "7"), 7)
    since = timezone.now() - timedelta(days=days)
    per_day = selectors.traffic_per_day(days=14)
    fortnight = _("last 14 days")
    calls, errors = _("Calls per day"), _("Errors per day")
    context = {
        "days": days,
        "charts": [
            bar_chart(calls, [(f"{d:%d/%m}", c) for d, c, _e in per_day], caption=f"{calls} ({fortnight})", decimals=0),
            bar_chart(
                errors,
                [(f"{d:%d/%m}", e) for d, _c, e in per_day],
                caption=f"{errors} ({fortnight})",
                colour="#a4001d",
                decimals=0,
            ),
        ],
        "per_service": selectors.traffic_by("service", since=since),
        "per_client": selectors.traffic_by("client", since=since),
        "services": selectors.services_registered(),
        "refused": selectors.refused_recently(),
        "log": selectors.log_state(),
        "topics": selectors.topics_with_state(),
    }
    return render(request, "exchange/dashboard.html", context)


@login_required
@require_POST
def dead_letters(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Send a topic's dead letters again (the sweep takes them within half a minute)."""
    _require_admin(request)
    topic = selectors.topic_get(topic_id)
    if topic is None:
        raise NotFound(_("No such topic."))
    revived = dead_letters_retry(actor=request.user, topic=topic)
    messages.success(request, _("%(n)d deliveries will be sent again.") % {"n": revived})
    return redirect("exchange:dashboard")
