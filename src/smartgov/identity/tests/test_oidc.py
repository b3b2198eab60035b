"""The OpenID Connect provider, driven by a real client library (Authlib) over HTTP against the live server."""

import hashlib
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.contrib.auth import get_user_model
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import get_application_model

from smartgov.identity.models import SecurityEvent

pytestmark = pytest.mark.django_db(transaction=True)
REDIRECT = "https://dichvu.example.vn/callback"
SECRET = "a-long-client-secret-for-tests"


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user(
        username="031195001234",
        password="Mat-khau-dai-2026",
        full_name="Nguyễn Thị Mai",
        personal_id="031195001234",
        email="mai@example.vn",
        kind="citizen",
    )


@pytest.fixture
def client_app(citizen):
    return get_application_model().objects.create(
        name="Cổng dịch vụ thử nghiệm",
        client_id="portal-test",
        client_secret=SECRET,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=REDIRECT,
        post_logout_redirect_uris=REDIRECT,
        algorithm="RS256",
        skip_authorization=False,
    )


def _browser_login(base: str) -> requests.Session:
    """A person's browser: signs in on the provider's own page."""
    browser = requests.Session()
    page = browser.get(f"{base}/dang-nhap/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found is not None
    csrf = found.group(1)
    done = browser.post(
        f"{base}/dang-nhap/",
        data={"csrfmiddlewaretoken": csrf, "username": "031195001234", "password": "Mat-khau-dai-2026"},
        headers={"Referer": f"{base}/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302, "sign-in failed"
    return browser


def _authorize(browser: requests.Session, url: str) -> requests.Response:
    """Open the authorization URL, accept the consent screen, return the redirect to the client."""
    consent = browser.get(url, allow_redirects=False, timeout=10)
    assert consent.status_code == 200, consent.text[:500]
    assert "Cổng dịch vụ thử nghiệm" in consent.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
    fields["allow"] = "Authorize"
    return browser.post(url, data=fields, headers={"Referer": url}, allow_redirects=False, timeout=10)


def _session(base: str, **kwargs) -> OAuth2Session:
    return OAuth2Session(
        "portal-test",
        SECRET,
        scope="openid profile email vn_personal_id",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint=f"{base}/o/token/",
        **kwargs,
    )


def _code_flow(base: str):
    client = _session(base)
    verifier = "v" * 64
    url, state = client.create_authorization_url(f"{base}/o/authorize/", code_verifier=verifier, nonce="n-0S6_WzA2Mj")
    answer = _authorize(_browser_login(base), url)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    return client, verifier, query["code"][0], location


def test_discovery_and_jwks(live_server):
    config = requests.get(f"{live_server.url}/o/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == f"{live_server.url}/o"
    assert "S256" in config["code_challenge_methods_supported"]
    keys = requests.get(config["jwks_uri"], timeout=10).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and "d" not in keys[0]  # public half only


def test_code_flow_with_pkce_id_token_userinfo_refresh_logout(live_server, client_app, citizen):
    base = live_server.url
    client, verifier, _code, location = _code_flow(base)
    token = client.fetch_token(f"{base}/o/token/", authorization_response=location, code_verifier=verifier)
    assert {"access_token", "refresh_token", "id_token"} <= set(token)

    config = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=10).json()
    keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])  # checks the signature
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": f"{base}/o"},
        aud={"essential": True, "value": "portal-test"},
        nonce={"essential": True, "value": "n-0S6_WzA2Mj"},
        exp={"essential": True},
    ).validate(id_token.claims)
    assert id_token.claims["exp"] > time.time()
    assert id_token.claims["sub"] == str(citizen.pk)
    tampered = token["id_token"][:-4] + ("AAAA" if not token["id_token"].endswith("AAAA") else "BBBB")
    with pytest.raises(Exception, match="signature"):
        jwt.decode(tampered, keys, algorithms=["RS256"])

    info = client.get(f"{base}/o/userinfo/", timeout=10).json()
    assert info["name"] == "Nguyễn Thị Mai"
    assert info["vn_personal_id"] == "031195001234"
    assert info["email"] == "mai@example.vn"
    assert "phone_number" not in info  # the phone scope was not asked for

    refreshed = client.refresh_token(f"{base}/o/token/", refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    reused = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("portal-test", SECRET),
        timeout=10,
    )
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    logout = requests.get(
        f"{base}/o/logout/",
        params={"id_token_hint": refreshed.get("id_token", token["id_token"]), "post_logout_redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=10,
    )
    assert logout.status_code == 302 and logout.headers["Location"].startswith(REDIRECT)


def test_reused_code_and_wrong_verifier_are_refused(live_server, client_app, citizen):
    base = live_server.url
    client, verifier, code, location = _code_flow(base)
    wrong = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": "x" * 64},
        auth=("portal-test", SECRET),
        timeout=10,
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    client, verifier, code, location = _code_flow(base)
    client.fetch_token(f"{base}/o/token/", authorization_response=location, code_verifier=verifier)
    again = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=("portal-test", SECRET),
        timeout=10,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_wrong_redirect_uri_is_refused_without_redirecting(live_server, client_app, citizen):
    base = live_server.url
    client = OAuth2Session(
        "portal-test", SECRET, scope="openid", redirect_uri="https://evil.example.com/cb", code_challenge_method="S256"
    )
    url, _state = client.create_authorization_url(f"{base}/o/authorize/", code_verifier="v" * 64)
    answer = _browser_login(base).get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "evil.example.com" not in answer.headers.get("Location", "")
    assert "invalid_request" in answer.text or "Mismatching redirect URI" in answer.text


def test_expired_access_token_is_refused(live_server, client_app, citizen):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model

    base = live_server.url
    client, verifier, _code, location = _code_flow(base)
    token = client.fetch_token(f"{base}/o/token/", authorization_response=location, code_verifier=verifier)
    stored = get_access_token_model().objects.get(
        token_checksum=hashlib.sha256(token["access_token"].encode()).hexdigest()
    )
    assert stored.token == ""  # kept only as its SHA-256 (RFC 9700 §4)
    stored.expires = timezone.now() - timedelta(seconds=1)
    stored.save(update_fields=["expires"])
    answer = requests.get(
        f"{base}/o/userinfo/", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10
    )
    assert answer.status_code == 401
    assert "invalid_token" in answer.headers.get("WWW-Authenticate", "")
    event = SecurityEvent.objects.get(kind="token_misuse", details__reason="expired_access_token")
    assert token["access_token"] not in json.dumps(event.details)


def _misuse(reason: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind="token_misuse", details__reason=reason))


