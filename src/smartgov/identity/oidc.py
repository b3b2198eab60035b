"""The OpenID Connect claims SmartGov gives relying parties, each behind its scope, and the security events of
token misuse (a refused client, code, access token or refresh token; a refresh token replayed)."""

import hashlib
from typing import Any

from oauth2_provider.models import get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.services.security import security_event_record
from smartgov.platform.net import meta_client_address


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

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        ok = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))
        if not ok:
            _token_misuse(request, "invalid_authorization_code")
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
