"""Behind the shipped reverse proxy, each client keeps its own address (issue 13, finding 2).

Debian's nginx runs deploy/nginx.conf (only its ports and paths changed) in front of gunicorn running
deploy/gunicorn.conf.py with the production settings and deploy/smartgov.env.example (only its secrets, paths and
services changed). Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3), so nginx sees each
one's own address, as it sees the citizens' on the Internet. Without nginx the test is skipped, except with
SMARTGOV_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import datetime
import http.client
import ipaddress
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from smartgov.identity.models import SecurityEvent, UserSession

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
HOST = "dichvucong.haiphong.gov.vn"  # the server_name of deploy/nginx.conf and ALLOWED_HOSTS of the env example
PASSWORD = "Mat-khau-dai-2026"
CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.3"


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found:
        return found
    if os.environ.get("SMARTGOV_REQUIRE_BROWSER") == "1":
        pytest.fail("nginx is missing but SMARTGOV_REQUIRE_BROWSER=1: install Debian's nginx-light")
    pytest.skip("nginx is missing (apt-get install nginx-light); the test through the shipped reverse proxy is skipped")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}: update this test's template"
    return text.replace(old, new)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the site's name and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "fullchain.pem", folder / "privkey.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _database_url() -> str:
    """The test database, for the server process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = f"{db['USER']}:{db['PASSWORD'] or ''}"
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _server_env(folder: Path, port: int) -> dict[str, str]:
    """The shipped env example, with this machine's services, fresh secrets and folders of the test's own."""
    example = {}
    for line in (DEPLOY / "smartgov.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            example[key] = value
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SMARTGOV_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(example)
    for service in ("REDIS_URL", "MQTT_URL"):  # this machine's, when the tests have them; else none
        if os.environ.get(service):
            env[service] = os.environ[service]
        else:
            env.pop(service, None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        DATABASE_URL=_database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        SMARTGOV_SIGNING_PASSPHRASE=secrets.token_urlsafe(24),
        SMARTGOV_METRICS_TOKEN=secrets.token_hex(32),
        SMARTGOV_AUDIT_KEY=settings.SMARTGOV_AUDIT_KEY,
        SMARTGOV_AUDIT_SIGNING_KEY=settings.SMARTGOV_AUDIT_SIGNING_KEY,
        SMARTGOV_AUDIT_CHECKPOINT_DIR=str(folder / "checkpoints"),
        SMARTGOV_VAR_DIR=str(folder / "var"),
        SMARTGOV_UPSTREAM_OIDC="[]",
        OIDC_RSA_PRIVATE_KEY_FILE=str(folder / "oidc-signing-key.pem"),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        EMAIL_URL="consolemail://",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        LOG_LEVEL="WARNING",
    )
    return env


def _nginx_conf(folder: Path, *, port: int, redirect_port: int, upstream: int) -> Path:
    """deploy/nginx.conf with this test's ports and paths, inside the main configuration Debian's package gives."""
    cert, key = _certificate(folder)
    site = (DEPLOY / "nginx.conf").read_text()
    site = _replace(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = _replace(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
    site = _replace(site, "listen 80;", f"listen 127.0.0.1:{redirect_port};")
    site = _replace(site, "/etc/ssl/smartgov/fullchain.pem", str(cert))
    site = _replace(site, "/etc/ssl/smartgov/privkey.pem", str(key))
    site = _replace(site, "/srv/smartgov/static/", f"{folder / 'static'}/")
    (folder / "smartgov.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/smartgov.conf;
}}
"""
    )
    return main


@dataclass
class Browser:
    """A client on its own loopback address, speaking HTTPS to nginx, keeping its cookies."""

    source: str
    port: int
    ca: Path
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        context = ssl.create_default_context(cafile=str(self.ca))
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=context, source_address=(self.source, 0), timeout=60
        )
        sent = {"Host": HOST, "User-Agent": f"test client {self.source}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"})
            sent["Referer"] = f"https://{HOST}{path}"
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            text = answer.read().decode(errors="replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return answer.status, text
        finally:
            conn.close()

    def sign_in(self, username: str, password: str, headers: dict[str, str] | None = None) -> int:
        status, page = self.request("GET", "/dang-nhap/", headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status == 429 or token is None:
            return status
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        return self.request("POST", "/dang-nhap/", form=form, headers=headers)[0]


def _wait(process: subprocess.Popen, ready, what: str) -> None:
    deadline = time.monotonic() + 90
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.communicate()[1] or b""
            raise RuntimeError(f"{what} did not start:\n{output.decode(errors='replace')[-3000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Site:
    port: int  #: nginx's HTTPS port
    ca: Path  #: its certificate

    def client(self, source: str) -> "Browser":
        return Browser(source, self.port, self.ca)


@pytest.fixture(scope="module")
def _servers(django_db_setup, tmp_path_factory) -> Iterator[Site]:
    """nginx (deploy/nginx.conf) in front of gunicorn (deploy/gunicorn.conf.py) on the test database."""
    nginx = _nginx()
    tmp_path = tmp_path_factory.mktemp("reverse-proxy")
    port, redirect_port, upstream = _free_port(), _free_port(), _free_port()
    env = _server_env(tmp_path, upstream)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "smartgov"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT, timeout=300
    )
    gunicorn = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    conf = _nginx_conf(tmp_path, port=port, redirect_port=redirect_port, upstream=upstream)
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    probe = Browser("127.0.0.1", port, tmp_path / "fullchain.pem")

    def answers() -> bool:
        try:
            return probe.request("GET", "/healthz/live")[0] == 200
        except OSError:
            return False

    try:
        _wait(proxy, lambda: proxy.poll() is None and (tmp_path / "nginx.pid").exists(), "nginx")
        _wait(gunicorn, answers, "gunicorn behind nginx")
        yield Site(port, tmp_path / "fullchain.pem")
    finally:
        _stop(proxy)
        _stop(gunicorn)


@pytest.fixture
def site(_servers: Site, transactional_db) -> Site:
    """The servers, on a database the test's own writes are committed to (the server's processes see them)."""
    return _servers


def test_one_client_locked_out_does_not_lock_out_the_others(site):
    """20 wrong passwords from client A lock A (and the account A guessed), but B signs in to its own account; the
    events record A's and B's addresses, not the proxy's; a forged X-Forwarded-For neither frees A nor is
    recorded."""
    users = get_user_model().objects
    victim = users.create_user(username="031195001234", password=PASSWORD, kind="citizen")
    b_user = users.create_user(username="031195005678", password=PASSWORD, kind="citizen")
    a, b = site.client(CLIENT_A), site.client(CLIENT_B)

    answers = [a.sign_in(victim.username, f"wrong-{attempt}") for attempt in range(20)]
    assert answers[:19] == [200] * 19 and answers[19] == 429, answers
    assert a.sign_in(b_user.username, PASSWORD) == 429, "A's address is locked"
    forged = {"X-Forwarded-For": "198.51.100.77"}
    assert a.sign_in(b_user.username, PASSWORD, headers=forged) == 429, "a forged header does not free A"

    assert b.sign_in(b_user.username, PASSWORD) == 302, "another client is not locked out by A"

    failures = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failures.count() >= 19
    assert set(failures.values_list("ip_address", flat=True)) == {CLIENT_A}
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT)
    assert set(lockouts.values_list("ip_address", flat=True)) == {CLIENT_A}
    signed_in = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN, user=b_user)
    assert signed_in.ip_address == CLIENT_B
    assert UserSession.objects.get(user=b_user).ip_address == CLIENT_B
    addresses = set(SecurityEvent.objects.values_list("ip_address", flat=True))
    assert addresses == {CLIENT_A, CLIENT_B}, "no event records the proxy's address or a forged one"


def test_a_forged_header_is_not_the_clients_address(site):
    """A client that writes X-Forwarded-For (another client's address, the proxy's) is still recorded as itself."""
    user = get_user_model().objects.create_user(username="031195001234", password=PASSWORD, kind="citizen")
    a = site.client(CLIENT_A)
    for forged in (CLIENT_B, "127.0.0.1", f"{CLIENT_B}, 127.0.0.1", "not-an-address"):
        assert a.sign_in(user.username, "wrong", headers={"X-Forwarded-For": forged}) == 200
    recorded = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).values_list("ip_address", flat=True)
    assert list(recorded) == [CLIENT_A] * 4
