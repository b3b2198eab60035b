"""The OpenID Connect provider's rules: the claims SmartGov gives relying parties, each behind its scope; how the
person signed in (``acr``, ``amr``); which clients may be registered (code flow with PKCE, RS256, https redirect
URIs or a loopback address); and the security events of token misuse (a refused client, code, access token or
refresh token; a refresh token replayed)."""

import hashlib
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractApplication, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from smartgov.identity.domain.mfa import authentication_context, second_factor_required
from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.services.security import security_event_record
from smartgov.platform.net import meta_client_address

#: ID tokens are signed with the provider's RSA key only: an HS256 client would need its secret stored in clear.
SIGNING_ALGORITHM = AbstractApplication.RS256_ALGORITHM
#: The grants a client may be registered for: a person's sign-in (code with PKCE), or a system's own token.
GRANT_TYPES = (AbstractApplication.GRANT_AUTHORIZATION_CODE, AbstractApplication.GRANT_CLIENT_CREDENTIALS)
#: Where a grant keeps how the person signed in, until the token endpoint writes it into the ID token.
AUTHENTICATION_CLAIM = "smartgov_authentication"
#: RFC 8252 §7.3: native apps receive the answer on a loopback address, on any port (§8.3: "localhost" works the
#: same way; django-oauth-toolkit's ALLOW_LOCALHOST_LOOPBACK lets its port vary too).
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def redirect_uri_refusal(uri: str) -> str | None:
    """Why ``uri`` may not be a redirect URI, or None: https with a host, or http on a loopback address for an app
    on the person's device (RFC 8252 §7.3). The same everywhere, DEBUG or not."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:  # an unbalanced IPv6 bracket, a bad port
        parts, host = None, None
    secure = parts is not None and (parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK_HOSTS))
    if secure and host and parts is not None and not parts.fragment:
        return None
    return _(
        "A redirect URI must use https, or http on a loopback address (http://127.0.0.1:port/… or "
        "http://[::1]:port/…) for an app on the person's device: %(uri)s"
    ) % {"uri": uri[:200]}


def client_problems(application: Any) -> dict[str, list[str]]:
    """What stops ``application`` from being registered, by field (empty when it may be): a grant other than the
    code flow or client credentials, an ID-token algorithm other than RS256 for a person's sign-in, HS256 at all,
    a redirect URI that is not https or loopback."""
    problems: dict[str, list[str]] = defaultdict(list)
    grant = application.authorization_grant_type
    if grant not in GRANT_TYPES:
        problems["authorization_grant_type"].append(
            _("SmartGov issues tokens through the authorization code flow with PKCE, or client credentials only.")
        )
    if application.algorithm == AbstractApplication.HS256_ALGORITHM or (
        grant == AbstractApplication.GRANT_AUTHORIZATION_CODE and application.algorithm != SIGNING_ALGORITHM
    ):
        problems["algorithm"].append(_("ID tokens are signed with RS256 only: choose RSA with SHA-2 256."))
    for field in ("redirect_uris", "post_logout_redirect_uris"):
        for uri in getattr(application, field, "").split():
            if refusal := redirect_uri_refusal(uri):
                problems[field].append(refusal)
    return dict(problems)


def _token_misuse(request: Any, reason: str, severity: str = SecurityEvent.Severity.WARNING, **details: Any) -> None:
    """One TOKEN_MISUSE event; ``request`` is oauthlib's (its headers are a copy of Django's META)."""
    headers = getattr(request, "headers", None) or {}
    client = getattr(request, "client", None)
    user = getattr(request, "user", None)
    security_event_record(
        kind=SecurityEvent.Kind.TOKEN_MISUSE,
        severity=severity,
        user=user if isinstance(user, User) else None,
        details={
            "reason": reason,
            "client_id": getattr(client, "client_id", None) or getattr(request, "client_id", None),
            **details,
        },
        ip_address=meta_client_address(headers),
        user_agent=headers.get("HTTP_USER_AGENT", ""),
    )


class SmartGovOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "account_type": "profile",
        "phone_number": "phone",
        "phone_number_verified": "phone",
        "vn_personal_id": "vn_personal_id",
        "vn_tax_code": "vn_personal_id",
    }

    # --- what may be asked for: the code flow, RS256 ID tokens, registered https or loopback redirect URIs -------
    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: Any, *a: Any, **kw: Any
    ) -> bool:
        return response_type == "code" and bool(
            super().validate_response_type(client_id, response_type, client, request, *a, **kw)
        )

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *a: Any, **kw: Any
    ) -> bool:
        allowed = client.authorization_grant_type in GRANT_TYPES
        return allowed and bool(super().validate_grant_type(client_id, grant_type, client, request, *a, **kw))

    def validate_scopes(self, client_id: str, scopes: Any, client: Any, request: Any, *a: Any, **kw: Any) -> bool:
        """A client that cannot receive an RS256 ID token may not ask for ``openid`` (invalid_scope, not a 500)."""
        if "openid" in scopes and client.algorithm != SIGNING_ALGORITHM:
            return False
        return bool(super().validate_scopes(client_id, scopes, client, request, *a, **kw))

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any, *a: Any, **kw: Any) -> bool:
        """Registered, and https or loopback: a client registered before the rule cannot use an http address."""
        if redirect_uri_refusal(redirect_uri) is not None:
            return False
        return bool(super().validate_redirect_uri(client_id, redirect_uri, request, *a, **kw))

    # --- prompt=none: the authorization view answers login_required or consent_required itself --------------------
    def validate_silent_login(self, request: Any) -> bool:
        return True  # the view refuses a visitor, and staff without the second factor, before oauthlib is asked

    def validate_silent_authorization(self, request: Any) -> bool:
        return True  # the view answers consent_required when the person has not consented before

    # --- how the person signed in: kept with the code, written into the ID token --------------------------------
    def save_authorization_code(self, client_id: str, code: Any, request: Any, *a: Any, **kw: Any) -> None:
        """Staff get a code only from a session that passed the second factor; the code keeps the session's
        ``acr`` and ``amr`` (an RP's own ``claims`` parameter cannot set them)."""
        user = request.user
        verified = bool(getattr(user, "is_verified", lambda: False)())
        if second_factor_required(user) and not verified:
            _token_misuse(request, "staff_without_second_factor", SecurityEvent.Severity.HIGH)
            raise errors.AccessDeniedError(description="Staff sign in with their second factor first.", request=request)
        context = getattr(request, AUTHENTICATION_CLAIM, None) or authentication_context(
            None, second_factor_passed=verified
        )
        claims = request.claims if isinstance(request.claims, dict) else {}
        request.claims = {**claims, AUTHENTICATION_CLAIM: context}
        super().save_authorization_code(client_id, code, request, *a, **kw)

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))
        if not ok:
            _token_misuse(request, "invalid_authorization_code")
        elif "openid" in (request.scopes or []) and client.algorithm != SIGNING_ALGORITHM:
            _token_misuse(request, "client_cannot_sign_id_tokens")  # registered before the rule: refused, not a 500
            return False
        return ok

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> tuple[dict[str, Any], Any]:
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        context = (request.claims or {}).get(AUTHENTICATION_CLAIM) if isinstance(request.claims, dict) else None
        if isinstance(context, dict):
            claims.update({key: context[key] for key in ("acr", "amr") if key in context})
        return claims, expires

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user: User = request.user
        claims: dict[str, Any] = {
            "name": user.full_name or user.get_username(),
            "preferred_username": user.get_username(),
            "account_type": user.kind,
            "email": user.email,
            "email_verified": bool(user.email and user.email_verified_at),
            "phone_number": user.phone,
            "phone_number_verified": bool(user.phone and user.phone_verified_at),
        }
        if user.personal_id:
            claims["vn_personal_id"] = user.personal_id
        if user.tax_code:
            claims["vn_tax_code"] = user.tax_code
        return {key: value for key, value in claims.items() if value not in ("", None)}

    # --- token misuse: every refusal below is written as a security event (never the token itself) ---------
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().authenticate_client(request, *args, **kwargs))
        if not ok:
            _token_misuse(request, "client_authentication_failed")
        return ok

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any, *a: Any, **kw: Any
    ) -> bool:
        ok = bool(super().confirm_redirect_uri(client_id, code, redirect_uri, client, *a, **kw))
        if not ok:
            _token_misuse(kw.get("request") or (a[0] if a else None), "redirect_uri_mismatch")
        return ok

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        ok = bool(super().validate_bearer_token(token, scopes, request))
        if not ok and token:
            known = self._load_access_token(token)
            reason = "expired_access_token" if known is not None and known.is_expired() else "invalid_access_token"
            severity = (
                SecurityEvent.Severity.INFO if reason == "expired_access_token" else SecurityEvent.Severity.WARNING
            )
            _token_misuse(request, reason, severity)
        return ok

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().validate_refresh_token(refresh_token, client, request, *args, **kwargs))
        if not ok:
            checksum = hashlib.sha256(refresh_token.encode()).hexdigest()
            replayed = get_refresh_token_model().objects.filter(token_checksum=checksum, revoked__isnull=False).exists()
            if replayed:  # a stolen refresh token, or a broken client: the whole token family was revoked
                _token_misuse(request, "refresh_token_replayed", SecurityEvent.Severity.HIGH)
            else:
                _token_misuse(request, "invalid_refresh_token")
        return ok
