"""The one-stop shop's page of the dossiers received from the National Public Service Portal: how far the intake
has read the portal's feed, what it received, what it refused and why, and a button to fetch now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.procedures.services.intake import portal_intake_fetch_now, portal_intake_state


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/portal_intake.html", {"state": portal_intake_state(user=_me(request))})


@login_required
@require_POST
def fetch_now(request: HttpRequest) -> HttpResponse:
    pulled = portal_intake_fetch_now(user=_me(request))
    if pulled.error:
        messages.error(request, _("The portal's feed could not be read: %(error)s.") % {"error": pulled.error})
    else:
        text = _("%(received)d dossiers received, %(refused)d refused, %(repeats)d already received.")
        messages.success(
            request, text % {"received": pulled.received, "refused": pulled.refused, "repeats": pulled.duplicates}
        )
    return redirect("procedures:portal-intake")


urlpatterns: list[URLPattern] = [
    path("mot-cua/ho-so-cong-quoc-gia/", intake, name="portal-intake"),
    path("mot-cua/ho-so-cong-quoc-gia/nhan-ngay/", fetch_now, name="portal-intake-fetch"),
]
