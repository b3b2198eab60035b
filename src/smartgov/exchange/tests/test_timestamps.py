"""RFC 3161 time-stamps on the message log's signed batches, from a local time-stamping authority: stamped when
it answers, stamped later when it was down, checked by `verify` (imprint and the authority's signature)."""

import datetime as dt
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from smartgov.exchange.messagelog import log_batches_sign, log_batches_timestamp, log_ingest, log_verify
from smartgov.exchange.models import LogBatch

pytestmark = pytest.mark.django_db(transaction=True)


class Authority:
    """A time-stamping authority on loopback: its own root, a TSA certificate, RFC 3161 over HTTP."""

    def __init__(self, folder) -> None:
        root_key = ec.generate_private_key(ec.SECP256R1())
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA signs RSA
        now = dt.datetime.now(dt.UTC)
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Root (test)")])
        root = (
            x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name).public_key(root_key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256())
        )  # fmt: skip
        tsa = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA (test)")]))
            .issuer_name(root_name).public_key(tsa_key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root_key, hashes.SHA256())
        )  # fmt: skip
        self.root_file = folder / "tsa-root.pem"
        self.root_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
            tsa_key=keys.PrivateKeyInfo.load(
                tsa_key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
        )
        self.up = True
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not authority.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/tsa"


@pytest.fixture
def authority(tmp_path, settings):
    tsa = Authority(tmp_path)
    settings.SMARTGOV_EXCHANGE_TSA_URL = tsa.url
    settings.SMARTGOV_EXCHANGE_TSA_ROOTS = [str(tsa.root_file)]
    yield tsa
    tsa.server.shutdown()


def _calls(exchange, n):
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    for _ in range(n):
        assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 200
    log_ingest()


def test_batches_are_time_stamped_and_checked(exchange, authority, settings):
    settings.SMARTGOV_EXCHANGE_BATCH = 2
    _calls(exchange, 2)
    authority.up = False
    assert log_batches_sign() == 1
    assert LogBatch.objects.get().timestamp_token is None  # signed; the authority is down: stamped later
    authority.up = True
    _calls(exchange, 2)
    log_batches_sign()
    assert LogBatch.objects.filter(timestamp_token__isnull=False).count() == 2
    assert log_verify().ok

    first, second = LogBatch.objects.order_by("first_id")
    LogBatch.objects.filter(pk=first.pk).update(timestamp_token=second.timestamp_token)  # another batch's token
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == first.last_id and "another batch" in verdict.reason

    LogBatch.objects.filter(pk=first.pk).update(timestamp_token=None)
    log_batches_timestamp()
    other = Authority(authority.root_file.parent / "..")  # a token from an authority we do not trust
    settings.SMARTGOV_EXCHANGE_TSA_URL = other.url
    LogBatch.objects.filter(pk=second.pk).update(timestamp_token=None)
    log_batches_timestamp()
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == second.last_id and "trusted" in verdict.reason
    other.server.shutdown()
    assert log_batches_sign(max_age=timedelta(0)) == 0
