"""Sign-in through an upstream national identity provider, tested against a second SmartGov instance (its own
process, database and signing key) acting as VNeID: the real protocol on both sides, over HTTP."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from smartgov.identity.models import FederatedIdentity, SecurityEvent

pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).parent
SECRET = "upstream-client-secret-for-tests"
UPSTREAM_PEOPLE = {  # personal ID: (full name, password) at the upstream provider
    "031195001234": ("Nguyễn Thị Mai", "Mat-khau-VNeID-2026"),
    "001088004321": ("Trần Văn Hùng", "Mat-khau-VNeID-2026"),
}
SETUP = """
from django.utils import timezone
from oauth2_provider.models import get_application_model
from smartgov.identity.models import User
for pid, (name, password) in {people!r}.items():
    User.objects.create_user(username=pid, password=password, personal_id=pid, full_name=name, kind="citizen",
                             email=pid + "@vneid.example.vn", email_verified_at=timezone.now())
get_application_model().objects.create(
    name="SmartGov Hải Phòng", client_id="smartgov-haiphong", client_secret={secret!r}, client_type="confidential",
    authorization_grant_type="authorization-code", redirect_uris={redirect!r}, algorithm="RS256",
    skip_authorization=False)
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def upstream(live_server, tmp_path_factory) -> Iterator[str]:
    """A second SmartGov on its own SQLite database, on another host name than the instance under test, so that
    their cookies stay apart as two sites' cookies do in a browser (cookies ignore ports)."""
    workdir = tmp_path_factory.mktemp("upstream")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "MQTT_URL")}
    env.update(SMARTGOV_VAR_DIR=str(workdir), DEBUG="1", DJANGO_SETTINGS_MODULE="smartgov.settings")
    smartgov = str(BIN / "smartgov")
    subprocess.run([smartgov, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    redirect = f"{live_server.url}/dang-nhap/lien-ket/vneid/ve/"
    script = SETUP.format(people=UPSTREAM_PEOPLE, secret=SECRET, redirect=redirect)
    subprocess.run([smartgov, "shell", "-c", script], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [smartgov, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    other_host = "127.0.0.1" if urlsplit(live_server.url).hostname != "127.0.0.1" else "localhost"
    base = f"http://{other_host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz/live", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the upstream SmartGov did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def vneid(settings, upstream):
    settings.SMARTGOV_UPSTREAM_OIDC = [
        {
            "name": "vneid",
            "label": "VNeID",
            "issuer": f"{upstream}/o",
            "client_id": "smartgov-haiphong",
            "client_secret": SECRET,
            "scope": "openid profile email vn_personal_id",
        }
    ]
    return upstream


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _sign_in_with_vneid(base: str, upstream: str, personal_id: str, *, allow: bool = True) -> requests.Session:
    """A person's browser: SmartGov → VNeID's sign-in page and consent screen → back to SmartGov."""
    browser = requests.Session()
    login_page = browser.get(f"{base}/dang-nhap/", timeout=10)
    assert "Đăng nhập bằng VNeID" in login_page.text
    start = browser.get(f"{base}/dang-nhap/lien-ket/vneid/?next=/tai-khoan/", allow_redirects=False, timeout=10)
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{upstream}/o/authorize/")
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]

    sign_in = browser.get(authorize, timeout=10)  # not signed in at VNeID: its sign-in page
    assert "/dang-nhap/" in sign_in.url
    consent = browser.post(
        sign_in.url,
        data={
            "csrfmiddlewaretoken": _csrf(sign_in.text),
            "username": personal_id,
            "password": UPSTREAM_PEOPLE[personal_id][1],
            "next": parse_qs(urlsplit(sign_in.url).query)["next"][0],
        },
        headers={"Referer": sign_in.url},
        timeout=10,
    )
    assert "SmartGov Hải Phòng" in consent.text  # VNeID's consent screen names the client
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
    if allow:
        fields["allow"] = "Authorize"
    back = browser.post(consent.url, data=fields, headers={"Referer": consent.url}, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{base}/dang-nhap/lien-ket/vneid/ve/")
    browser.get(back.headers["Location"], timeout=30)  # SmartGov swaps the code, checks the ID token, signs in
    return browser


def test_first_sign_in_creates_the_account_then_follows_the_link(live_server, vneid):
    browser = _sign_in_with_vneid(live_server.url, vneid, "031195001234")
    profile = browser.get(f"{live_server.url}/tai-khoan/", allow_redirects=False, timeout=10)
    assert profile.status_code == 200, "not signed in after coming back from VNeID"
    assert "Nguyễn Thị Mai" in profile.text
    user = get_user_model().objects.get(personal_id="031195001234")
    assert user.kind == "citizen" and not user.has_usable_password()
    assert user.email == "031195001234@vneid.example.vn" and user.email_verified_at is not None
    link = FederatedIdentity.objects.get(user=user)
    assert link.provider == "vneid" and link.subject  # the upstream's "sub", not the personal ID
    assert SecurityEvent.objects.filter(kind="federated_login", user=user).count() == 1

    again = _sign_in_with_vneid(live_server.url, vneid, "031195001234")
    assert again.get(f"{live_server.url}/tai-khoan/", allow_redirects=False, timeout=10).status_code == 200
    assert get_user_model().objects.filter(personal_id="031195001234").count() == 1
    assert FederatedIdentity.objects.count() == 1
    assert SecurityEvent.objects.filter(kind="federated_login", user=user).count() == 2


def test_an_existing_account_is_linked_by_personal_id(live_server, vneid):
    existing = get_user_model().objects.create_user(
        username="001088004321", password="Mat-khau-rieng-2026", personal_id="001088004321", kind="citizen"
    )
    browser = _sign_in_with_vneid(live_server.url, vneid, "001088004321")
    assert browser.get(f"{live_server.url}/tai-khoan/", allow_redirects=False, timeout=10).status_code == 200
    assert FederatedIdentity.objects.get(provider="vneid").user == existing
    existing.refresh_from_db()
    assert existing.check_password("Mat-khau-rieng-2026")  # the account keeps its own password too


def test_a_refusal_or_a_forged_answer_signs_nobody_in(live_server, vneid):
    refused = _sign_in_with_vneid(live_server.url, vneid, "031195001234", allow=False)
    assert refused.get(f"{live_server.url}/tai-khoan/", allow_redirects=False, timeout=10).status_code == 302

    forged = requests.Session()
    forged.get(f"{live_server.url}/dang-nhap/lien-ket/vneid/", allow_redirects=False, timeout=10)
    answer = forged.get(f"{live_server.url}/dang-nhap/lien-ket/vneid/ve/?code=made-up&state=not-the-state", timeout=10)
    assert answer.url.endswith("/dang-nhap/") and "không thành công" in answer.text
    assert forged.get(f"{live_server.url}/tai-khoan/", allow_redirects=False, timeout=10).status_code == 302
    assert not get_user_model().objects.filter(personal_id="031195001234").exists()
    assert SecurityEvent.objects.filter(kind="login_failed", details__provider="vneid").exists()
    assert requests.get(f"{live_server.url}/dang-nhap/lien-ket/khong-co/", timeout=10).status_code == 404


def test_an_unreachable_provider_is_explained_not_a_crash(client, settings):
    settings.SMARTGOV_UPSTREAM_OIDC = [
        {"name": "vneid", "label": "VNeID", "issuer": "http://127.0.0.1:9/o", "client_id": "x", "client_secret": "y"}
    ]
    answer = client.get("/dang-nhap/lien-ket/vneid/", follow=True)
    assert answer.status_code == 200
    assert "Hiện không kết nối được tới VNeID" in answer.content.decode()
