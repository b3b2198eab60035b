"""The person's security: password, second factor, recovery codes, and where the account is signed in."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from smartgov.identity.domain.mfa import second_factor_required
from smartgov.identity.models import SecurityEvent
from smartgov.identity.selectors.mfa import has_second_factor, recovery_codes_left, security_events_recent
from smartgov.identity.selectors.sessions import session_list
from smartgov.identity.services.mfa import recovery_codes_renew, second_factor_disable
from smartgov.identity.services.security import security_event_record
from smartgov.identity.services.sessions import sessions_end_others
from smartgov.identity.views.common import signed_in_user, status_of
from smartgov.platform.errors import DomainError


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "has_second_factor": has_second_factor(user),
        "second_factor_required": second_factor_required(user),
        "recovery_codes_left": recovery_codes_left(user),
        "events": security_events_recent(user=user),
    }
    return render(request, "identity/security.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working) after a current code from the authenticator app."""
    error: Any = ""
    if request.method == "POST":
        codes = recovery_codes_renew(
            request=request, actor=signed_in_user(request), token=request.POST.get("token", "")
        )
        if codes is not None:
            return render(
                request, "identity/mfa_codes.html", {"codes": codes, "next": reverse_lazy("identity:security")}
            )
        error = _("That code is not right. Type the 6 digits your authenticator app shows now.")
    return render(
        request,
        "identity/mfa_confirm.html",
        {"error": error, "title": _("New recovery codes"), "action": _("Make new recovery codes")},
        status=status_of(None, error),
    )


@login_required
def second_factor_off(request: HttpRequest) -> HttpResponse:
    error: Any = ""
    if request.method == "POST":
        try:
            if second_factor_disable(
                request=request, actor=signed_in_user(request), token=request.POST.get("token", "")
            ):
                messages.success(request, _("Two-step sign-in is turned off."))
                return redirect("identity:security")
            error = _("That code is not right. Type the 6 digits your authenticator app shows now.")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "identity/mfa_confirm.html",
        {"error": error, "title": _("Turn off two-step sign-in"), "action": _("Turn off"), "danger": True},
        status=status_of(None, error),
    )


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:security")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session signed in
        user = signed_in_user(self.request)
        security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=user)
        sessions_end_others(request=self.request, actor=user)
        messages.success(self.request, _("Your password is changed; other browsers were signed out."))
        return response


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """Where the account is signed in; sign out of every other browser."""
    if request.method == "POST":
        ended = sessions_end_others(request=request, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": ended})
        return redirect("identity:sessions")
    context = {"sessions": session_list(user=request.user), "current": request.session.session_key}  # type: ignore[arg-type]
    return render(request, "identity/sessions.html", context)
