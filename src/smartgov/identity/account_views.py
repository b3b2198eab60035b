"""The person's own pages: profile, security, consents and "my data"; forgotten password; the data stewards'
queue of correction and deletion requests."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from smartgov.identity.forms import DataRequestAnswerForm, DataRequestForm, PasswordResetRequestForm, ProfileForm
from smartgov.identity.mfa import (
    has_second_factor,
    recovery_codes_left,
    recovery_codes_renew,
    second_factor_disable,
    second_factor_required,
)
from smartgov.identity.models import DataRequest, PersonalDataAccess, RoleAssignment, SecurityEvent, User
from smartgov.identity.privacy import (
    PURPOSES,
    consent_decide,
    consent_state,
    data_request_cancel,
    data_request_for_staff,
    data_request_resolve,
    data_request_submit,
    my_data_export,
    personal_data_view_record,
)
from smartgov.identity.roles import require_role
from smartgov.identity.services import profile_update, security_event_record
from smartgov.identity.sessions import sessions_end_all, sessions_end_others
from smartgov.identity.verification import (
    email_verification_send,
    email_verify,
    password_reset_request,
    phone_code_send,
    phone_verify,
)
from smartgov.platform.errors import DomainError


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _status(form: Form | None, error: Any = "") -> int:
    return 400 if error or (form is not None and form.errors) else 200


# --- Profile and contact verification -----------------------------------------------------------------------
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = profile_update(request=request, user=user, **form.cleaned_data)
        if changed:
            messages.success(request, _("Your profile is saved."))
        return redirect("identity:profile")
    return render(request, "identity/profile.html", {"form": form, "account": user}, status=_status(form))


@login_required
@require_POST
def email_verification_start(request: HttpRequest) -> HttpResponse:
    try:
        email_verification_send(request=request, user=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("We sent a link to %(email)s. Open it to confirm the address.") % {"email": _user(request).email}
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
    user = _user(request)
    error: Any = ""
    if request.method == "POST" and request.POST.get("action") == "send":
        try:
            phone_code_send(request=request, user=user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("We sent a code to your phone."))
            return redirect("identity:phone-verify")
    elif request.method == "POST":
        if phone_verify(request=request, user=user, code=request.POST.get("code", "")):
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("identity:profile")
        error = _("That code is not right or has expired. Ask for a new code if needed.")
    return render(request, "identity/phone_verify.html", {"error": error, "account": user}, status=_status(None, error))


# --- Security: password, second factor, sessions --------------------------------------------------------------
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "has_second_factor": has_second_factor(user),
        "second_factor_required": second_factor_required(user),
        "recovery_codes_left": recovery_codes_left(user),
        "events": SecurityEvent.objects.filter(user=user)[:10],
    }
    return render(request, "identity/security.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working) after a current code from the authenticator app."""
    error: Any = ""
    if request.method == "POST":
        codes = recovery_codes_renew(request=request, user=_user(request), token=request.POST.get("token", ""))
        if codes is not None:
            return render(
                request, "identity/mfa_codes.html", {"codes": codes, "next": reverse_lazy("identity:security")}
            )
        error = _("That code is not right. Type the 6 digits your authenticator app shows now.")
    return render(
        request,
        "identity/mfa_confirm.html",
        {"error": error, "title": _("New recovery codes"), "action": _("Make new recovery codes")},
        status=_status(None, error),
    )


@login_required
def second_factor_off(request: HttpRequest) -> HttpResponse:
    error: Any = ""
    if request.method == "POST":
        try:
            if second_factor_disable(request=request, user=_user(request), token=request.POST.get("token", "")):
                messages.success(request, _("Two-step sign-in is turned off."))
                return redirect("identity:security")
            error = _("That code is not right. Type the 6 digits your authenticator app shows now.")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "identity/mfa_confirm.html",
        {"error": error, "title": _("Turn off two-step sign-in"), "action": _("Turn off"), "danger": True},
        status=_status(None, error),
    )


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:security")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session signed in
        user = _user(self.request)
        security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=user)
        sessions_end_others(request=self.request, user=user)
        messages.success(self.request, _("Your password is changed; other browsers were signed out."))
        return response


# --- Forgotten password --------------------------------------------------------------------------------------
def password_forgotten(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(request=request, identifier=form.cleaned_data["identifier"])
        return redirect("identity:password-reset-sent")
    return render(request, "identity/password_forgotten.html", {"form": form}, status=_status(form))


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


# --- Consents and my data -------------------------------------------------------------------------------------
@login_required
def consents(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            consent_decide(
                request=request,
                user=user,
                purpose=request.POST.get("purpose", ""),
                give=request.POST.get("give") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("identity:consents")
        messages.success(request, _("Your choice is recorded."))
        return redirect("identity:consents")
    state = consent_state(user=user)
    rows = [{"purpose": purpose, "record": state[code]} for code, purpose in PURPOSES.items()]
    return render(request, "identity/consents.html", {"rows": rows})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_request_submit(
                request=request,
                user=user,
                kind=data["kind"],
                reason=data.get("reason") or "",
                proposed={k: data.get(k) or "" for k in ("full_name", "email", "phone")},
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is sent. A data steward answers within 72 hours."))
            return redirect("identity:my-data")
    context = {
        "form": form,
        "requests": DataRequest.objects.filter(user=user)[:20],
        "accesses": PersonalDataAccess.objects.filter(subject=user).select_related("viewer")[:20],
    }
    return render(request, "identity/my_data.html", context, status=_status(form))


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    body = json.dumps(my_data_export(user=user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="smartgov-du-lieu-ca-nhan-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def data_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        data_request_cancel(user=_user(request), request_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("identity:my-data")


# --- The data stewards' queue ---------------------------------------------------------------------------------
@login_required
def data_requests_queue(request: HttpRequest) -> HttpResponse:
    require_role(_user(request), RoleAssignment.Role.DATA_STEWARD)
    status = request.GET.get("status") or DataRequest.Status.OPEN
    rows = DataRequest.objects.select_related("user").filter(status=status).order_by("submitted_at")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request, "identity/data_requests.html", {"page": page, "status": status, "statuses": DataRequest.Status.choices}
    )


@login_required
def data_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    data_request = data_request_for_staff(user=actor, request_id=pk)
    form = DataRequestAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_resolve(
                request=request,
                actor=actor,
                request_id=pk,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data.get("answer") or "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request is answered."))
            return redirect("identity:data-requests")
    if data_request.user is not None:
        personal_data_view_record(request=request, subject=data_request.user, place="data request", reason=f"#{pk}")
    return render(
        request, "identity/data_request_detail.html", {"item": data_request, "form": form}, status=_status(form)
    )
