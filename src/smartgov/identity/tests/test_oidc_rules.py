"""What the OpenID Connect provider accepts (issue 13, findings 3 and 4): the code flow with PKCE S256 only (no
password or implicit grant, no `plain`), staff only after the second factor with `acr`/`amr` in the ID token,
`prompt=none` answered to the client, no client that cannot sign RS256 ID tokens, https or loopback redirect URIs
only (production included), a discovery document that says only what works, and a consent screen that lists the
API's scopes."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model

from smartgov.identity.admin import ApplicationForm
from smartgov.identity.domain.mfa import ACR_ONE_FACTOR, ACR_TWO_FACTORS

pytestmark = pytest.mark.django_db
REDIRECT = "https://dichvu.example.vn/callback"
SECRET = "a-long-client-secret-for-the-rules-tests"
VERIFIER = "v" * 64
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def _client(**fields):
    values = {
        "name": "Cổng dịch vụ thử nghiệm", "client_id": "portal-rules", "client_secret": SECRET,
        "client_type": "confidential", "authorization_grant_type": "authorization-code", "redirect_uris": REDIRECT,
        "algorithm": "RS256", **fields,
    }  # fmt: skip
    return get_application_model().objects.create(**values)


def _authorize(client_id: str = "portal-rules", **extra: str) -> str:
    query = {
        "client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid",
        "state": "st-42", "nonce": "n-42", "code_challenge": CHALLENGE, "code_challenge_method": "S256", **extra,
    }  # fmt: skip
    return f"/o/authorize/?{urlencode(query)}"


def _back(answer) -> dict[str, list[str]]:
    """The parameters of the answer sent back to the client's redirect URI, but ``iss``: every answer, a code or an
    error, names the provider exactly once (RFC 9207)."""
    assert answer.status_code == 302, answer.content[:300]
    location = answer["Location"]
    assert location.startswith(REDIRECT), location
    answered = parse_qs(urlsplit(location).query)
    issuer = Client().get("/o/.well-known/openid-configuration").json()["issuer"]
    assert answered.pop("iss") == [issuer], location
    return answered


def _signed_in(user, password: str, totp=None) -> Client:
    browser = Client()
    done = browser.post("/dang-nhap/", {"username": user.username, "password": password})
    assert done.status_code == 302
    if totp is not None:
        assert browser.post("/xac-thuc/", {"token": totp(user)}).status_code == 302
    return browser


def _token(code: str, client_id: str = "portal-rules"):
    basic = base64.b64encode(f"{client_id}:{SECRET}".encode()).decode()
    return Client().post(
        "/o/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def _claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _consent(browser: Client, url: str):
    page = browser.get(url)
    assert page.status_code == 200, page.content[:300]
    form = page.context["form"]
    return browser.post(url, {**{k: v for k, v in form.initial.items() if v is not None}, "allow": "Authorize"})


# --- staff only after the second factor; acr and amr --------------------------------------------------------------
def test_staff_without_the_second_factor_get_no_code(staff_account, password):
    _client(skip_authorization=True)
    half = _signed_in(staff_account, password)  # the password step only
    answer = half.get(_authorize())
    assert answer.status_code == 302 and answer["Location"].startswith("/xac-thuc/")
    assert _back(half.get(_authorize(prompt="none"))) == {"error": ["login_required"], "state": ["st-42"]}
    assert not get_grant_model().objects.exists()


def test_the_id_token_says_how_the_person_signed_in(staff_account, citizen_account, password, totp_code):
    _client(skip_authorization=True)
    staff = _signed_in(staff_account, password, totp_code)
    tokens = _token(_back(staff.get(_authorize()))["code"][0]).json()
    claims = _claims(tokens["id_token"])
    assert claims["acr"] == ACR_TWO_FACTORS and claims["amr"] == ["pwd", "otp", "mfa"]

    citizen = _signed_in(citizen_account, password)
    claims = _claims(_token(_back(citizen.get(_authorize()))["code"][0]).json()["id_token"])
    assert claims["acr"] == ACR_ONE_FACTOR and claims["amr"] == ["pwd"]


def test_a_relying_party_cannot_claim_the_authentication_context(citizen_account, password):
    _client(skip_authorization=True)
    forged = json.dumps({"smartgov_authentication": {"acr": ACR_TWO_FACTORS, "amr": ["hwk"]}})
    citizen = _signed_in(citizen_account, password)
    code = _back(citizen.get(_authorize(claims=forged)))["code"][0]
    claims = _claims(_token(code).json()["id_token"])
    assert claims["acr"] == ACR_ONE_FACTOR and claims["amr"] == ["pwd"]


# --- prompt=none ---------------------------------------------------------------------------------------------------
def test_prompt_none_answers_login_required_to_a_visitor(citizen_account):
    _client()
    assert _back(Client().get(_authorize(prompt="none"))) == {"error": ["login_required"], "state": ["st-42"]}


def test_prompt_none_answers_consent_required_then_a_code_once_consented(citizen_account, password):
    _client()
    citizen = _signed_in(citizen_account, password)
    assert _back(citizen.get(_authorize(prompt="none"))) == {"error": ["consent_required"], "state": ["st-42"]}
    first = _back(_consent(citizen, _authorize()))
    assert _token(first["code"][0]).status_code == 200  # a live token: the person consented to openid
    silent = _back(citizen.get(_authorize(prompt="none")))
    assert set(silent) == {"code", "state"} and silent["state"] == ["st-42"]
    assert _back(citizen.get(_authorize(prompt="none", scope="openid dossiers.read")))["error"] == ["consent_required"]


def test_prompt_none_with_an_unregistered_redirect_uri_is_not_redirected(citizen_account):
    _client()
    answer = Client().get(_authorize(prompt="none", redirect_uri="https://evil.example.com/cb"))
    assert answer.status_code == 400 and "evil.example.com" not in answer.get("Location", "")


# --- the consent screen lists the API's scopes -------------------------------------------------------------------
def test_the_consent_screen_lists_the_scopes_asked_for(citizen_account, password):
    _client()
    page = _signed_in(citizen_account, password).get(_authorize(scope="openid dossiers.read dossiers.write"))
    text = page.content.decode()
    assert page.templates[0].name == "identity/oidc_authorize.html"
    assert "Đọc hồ sơ của bạn" in text and "Tạo, điền, nộp" in text
    assert "kho giấy tờ" not in text  # documents.read was not asked for


# --- grants: code with PKCE S256 only ------------------------------------------------------------------------------
def test_password_and_implicit_grants_and_plain_pkce_are_refused(citizen_account, password):
    _client(skip_authorization=True)
    basic = base64.b64encode(f"portal-rules:{SECRET}".encode()).decode()
    by_password = Client().post(
        "/o/token/", {"grant_type": "password", "username": citizen_account.username, "password": password},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )  # fmt: skip
    assert by_password.status_code in (400, 401) and "access_token" not in by_password.json()
    citizen = _signed_in(citizen_account, password)
    for response_type in ("token", "id_token token", "code id_token"):
        answer = citizen.get(_authorize(response_type=response_type))
        assert answer.status_code in (302, 400) and "access_token" not in answer.get("Location", "")
        if answer.status_code == 302:
            assert "error=" in answer["Location"]
    plain = citizen.get(_authorize(code_challenge=VERIFIER, code_challenge_method="plain"))
    assert _back(plain)["error"] == ["invalid_request"]
    assert not get_grant_model().objects.exists() and not get_access_token_model().objects.exists()
    no_pkce = citizen.get(_authorize(code_challenge="", code_challenge_method=""))
    assert _back(no_pkce)["error"] == ["invalid_request"]


# --- clients that cannot sign RS256 ID tokens -----------------------------------------------------------------------
def _form(**fields) -> ApplicationForm:
    data = {
        "client_id": "new-client", "client_secret": SECRET, "hash_client_secret": True, "name": "Hệ thống mới",
        "client_type": "confidential", "authorization_grant_type": "authorization-code", "redirect_uris": REDIRECT,
        "post_logout_redirect_uris": "", "allowed_origins": "", "algorithm": "RS256", **fields,
    }  # fmt: skip
    return ApplicationForm(data=data)


def test_registration_refuses_hs256_no_algorithm_and_unsafe_grants():
    assert _form().is_valid(), _form().errors
    assert "algorithm" in _form(algorithm="HS256", hash_client_secret=False).errors
    assert "algorithm" in _form(algorithm="").errors
    for grant in ("password", "implicit", "openid-hybrid"):
        assert "authorization_grant_type" in _form(authorization_grant_type=grant).errors, grant
    assert _form(authorization_grant_type="client-credentials", algorithm="", redirect_uris="").is_valid()


@pytest.mark.parametrize("algorithm", ["HS256", ""])
def test_a_client_registered_before_the_rule_gets_clean_errors_not_500(algorithm, citizen_account, password):
    _client(skip_authorization=True, algorithm=algorithm, hash_client_secret=False)
    citizen = _signed_in(citizen_account, password)
    assert _back(citizen.get(_authorize()))["error"] == ["invalid_scope"]
    grant = get_grant_model().objects.create(
        application=get_application_model().objects.get(client_id="portal-rules"), user=citizen_account,
        code="old-code", redirect_uri=REDIRECT, scope="openid", code_challenge=CHALLENGE, code_challenge_method="S256",
        expires="2999-01-01T00:00:00Z",
    )  # fmt: skip
    answer = _token(grant.code)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


# --- redirect URIs: https, or http on a loopback address --------------------------------------------------------------
def test_redirect_uris_are_https_or_loopback():
    for uri in ("http://dichvu.example.vn/cb", "http://127.0.0.2/cb", "ftp://x.vn/cb", "javascript:alert(1)",
                "https://dichvu.example.vn/cb#frag"):  # fmt: skip
        assert "redirect_uris" in _form(redirect_uris=uri).errors, uri
    for uri in ("https://dichvu.example.vn/cb", "http://127.0.0.1:51004/cb", "http://[::1]:8080/cb",
                "http://localhost:8080/cb"):  # fmt: skip
        assert _form(redirect_uris=uri).is_valid(), uri
    assert "post_logout_redirect_uris" in _form(post_logout_redirect_uris="http://dichvu.example.vn/out").errors


def test_a_registered_http_redirect_uri_is_not_used_but_loopback_is_on_any_port(citizen_account, password):
    _client(skip_authorization=True, redirect_uris="http://dichvu.example.vn/cb http://127.0.0.1/cb")
    citizen = _signed_in(citizen_account, password)
    refused = citizen.get(_authorize(redirect_uri="http://dichvu.example.vn/cb"))
    assert refused.status_code == 400 and "dichvu.example.vn" not in refused.get("Location", "")
    native = citizen.get(_authorize(redirect_uri="http://127.0.0.1:51004/cb"))
    assert native.status_code == 302 and native["Location"].startswith("http://127.0.0.1:51004/cb?code=")


def test_production_refuses_http_redirect_uris_and_allows_loopback():
    """The production settings (DEBUG off after the base settings were applied) judge the same way."""
    code = """
