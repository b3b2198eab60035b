"""The person's profile and proving their e-mail address and phone number."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from smartgov.identity.forms import ProfileForm
from smartgov.identity.services.accounts import profile_update
from smartgov.identity.services.verification import (
    email_verification_send,
    email_verify,
    phone_code_send,
    phone_verify,
)
from smartgov.identity.views.common import signed_in_user, status_of
from smartgov.platform.errors import DomainError


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = profile_update(request=request, actor=user, **form.cleaned_data)
        if changed:
            messages.success(request, _("Your profile is saved."))
        return redirect("identity:profile")
    return render(request, "identity/profile.html", {"form": form, "account": user}, status=status_of(form))


@login_required
@require_POST
def email_verification_start(request: HttpRequest) -> HttpResponse:
    try:
        email_verification_send(request=request, actor=signed_in_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("We sent a link to %(email)s. Open it to confirm the address.")
            % {"email": signed_in_user(request).email},
        )
    return redirect("identity:profile")


def email_verification_finish(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail (works without signing in: the link itself is the proof)."""
    try:
        email_verify(token=token)
    except DomainError as exc:
        return render(
            request, "identity/message.html", {"title": _("E-mail not confirmed"), "text": exc.message}, status=400
        )
    return render(
        request,
        "identity/message.html",
        {"title": _("E-mail confirmed"), "text": _("Thank you: your e-mail address is confirmed.")},
    )


@login_required
def phone_verification(request: HttpRequest) -> HttpResponse:
    """Send a code by SMS (action=send), then type it (action=check)."""
    user = signed_in_user(request)
    error: Any = ""
    if request.method == "POST" and request.POST.get("action") == "send":
        try:
            phone_code_send(request=request, actor=user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("We sent a code to your phone."))
            return redirect("identity:phone-verify")
    elif request.method == "POST":
        if phone_verify(request=request, actor=user, code=request.POST.get("code", "")):
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("identity:profile")
        error = _("That code is not right or has expired. Ask for a new code if needed.")
    return render(
        request, "identity/phone_verify.html", {"error": error, "account": user}, status=status_of(None, error)
    )
