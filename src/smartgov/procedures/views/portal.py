"""The leaders' page of the synchronisation with the National Public Service Portal: what the portal has not
accepted yet, why, and a button to try again now."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.platform.services.outbox import WAITING
from smartgov.procedures.domain.status import Status
from smartgov.procedures.handlers import CONSUMER
from smartgov.procedures.services.portal import portal_sync_retry, portal_sync_state


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _problem(last_error: str) -> str:
    """The portal synchronisation's own failure, said for a person (the outbox keeps the technical line)."""
    line = next((x for x in last_error.splitlines() if x.startswith(f"{CONSUMER}:")), "")
    if not line:
        return ""
    if match := re.search(r"portal answered (\d+)", line):
        return _("The portal answered %(status)s.") % {"status": match.group(1)}
    if match := re.search(r"portal unreachable: (\w+)", line):
        return _("The portal cannot be reached (%(reason)s).") % {"reason": match.group(1)}
    if WAITING in line:
        return _("Waits until the portal has an earlier change of the same dossier.")
    return line.removeprefix(f"{CONSUMER}: ")[:300]


@login_required
def backlog(request: HttpRequest) -> HttpResponse:
    state = portal_sync_state(user=_me(request))
    rows = [(e, Status(e.payload["status"]).label, _problem(e.last_error)) for e in state.waiting]
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
