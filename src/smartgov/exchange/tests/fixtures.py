"""Fixtures of the data-exchange tests, for every app's tests (loaded as a pytest plugin by the root conftest).

A small exchange: the population database behind the gateway, a department that may call it, one that may not —
each served by a real HTTP server in a thread (the gateway with TLS, as in production)."""

import threading
import time
from collections.abc import Callable, Iterator
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
