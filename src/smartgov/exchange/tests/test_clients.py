"""Clients prove who they are over real TLS with certificates from the platform's CA (issue, renew, revoke by
command), or with API keys; and read the registry through X-Road's metadata services, as JSON or XML."""

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from smartgov.exchange import services as ex
from smartgov.exchange.models import ClientCertificate, Endpoint
from smartgov.exchange.tests.fixtures import settle

pytestmark = pytest.mark.django_db(transaction=True)
MAI = "/citizens/031195001234"


def _client(folder) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(folder / "ca.pem")
    session.cert = (str(folder / "client.pem"), str(folder / "client.key.pem"))
    return session


def test_a_client_certificate_issued_renewed_and_revoked(exchange, tmp_path):
    call_command("exchange", "cert", "issue", exchange.civil_id, "--out", str(tmp_path / "hotich"))
    client = _client(tmp_path / "hotich")
    headers = {"X-Road-Client": exchange.civil_id}
    answer = client.get(exchange.url + MAI, headers=headers)
    assert answer.status_code == 200 and answer.json()["full_name"] == "Nguyễn Thị Mai"

    mismatch = client.get(exchange.url + MAI, headers={"X-Road-Client": exchange.other_id})
    assert (mismatch.status_code, mismatch.headers["X-Road-Error"]) == (
        403,
        "Server.ClientProxy.ClientIdentifierMismatch",
    )

    call_command("exchange", "cert", "issue", exchange.other_id, "--out", str(tmp_path / "thanhtra"))
    settle()  # a running gateway sees a new certificate within a second
    denied = _client(tmp_path / "thanhtra").get(exchange.url + MAI, headers={"X-Road-Client": exchange.other_id})
    assert (denied.status_code, denied.headers["X-Road-Error"]) == (403, "Server.ServerProxy.AccessDenied")

    old = ClientCertificate.objects.get(subsystem=exchange.civil)
    call_command("exchange", "cert", "renew", old.serial, "--out", str(tmp_path / "hotich-2"))
    settle()
    renewed = _client(tmp_path / "hotich-2")
    assert renewed.get(exchange.url + MAI, headers=headers).status_code == 200
    assert client.get(exchange.url + MAI, headers=headers).status_code == 200  # the old one until it is revoked

    call_command("exchange", "cert", "revoke", old.serial, "--reason", "máy chủ bị thay thế")
    settle()
    revoked = client.get(exchange.url + MAI, headers=headers)
    assert (revoked.status_code, revoked.headers["X-Road-Error"]) == (401, "Server.ClientProxy.SslAuthenticationFailed")
    assert renewed.get(exchange.url + MAI, headers=headers).status_code == 200


def test_a_certificate_from_another_authority_is_refused_in_the_handshake(exchange, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, exchange.civil_id)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path / "forged"
    call_command("exchange", "cert", "issue", exchange.civil_id, "--out", str(folder))  # for ca.pem
    (folder / "client.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "client.key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    with pytest.raises(requests.exceptions.SSLError):
        _client(folder).get(exchange.url + MAI, headers={"X-Road-Client": exchange.civil_id})


def test_metadata_services_in_json_and_xml(exchange):
    inspect = ex.subsystem_register(actor=None, member=exchange.other.member, code="KIEMTRA")
    _row, key = ex.api_key_issue(actor=None, subsystem=inspect)
    endpoint = Endpoint.objects.get(service=exchange.service, path="/citizens/{personal_id}")
    ex.access_grant(actor=None, service=exchange.service, subsystem=inspect, endpoint=endpoint)
    settle()
    clients = exchange.http.get(f"{exchange.base}/listClients").json()["member"]
    subsystems = {
        (c["id"]["member_code"], c["id"]["subsystem_code"]) for c in clients if c["id"]["object_type"] == "SUBSYSTEM"
    }
    assert ("000.00.00.G01", "CSDLQGDC") in subsystems and ("000.00.04.H31", "KIEMTRA") in subsystems
    assert {c["name"] for c in clients if c["id"]["object_type"] == "MEMBER"} >= {"Bộ Công an", "Sở Tư pháp"}
    xml = exchange.http.get(f"{exchange.base}/listClients", headers={"Accept": "application/xml"})
    root = ET.fromstring(xml.content)  # noqa: S314 - our own answer
    codes = [e.text for e in root.iter("{http://x-road.eu/xsd/identifiers}subsystemCode")]
    assert "CSDLQGDC" in codes

    provider = f"{exchange.base}/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC"
    mine = {"X-Road-Client": "VN-HP/GOV/000.00.04.H31/KIEMTRA", "X-SmartGov-Api-Key": key}
    methods = exchange.http.get(f"{provider}/listMethods", headers=mine).json()["service"]
    assert [(m["service_code"], m["service_type"]) for m in methods] == [("citizens", "OPENAPI")]
    assert methods[0]["endpoint_list"] == [{"method": "GET", "path": "/citizens/{personal_id}"}]
    allowed = exchange.http.get(f"{provider}/allowedMethods", headers=mine).json()["service"]
    assert allowed[0]["endpoint_list"] == [{"method": "GET", "path": "/citizens/{personal_id}"}]
    nothing = exchange.http.get(
        f"{provider}/allowedMethods",
        headers={"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key},
    ).json()
    assert nothing == {"service": []}
    xml_methods = exchange.http.get(f"{provider}/allowedMethods", headers={**mine, "Accept": "text/xml"})
    assert b"serviceCode>citizens<" in xml_methods.content and b'path="/citizens/{personal_id}"' in xml_methods.content
    openapi = exchange.http.get(f"{provider}/getOpenAPI?serviceCode=citizens", headers=mine)
    assert openapi.json()["info"]["title"].startswith("Cơ sở dữ liệu quốc gia")
    missing = exchange.http.get(f"{provider}/getOpenAPI?serviceCode=taxes", headers=mine)
    assert (missing.status_code, missing.headers["X-Road-Error"]) == (404, "Server.ServerProxy.UnknownService")
    anonymous = exchange.http.get(f"{provider}/listMethods")
    assert anonymous.status_code == 400


def test_the_platform_calls_a_remote_gateway_through_the_outbound_client(exchange, settings):
    """``exchange_call`` with SMARTGOV_EXCHANGE_URL set: HTTPS to the gateway through the outbound client, which
    checks the gateway's certificate against the configured CA and its address against the allow-list."""
    from smartgov.exchange.services.client import ExchangeUnavailable, exchange_call
    from smartgov.platform.pki import ca_file

    settings.SMARTGOV_EXCHANGE_URL = exchange.base
    settings.SMARTGOV_EXCHANGE_API_KEY = exchange.key
    settings.SMARTGOV_EXCHANGE_CLIENT = exchange.civil_id
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.1"]
    service = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    with pytest.raises(ExchangeUnavailable):  # the system's CAs do not know the platform's
        exchange_call(service=service, path=MAI, user_id="motcua.thanhdong")
    settings.SMARTGOV_OUTBOUND_CA_BUNDLE = str(ca_file())
    answer = exchange_call(service=service, path=MAI, user_id="motcua.thanhdong")
    assert answer.status == 200 and answer.json()["full_name"] == "Nguyễn Thị Mai"
    assert answer.headers["X-Road-Client"] == exchange.civil_id and not answer.error
    refused = exchange_call(service=service, path="/citizens/000000000000")
    assert refused.status == 404
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(ExchangeUnavailable, match="AddressRefused"):
        exchange_call(service=service, path=MAI)
