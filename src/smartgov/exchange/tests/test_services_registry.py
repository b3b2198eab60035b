"""The registry's services: clients prove who they are over real TLS with certificates from the platform's CA
(issue, renew, revoke by command), or with API keys; an entry edited by hand (the admin) is audited."""

import datetime as dt

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from smartgov.exchange.models import ClientCertificate
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


@pytest.mark.django_db
def test_an_entry_edited_in_the_admin_is_saved_audited_and_moves_the_registry():
    from smartgov.exchange.models import RegistryVersion, Subsystem
    from smartgov.exchange.services.registry import registry_entry_delete, registry_entry_save
    from smartgov.exchange.tests.factories import SubsystemFactory
    from smartgov.platform.models import AuditEntry

    subsystem = SubsystemFactory.build(member=SubsystemFactory().member, code="KIEMTRA")
    before = RegistryVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    registry_entry_save(actor=None, entry=subsystem, fields=["code"], created=True)
    assert Subsystem.objects.filter(code="KIEMTRA").exists()
    assert RegistryVersion.objects.get(pk=1).number > before
    added = AuditEntry.objects.get(action="exchange.subsystem.add", object_id=str(subsystem.pk))
    assert added.changes == {"fields": ["code"]}
    registry_entry_delete(actor=None, entry=subsystem)
    assert not Subsystem.objects.filter(code="KIEMTRA").exists()
    assert AuditEntry.objects.filter(action="exchange.subsystem.delete").count() == 1