import django
django.setup()
from django.core.exceptions import ValidationError
from oauth2_provider.models import get_application_model
from smartgov.identity.oidc import client_problems, redirect_uri_refusal
def ok(uri):
    client = get_application_model()(client_id="c", client_type="confidential", redirect_uris=uri,
                                     authorization_grant_type="authorization-code", algorithm="RS256")
    try:
        client.clean()
    except ValidationError:
        return False
    return not client_problems(client) and redirect_uri_refusal(uri) is None
print(ok("http://dichvu.example.vn/cb"), ok("http://127.0.0.1:8080/cb"), ok("https://dichvu.example.vn/cb"))
"""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    folder = tempfile.mkdtemp()
    env.update({
        "DJANGO_SETTINGS_MODULE": "smartgov.settings.production", "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "dichvucong.haiphong.gov.vn", "OIDC_RSA_PRIVATE_KEY_FILE": os.path.join(folder, "oidc.pem"),
        "SMARTGOV_AUDIT_KEY": "a2V5IG9mIHRoZSBhdWRpdCBjaGFpbnMgZm9yIHRlc3RzIQ==",
        "SMARTGOV_AUDIT_SIGNING_KEY": "c2lnbmluZyBrZXkgb2YgY2hlY2twb2ludHMgKHRlc3Qp",
        "SMARTGOV_AUDIT_CHECKPOINT_DIR": folder, "SMARTGOV_METRICS_TOKEN": "m" * 40,
        "SMARTGOV_VAR_DIR": folder, "SMARTGOV_SIGNING_PASSPHRASE": "p" * 40,
    })  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "True", "True"]


# --- discovery says only what works --------------------------------------------------------------------------------
def test_discovery_advertises_only_what_the_provider_accepts():
    config = Client().get("/o/.well-known/openid-configuration").json()
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["response_types_supported"] == ["code"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert set(config["grant_types_supported"]) == {"authorization_code", "refresh_token", "client_credentials"}
    assert {"dossiers.read", "dossiers.write", "documents.read", "queue.read", "dossiers.process"} <= set(
        config["scopes_supported"]
    )
    assert "none" in config["prompt_values_supported"]
    assert {"acr", "amr"} <= set(config["claims_supported"])


# --- the system check that replaces django-oauth-toolkit's E003 ------------------------------------------------------
def test_http_redirect_uris_need_the_validator_that_limits_them_to_loopback(settings):
    from smartgov.identity.checks import http_redirect_uris_only_on_loopback

    assert "oauth2_provider.E003" in settings.SILENCED_SYSTEM_CHECKS
    assert http_redirect_uris_only_on_loopback() == []
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OAUTH2_VALIDATOR_CLASS": "oauth2_provider.oauth2_validators.OAuth2Validator",
    }
    assert [m.id for m in http_redirect_uris_only_on_loopback()] == ["identity.E001"]
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}
    assert http_redirect_uris_only_on_loopback() == []