def test_token_misuse_is_written_as_security_events(live_server, client_app, citizen):
    base = live_server.url
    client, verifier, code, location = _code_flow(base)
    token = client.fetch_token(f"{base}/o/token/", authorization_response=location, code_verifier=verifier)
    assert not SecurityEvent.objects.filter(kind="token_misuse").exists()  # the honest flow writes none

    bogus = requests.get(f"{base}/o/userinfo/", headers={"Authorization": "Bearer forged-token-123"}, timeout=10)
    assert bogus.status_code == 401
    [invalid] = _misuse("invalid_access_token")
    assert invalid.severity == "warning" and invalid.ip_address == "127.0.0.1"

    wrong_secret = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("portal-test", "not-the-secret"),
        timeout=10,
    )
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    assert _misuse("client_authentication_failed")

    again = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=("portal-test", SECRET),
        timeout=10,
    )
    assert again.status_code == 400
    [reused_code] = _misuse("invalid_authorization_code")
    assert reused_code.details["client_id"] == "portal-test"

    client.refresh_token(f"{base}/o/token/", refresh_token=token["refresh_token"])
    replay = requests.post(
        f"{base}/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("portal-test", SECRET),
        timeout=10,
    )
    assert replay.status_code == 400
    [replayed] = _misuse("refresh_token_replayed")
    assert replayed.severity == "high"
    logged = json.dumps([e.details for e in SecurityEvent.objects.all()])
    for secret in (token["access_token"], token["refresh_token"], code, SECRET, "forged-token-123"):
        assert secret not in logged
