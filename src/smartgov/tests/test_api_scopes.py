"""Every API operation of every installed app declares the access-token scopes it needs, or is public (issue 13,
finding 3): an access token opens only the operations its scopes name, and an operation without a declared scope
is refused to every token (fail closed). The scopes are offered by the provider (consent screen, discovery) and
published in the OpenAPI document."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from oauth2_provider.settings import oauth2_settings

from smartgov.identity.authz import url_rules
from smartgov.platform.api.site import TOKEN_SCHEME, api

OIDC_SCOPES = {"openid", "profile", "email", "phone", "vn_personal_id"}


def test_every_operation_declares_its_scopes_or_is_public():
    rules = url_rules()
    offered = set(oauth2_settings.SCOPES) - OIDC_SCOPES
    problems = []
    operations = list(api.operations())
    assert len(operations) > 30  # every app's routers are walked
    for name, operation in operations:
        rule = rules.get(name)
        if rule is None:
            problems.append(f"{name}: no rule in its app's policies.URLS")
        elif not operation.auth_callbacks:
            if rule.kind != "open":
                problems.append(f"{name}: no authentication but its rule is {rule.kind}")
        elif not rule.is_api or not rule.scopes:
            problems.append(f"{name}: authenticated, but its rule declares no access-token scope")
        elif not rule.scopes <= offered:
            problems.append(f"{name}: needs {sorted(rule.scopes - offered)}, which the provider does not offer")
    assert problems == []


def test_the_openapi_document_publishes_each_operations_scopes():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    rules = url_rules()
    by_id = {api.get_openapi_operation_id(op): rules[name] for name, op in api.operations() if name in rules}
    seen = 0
    for methods in schema["paths"].values():
        for operation in methods.values():
            for requirement in operation.get("security", []):
                if TOKEN_SCHEME in requirement:
                    seen += 1
                    assert requirement[TOKEN_SCHEME] == sorted(by_id[operation["operationId"]].scopes)
                    assert requirement[TOKEN_SCHEME], operation["operationId"]
    assert seen >= 20
    assert "scopes" in schema["components"]["securitySchemes"][TOKEN_SCHEME]["description"]


@pytest.mark.django_db
def test_a_token_is_refused_where_no_operation_is_named(citizen_account):
    """The token check needs the operation: outside the API site's operations a token opens nothing."""
    from django.test import RequestFactory

    from smartgov.identity.authz import AccessTokenAuth
    from smartgov.platform.errors import Forbidden

    get_access_token_model().objects.create(
        user=citizen_account, token="tok-anywhere", scope=" ".join(oauth2_settings.SCOPES),
        expires=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    with pytest.raises(Forbidden):
        AccessTokenAuth().authenticate(RequestFactory().get("/api/v1/x"), "tok-anywhere")
    everything = Client(HTTP_AUTHORIZATION="Bearer tok-anywhere")
    assert everything.get("/api/v1/procedures/dossiers").status_code == 200
