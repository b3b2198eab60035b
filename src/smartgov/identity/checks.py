"""System checks of the OpenID Connect provider (``smartgov check --deploy`` runs them).

django-oauth-toolkit's RFC 9700 check ``oauth2_provider.E003`` refuses any configuration that lists ``http`` among the
redirect URI schemes. RFC 9700 §2.1 itself allows ``http`` on a loopback address for an app on the person's device
(RFC 8252 §7.3), and that is SmartGov's rule: ``identity.oidc.redirect_uri_refusal``, applied by the client form and by
the validator at every authorization request. E003 is silenced (identity.conf) and this check takes its place: http
is allowed only while that validator is the one in use."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from smartgov.identity.oidc import SmartGovOAuth2Validator


@checks.register(checks.Tags.security, deploy=True)
def http_redirect_uris_only_on_loopback(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    provider = settings.OAUTH2_PROVIDER
    if "http" not in provider.get("ALLOWED_REDIRECT_URI_SCHEMES", ["https"]):
        return []
    validator = provider.get("OAUTH2_VALIDATOR_CLASS")
    validator_class = import_string(validator) if isinstance(validator, str) else validator
    if isinstance(validator_class, type) and issubclass(validator_class, SmartGovOAuth2Validator):
        return []
    return [
        checks.Error(
            "http redirect URIs are allowed, but the OAuth validator is not SmartGov's, which limits them to "
            "loopback addresses (RFC 9700 §2.1, RFC 8252 §7.3).",
            hint="Set OAUTH2_PROVIDER['OAUTH2_VALIDATOR_CLASS'] to a subclass of "
            "smartgov.identity.oidc.SmartGovOAuth2Validator, or remove 'http' from ALLOWED_REDIRECT_URI_SCHEMES.",
            id="identity.E001",
        )
    ]
