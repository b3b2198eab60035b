"""Signing in (with a password, an upstream provider, the second factor) and registering: every SmartGov page and
client signs in here."""

import logging
from typing import Any

from authlib.common.errors import AuthlibBaseError as OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError

from smartgov.identity.forms import RegistrationForm, SignInForm
from smartgov.identity.models import SecurityEvent
from smartgov.identity.selectors.mfa import has_second_factor
from smartgov.identity.services.accounts import account_register
from smartgov.identity.services.federation import federated_sign_in
from smartgov.identity.services.mfa import second_factor_verify, totp_enrolment_confirm, totp_enrolment_start
from smartgov.identity.services.security import security_event_record
from smartgov.identity.upstream import upstream_client, upstream_provider, upstream_providers
from smartgov.platform.errors import Conflict, DomainError
from smartgov.platform.outbound.adapter import RequestsError
from smartgov.platform.qr import qr_svg

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    template_name = "identity/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "title": _("Sign in"), "upstream": upstream_providers()}


def upstream_start(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the browser to the national identity provider (authorization code with PKCE, state and nonce)."""
    upstream = upstream_provider(provider)
    request.session["upstream_next"] = _next_url(request)
    callback = request.build_absolute_uri(reverse("identity:upstream-callback", args=[upstream.name]))
    try:
        return upstream_client(upstream).authorize_redirect(request, callback)
    except (OAuthError, RequestsError):
        logger.exception("identity provider %s unreachable", upstream.name)
        messages.error(
            request, _("%(provider)s cannot be reached now. Try again later.") % {"provider": upstream.label}
        )
        return redirect("identity:login")


def upstream_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """Back from the provider: check the answer (Authlib verifies state, code, ID token and nonce), sign in."""
    upstream = upstream_provider(provider)
    if request.GET.get("error"):
        messages.error(request, _("Sign-in with %(provider)s was cancelled.") % {"provider": upstream.label})
        return redirect("identity:login")
    try:
        token = upstream_client(upstream).authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if upstream.personal_id_claim not in claims:
            claims.update(upstream_client(upstream).userinfo(token=token))
        federated_sign_in(request=request, provider=upstream, claims=claims)
    except (OAuthError, RequestsError, JoseError) as exc:
        logger.warning("sign-in with %s refused: %s", upstream.name, type(exc).__name__)
        security_event_record(
            kind=SecurityEvent.Kind.LOGIN_FAILED,
            severity=SecurityEvent.Severity.WARNING,
            request=request,
            details={"provider": upstream.name, "error": type(exc).__name__},
        )
        messages.error(
            request, _("Sign-in with %(provider)s did not succeed. Try again.") % {"provider": upstream.label}
        )
        return redirect("identity:login")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:login")
    return redirect(request.session.pop("upstream_next", "/"))


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("platform:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_register(
                kind=data["kind"],
                identifier=data["identifier"],
                full_name=data["full_name"],
                password=data["password"],
                phone=data["phone"],
                email=data.get("email") or "",
                request=request,
            )
        except Conflict as exc:
            form.add_error("identifier", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect("platform:home")
    return render(request, "identity/register.html", {"form": form}, status=400 if form.errors else 200)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)  # the person's own home


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, confirm with a first code, keep the recovery codes."""
    if has_second_factor(request.user) and request.user.is_verified():  # type: ignore[arg-type, union-attr]
        return redirect("platform:home")
    device = totp_enrolment_start(actor=request.user)  # type: ignore[arg-type]
    error: Any = ""
    if request.method == "POST":
        codes = totp_enrolment_confirm(request=request, device=device, token=request.POST.get("token", ""))
        if codes is not None:
            return render(request, "identity/mfa_codes.html", {"codes": codes, "next": _next_url(request)})
        error = _(
            "That code is not right. Check the time on your phone, wait a few seconds and type the current 6 digits."
        )
    secret = device.config_url.split("secret=")[1].split("&")[0]
    qr = mark_safe(qr_svg(device.config_url))  # noqa: S308  # nosec B308, B703  # an SVG segno drew: paths, no text
    context = {"qr": qr, "secret": secret, "error": error, "next": _next_url(request)}
    return render(request, "identity/mfa_setup.html", context, status=400 if error else 200)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    if not has_second_factor(request.user):  # type: ignore[arg-type]
        return redirect("identity:mfa-setup")
    error: Any = ""
    if request.method == "POST":
        if second_factor_verify(request=request, token=request.POST.get("token", "")):
            return redirect(_next_url(request))
        error = _("That code is not right, or too many wrong codes were tried: wait a little and try again.")
    return render(
        request, "identity/mfa_verify.html", {"error": error, "next": _next_url(request)}, status=400 if error else 200
    )
