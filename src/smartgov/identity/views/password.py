"""A forgotten password: asking for a link, and setting a new password with it."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from smartgov.identity.forms import PasswordResetRequestForm
from smartgov.identity.models import SecurityEvent
from smartgov.identity.services.security import security_event_record
from smartgov.identity.services.sessions import sessions_end_all
from smartgov.identity.services.verification import password_reset_request
from smartgov.identity.views.common import status_of


def password_forgotten(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(request=request, identifier=form.cleaned_data["identifier"])
        return redirect("identity:password-reset-sent")
    return render(request, "identity/password_forgotten.html", {"form": form}, status=status_of(form))


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    text = _(
        "If an account matches and it has a confirmed e-mail address or phone number, a link to set a new "
        "password is on its way. It works for %(minutes)d minutes, once."
    ) % {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    return render(request, "identity/message.html", {"title": _("Check your e-mail and phone"), "text": text})


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    success_url = reverse_lazy("identity:login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=user, details={"via": "reset"}
        )
        sessions_end_all(user=user)
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return response
