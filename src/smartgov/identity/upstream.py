"""The upstream OpenID Connect providers people may sign in with (VNeID, the National Public Service Portal) and
Authlib's client for each (discovery, authorization code with PKCE, ID-token signature checked against the
provider's JWKS, nonce and state), calling out through the platform's outbound client (its session class mounts
the outbound adapter). Which account the person is, is decided by ``services.federation``."""

import json
from dataclasses import dataclass
from functools import cache

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.utils.translation import gettext as _

from smartgov.platform.errors import NotFound
from smartgov.platform.outbound.adapter import OutboundSessionMixin


@dataclass(frozen=True)
class UpstreamProvider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = "openid profile vn_personal_id"
    personal_id_claim: str = "vn_personal_id"
    name_claim: str = "name"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def upstream_providers() -> list[UpstreamProvider]:
    """The providers configured in ``SMARTGOV_UPSTREAM_OIDC``, in order."""
    return [UpstreamProvider(**entry) for entry in settings.SMARTGOV_UPSTREAM_OIDC]


def upstream_provider(name: str) -> UpstreamProvider:
    for provider in upstream_providers():
        if provider.name == name:
            return provider
    raise NotFound(_("This sign-in method is not available."))


class _Session(OutboundSessionMixin, OAuth2Session):
    """Authlib's session, calling out through the platform's outbound client (discovery, keys, token, userinfo)."""


class _App(DjangoOAuth2App):
    client_cls = _Session


class _OAuth(OAuth):
    oauth2_client_cls = _App


@cache
def _client(config: str) -> DjangoOAuth2App:
    provider = UpstreamProvider(**json.loads(config))
    registry = _OAuth()
    registry.register(
        provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": provider.scope, "code_challenge_method": "S256", "timeout": 10},
    )
    client: DjangoOAuth2App = registry.create_client(provider.name)
    return client


def upstream_client(provider: UpstreamProvider) -> DjangoOAuth2App:
    """Authlib's client for the provider (it caches the discovery document and the keys)."""
    return _client(json.dumps(provider.__dict__, sort_keys=True))
