"""The OpenID Connect claims SmartGov gives relying parties, each behind its scope."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from smartgov.identity.models import User


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
            "email_verified": False,
            "phone_number": user.phone,
            "phone_number_verified": False,
        }
        if user.personal_id:
            claims["vn_personal_id"] = user.personal_id
        if user.tax_code:
            claims["vn_tax_code"] = user.tax_code
        return {key: value for key, value in claims.items() if value not in ("", None)}
