"""The leaders' page of the synchronisation with the National Public Service Portal: what the portal has not
accepted yet, why, and a button to try again now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.models import User
from smartgov.procedures.models import Dossier
from smartgov.procedures.services.portal import portal_backlog, portal_sync_retry, portal_sync_state
from smartgov.procedures.status import Status


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def backlog(request: HttpRequest) -> HttpResponse:
    state = portal_sync_state(user=_me(request))
    events = list(portal_backlog(user=_me(request))[:200])
    codes = {e.payload.get("code") for e in events}
    dossiers = {d.code: d for d in Dossier.objects.filter(code__in=codes).only("pk", "code")}
    rows = [(e, dossiers.get(e.payload.get("code")), Status(e.payload["status"]).label) for e in events]
    return render(request, "procedures/portal_sync.html", {"state": state, "rows": rows})


@login_required
@require_POST
def retry(request: HttpRequest) -> HttpResponse:
    delivered, pending = portal_sync_retry(user=_me(request))
    if pending:
        text = _("%(done)d changes accepted by the portal; %(left)d still waiting.")
        messages.warning(request, text % {"done": delivered, "left": pending})
    else:
        messages.success(request, _("The portal has accepted every change."))
    return redirect("procedures:portal-sync")


urlpatterns: list[URLPattern] = [
    path("mot-cua/dong-bo-cong-quoc-gia/", backlog, name="portal-sync"),
    path("mot-cua/dong-bo-cong-quoc-gia/thu-lai/", retry, name="portal-sync-retry"),
]
