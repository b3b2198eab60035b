"""Identity's access rules: sign-in, the person's account, the data stewards' queue, the OpenID Connect provider."""

from smartgov.identity.authz import Role
from smartgov.platform.access import Access

#: The access rule of every URL name this app registers.
URLS: dict[str, Access] = {
    "identity:login": Access.open(repeatable="signing in twice leaves the browser signed in once"),
    "identity:logout": Access.open(repeatable="signing out twice ends the same session"),
    "identity:register": Access.open(),
    "identity:password-forgotten": Access.open(),
    "identity:password-reset-sent": Access.open(),
    "identity:password-reset-confirm": Access.open(),
    "identity:email-verify": Access.open(),
    "identity:upstream-start": Access.open(),
    "identity:upstream-callback": Access.open(),
    "identity:mfa-verify": Access.signed_in(),
    "identity:mfa-setup": Access.signed_in(),
    "identity:home": Access.signed_in(),
    "identity:profile": Access.signed_in(),
    "identity:email-verify-start": Access.signed_in(),
    "identity:phone-verify": Access.signed_in(),
    "identity:security": Access.signed_in(),
    "identity:password-change": Access.signed_in(),
    "identity:recovery-codes": Access.signed_in(),
    "identity:mfa-disable": Access.signed_in(),
    "identity:sessions": Access.signed_in(),
    "identity:consents": Access.signed_in(),
    "identity:my-data": Access.signed_in(),
    "identity:my-data-download": Access.signed_in(),
    "identity:data-request-cancel": Access.signed_in(),
    "identity:data-requests": Access.staff(Role.DATA_STEWARD),
    "identity:data-request": Access.staff(Role.DATA_STEWARD),
    "oauth2_provider:authorize": Access.signs_in(  # prompt=none: login_required, not the sign-in page
        repeatable="each answer is a new one-time code for the client, which uses the one it receives"
    ),
    "oauth2_provider:token": Access.client(),
    "oauth2_provider:revoke-token": Access.client(),
    "oauth2_provider:introspect": Access.bearer(),
    "oauth2_provider:user-info": Access.bearer(),
    "oauth2_provider:oidc-connect-discovery-info": Access.open(),
    "oauth2_provider:jwks-info": Access.open(),
    "oauth2_provider:rp-initiated-logout": Access.open(repeatable="signing out twice ends the same session"),
}
