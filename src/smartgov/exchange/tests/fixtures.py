"""Fixtures of the data-exchange tests, for every app's tests (loaded as a pytest plugin by the root conftest).

- ``exchange``: a small exchange: the population database behind the gateway, a department that may call it, one
  that may not — each served by a real HTTP server in a thread (the gateway with TLS, as in production);
- ``exchange_one_stop``: the one-stop shop registered as the platform's own client (its API key in the settings,
  the gateway in this process), without a right to the population database yet;
- ``exchange_receiver``: a subscriber's webhook on loopback that keeps the deliveries whose signature verifies;
- ``exchange_admin`` / ``exchange_admin_client``: a platform administrator, and a browser signed in as them;
- ``exchange_desk``: for the browser: Hai Phong with its one-stop shop, a birth registration submitted, the
  officer and the administrator with the tests' password and an authenticator.
"""

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from cheroot import wsgi

from smartgov.exchange import services as ex
from smartgov.exchange.gateway import Gateway
from smartgov.exchange.gateway.server import gateway_server
from smartgov.exchange.population import OPENAPI, population_app
from smartgov.exchange.registry import registry_forget
from smartgov.platform.pki import ca_file
from smartgov.platform.webhooks import webhook_verify


def serve(server: wsgi.Server) -> tuple[wsgi.Server, int]:
    server.prepare()
    threading.Thread(target=server.serve, daemon=True).start()
    return server, server.bind_addr[1]


def plain_server(app: Callable[..., Any]) -> tuple[wsgi.Server, int]:
    return serve(wsgi.Server(("127.0.0.1", 0), app, numthreads=8))


@pytest.fixture
def journal_dir(settings, tmp_path):
    settings.SMARTGOV_EXCHANGE_JOURNAL_DIR = str(tmp_path / "journal")
    settings.SMARTGOV_PKI_DIR = str(tmp_path / "pki")
    settings.SMARTGOV_PKI_LOCAL_CA = True
    return tmp_path / "journal"


@pytest.fixture
def exchange(journal_dir, settings) -> Iterator[SimpleNamespace]:
    """Registry + provider + gateway (HTTPS, client certificates optional, API keys accepted)."""
    settings.SMARTGOV_EXCHANGE_INSTANCE = "VN-HP"
    provider_server, provider_port = plain_server(population_app)
    police = ex.member_register(actor=None, member_class="GOV", code="000.00.00.G01", name="Bộ Công an")
    population = ex.subsystem_register(actor=None, member=police, code="CSDLQGDC", name="CSDL quốc gia về dân cư")
    service = ex.service_register(
        actor=None,
        provider=population,
        code="citizens",
        title="Tra cứu công dân",
        url=f"http://127.0.0.1:{provider_port}",
        openapi=OPENAPI,
    )
    justice = ex.member_register(actor=None, member_class="GOV", code="000.00.04.H31", name="Sở Tư pháp")
    civil = ex.subsystem_register(actor=None, member=justice, code="HOTICH", name="Hộ tịch")
    other = ex.subsystem_register(actor=None, member=justice, code="THANHTRA", name="Thanh tra")
    ex.access_grant(actor=None, service=service, subsystem=civil)
    _row, key = ex.api_key_issue(actor=None, subsystem=civil)
    _row, other_key = ex.api_key_issue(actor=None, subsystem=other)
    registry_forget()
    gateway = Gateway()
    server, port = serve(gateway_server(port=0, threads=16, app=gateway))
    base = f"https://127.0.0.1:{port}"
    session = requests.Session()
    session.trust_env = False  # the CA bundle of the environment would replace ours
    session.verify = str(ca_file())
    yield SimpleNamespace(
        base=base,
        http=session,
        gateway=gateway,
        service=service,
        population=population,
        civil=civil,
        other=other,
        key=key,
        other_key=other_key,
        civil_id="VN-HP/GOV/000.00.04.H31/HOTICH",
        other_id="VN-HP/GOV/000.00.04.H31/THANHTRA",
        url=f"{base}/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens",
        provider_port=provider_port,
    )
    server.stop()
    provider_server.stop()
    registry_forget()


def settle() -> None:
    """Let the registry snapshot notice a change (it looks at most once a second)."""
    registry_forget()
    time.sleep(0.01)


class Receiver:
    """A subscriber's webhook on loopback: keeps (in ``got``) the deliveries whose Standard Webhooks signature
    verifies with ``secret`` and answers 204; refuses the others with 401."""

    def __init__(self) -> None:
        self.secret = ""
        self.got: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = webhook_verify(secret=receiver.secret, headers=self.headers, body=body)
                if ok:
                    receiver.got.append(json.loads(body))
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/su-kien"


@pytest.fixture
def exchange_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def exchange_one_stop(exchange, settings):
    """The one-stop shop (``VN-HP/GOV/000.00.00.H31/MOTCUA``) as the platform's client of the in-process gateway."""
    city = ex.member_register(actor=None, member_class="GOV", code="000.00.00.H31", name="UBND thành phố Hải Phòng")
    system = ex.subsystem_register(actor=None, member=city, code="MOTCUA")
    _row, key = ex.api_key_issue(actor=None, subsystem=system)
    settings.SMARTGOV_EXCHANGE_URL = ""
    settings.SMARTGOV_EXCHANGE_API_KEY = key
    settings.SMARTGOV_EXCHANGE_CLIENT = "VN-HP/GOV/000.00.00.H31/MOTCUA"
    settings.SMARTGOV_EXCHANGE_POPULATION_SERVICE = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    registry_forget()
    return system


def _second_factor_passed(client: Any, user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)[0].persistent_id
    session.save()
    return client


@pytest.fixture
def exchange_admin(django_user_model, password):
    """A platform administrator (password: the tests' one; an authenticator)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from smartgov.identity.services import role_grant

    admin = django_user_model.objects.create_user(
        username="quantri", password=password, kind="staff", full_name="Quản trị hệ thống"
    )
    role_grant(actor=None, user=admin, role="platform_admin", agency=None)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    return admin


@pytest.fixture
def exchange_admin_client(exchange_admin):
    """A browser (Django's test client) signed in as the platform administrator, second factor passed."""
    from django.test import Client

    return _second_factor_passed(Client(), exchange_admin)


@pytest.fixture
def exchange_desk(hai_phong, hp, password, exchange, exchange_one_stop, exchange_admin, submit_dossier):
    """Hai Phong's ward with a birth registration submitted by Mai, the one-stop shop allowed to look citizens up in
    the population database, and the ward's officer and the administrator able to sign in (password and code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for person in (hp.mai, hp.officer):
        person.set_password(password)
        person.save(update_fields=["password"])
    TOTPDevice.objects.create(user=hp.officer, name="app", confirmed=True)
    ex.access_grant(actor=None, service=exchange.service, subsystem=exchange_one_stop)
    registry_forget()
    dossier = submit_dossier(hp)
    return SimpleNamespace(officer=hp.officer, admin=exchange_admin, code=dossier.code, dossier=dossier)
