"""The OpenID Connect provider's own views over django-oauth-toolkit's: the authorization endpoint (the second
factor first for staff, ``prompt=none`` answered with ``login_required`` or ``consent_required``, how the person
signed in handed to the code) and the discovery document (only what the provider accepts)."""

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from oauth2_provider import views as oauth2_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_access_token_model, get_application_model
from oauth2_provider.settings import oauth2_settings

from smartgov.identity.domain.mfa import ACR_ONE_FACTOR, ACR_TWO_FACTORS, SIGN_IN_METHODS, authentication_context
from smartgov.identity.middleware import second_factor_missing, second_factor_redirect
from smartgov.identity.oidc import AUTHENTICATION_CLAIM, SIGNING_ALGORITHM


def _prompt(request: HttpRequest) -> set[str]:
    return set(request.GET.get("prompt", "").split())


def with_issuer(uri: str, issuer: str) -> str:
    """The authorization response ``uri`` carrying exactly one ``iss``, the provider's (RFC 9207 §2: errors too, so a
    client talking to several providers cannot be led to send one provider's code to another)."""
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "iss"] + [("iss", issuer)]
    return urlunsplit(parts._replace(query=urlencode(query)))


class AuthorizationView(oauth2_views.AuthorizationView):
    #: SmartGov's consent screen (DOT's own template of the same name would come first in the template search).
    template_name = "identity/oidc_authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """A visitor: DOT answers ``prompt=none`` with login_required, or sends them to sign in. A person who owes
        the second factor (staff always): login_required to a silent request, the second-factor step otherwise."""
        if request.user.is_authenticated and second_factor_missing(request):
            self.oauth2_data: dict[str, Any] = {}
            return (
                self._silent_error("login_required") if "none" in _prompt(request) else second_factor_redirect(request)
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "none" in _prompt(request):
            return self._silent(request)
        return super().get(request, *args, **kwargs)

    def create_authorization_response(self, request: HttpRequest, scopes: Any, credentials: Any, allow: Any) -> Any:
        """Every way to a code (the consent form, a trusted client, a silent request) hands it how the session
        signed in: ``acr`` and ``amr`` for the ID token."""
        verified = bool(getattr(request.user, "is_verified", lambda: False)())
        credentials[AUTHENTICATION_CLAIM] = authentication_context(
            request.session.get(SIGN_IN_METHODS), second_factor_passed=verified
        )
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to: str, application: Any) -> HttpResponse:
        """Every answer sent back to the client, a code or an error, names the issuer of the discovery document and
        the ID tokens (DOT adds it to codes only, and as the site's root: SmartGov publishes no RFC 8414 metadata)."""
        if oauth2_settings.COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS:
            redirect_to = with_issuer(redirect_to, oauth2_settings.oidc_issuer(self.request))
        return super().redirect(redirect_to, application)

    def _silent(self, request: HttpRequest) -> HttpResponse:
        """``prompt=none`` from a signed-in person: a code when the client is trusted or the person consented to these
        scopes before (a live token), else ``consent_required``; never a page (OpenID Connect Core §3.1.2.6)."""
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        consented = application.skip_authorization or any(
            token.allow_scopes(scopes)
            for token in get_access_token_model().objects.filter(
                user=request.user, application=application, expires__gt=timezone.now()
            )
        )
        if not consented:
            return self._error_redirect(application, credentials, "consent_required")
        if isinstance(credentials.get("ui_locales"), list):
            credentials["ui_locales"] = " ".join(credentials["ui_locales"])
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def _silent_error(self, error: str) -> HttpResponse:
        """``error`` to the client's registered redirect URI, with its state; a request that names no registered
        client or redirect URI gets the error page instead (never an open redirect)."""
        try:
            _scopes, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as failure:
            return self.error_response(failure, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        return self._error_redirect(application, credentials, error)

    def _error_redirect(self, application: Any, credentials: dict[str, Any], error: str) -> HttpResponse:
        answer = {"error": error, **({"state": credentials["state"]} if credentials.get("state") else {})}
        uri = credentials["redirect_uri"]
        return self.redirect(f"{uri}{'&' if '?' in uri else '?'}{urlencode(answer)}", application)


class ConnectDiscoveryInfoView(oauth2_views.ConnectDiscoveryInfoView):
    """DOT's discovery document, saying only what the provider accepts: RS256 ID tokens, the code flow with PKCE
    S256, the code, refresh and client-credentials grants, SmartGov's scopes and authentication classes."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = {  # response types and PKCE methods come filtered by the settings (conf.py: code only, S256 only)
            **json.loads(response.content),
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "acr_values_supported": [ACR_ONE_FACTOR, ACR_TWO_FACTORS],
        }
        data["claims_supported"] = sorted({*data.get("claims_supported", []), "acr", "amr", "auth_time"})
        answer = JsonResponse(data)
        answer["Access-Control-Allow-Origin"] = "*"
        return answer
