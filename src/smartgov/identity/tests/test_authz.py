"""The authorisation API: principals with a token's scopes, policies registered beside the services, the API's
authentication building the principal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from smartgov.identity import authz

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(django_user_model):
    return django_user_model.objects.create_user(username="lan", password="x-Mat-khau-dai-2026", kind="staff")


@authz.policy("tests.note.read", scope="notes")
def _note_read(principal, note):
    return note["owner"] == principal.user.pk


def test_a_policy_decides_per_resource(lan):
    assert authz.permitted(lan, "tests.note.read", {"owner": lan.pk})
    assert not authz.permitted(lan, "tests.note.read", {"owner": lan.pk + 1})
    with pytest.raises(PermissionDenied):
        authz.authorize(lan, "tests.note.read", {"owner": lan.pk + 1})


def test_a_token_without_the_policy_scope_is_refused_whatever_the_account_may_do(lan):
    with_scope = authz.Principal(lan, scopes=frozenset({"openid", "notes"}), client_id="app")
    without = authz.Principal(lan, scopes=frozenset({"openid"}), client_id="app")
    assert authz.permitted(with_scope, "tests.note.read", {"owner": lan.pk})
    assert not authz.permitted(without, "tests.note.read", {"owner": lan.pk})


def test_an_inactive_or_anonymous_principal_is_refused(lan):
    from django.contrib.auth.models import AnonymousUser

    assert not authz.permitted(AnonymousUser(), "tests.note.read", {"owner": None})
    lan.is_active = False
    assert not authz.permitted(lan, "tests.note.read", {"owner": lan.pk})


def test_an_unknown_action_is_an_error_not_a_permission(lan):
    with pytest.raises(LookupError):
        authz.permitted(lan, "tests.note.burn")


def test_one_action_cannot_have_two_policies():
    with pytest.raises(ValueError):
        authz.policy("tests.note.read")(lambda principal, resource: True)


def test_the_api_token_auth_gives_the_request_the_tokens_scopes_and_client(lan):
    application = get_application_model().objects.create(
        name="Ứng dụng", client_id="app-1", client_type="confidential", authorization_grant_type="authorization-code"
    )
    get_access_token_model().objects.create(
        user=lan, application=application, token="tok-123", scope="openid notes dossiers.read",
        expires=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    request = RequestFactory().get("/api/v1/procedures/dossiers")
    request.api_operation = "api:my_dossiers"  # what the API site names before the authentication runs
    assert authz.AccessTokenAuth().authenticate(request, "tok-123") == lan
    principal = authz.principal_of(request)
    assert principal.scopes == frozenset({"openid", "notes", "dossiers.read"}) and principal.client_id == "app-1"
    assert authz.AccessTokenAuth().authenticate(RequestFactory().get("/"), "tok-wrong") is None


def test_an_expired_token_opens_nothing(lan):
    get_access_token_model().objects.create(
        user=lan, token="tok-old", scope="openid", expires=timezone.now() - timedelta(seconds=1)
    )
    assert authz.AccessTokenAuth().authenticate(RequestFactory().get("/"), "tok-old") is None
