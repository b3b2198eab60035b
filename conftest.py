"""Test configuration shared by every app's tests.

Each installed SmartGov app may offer fixtures to every test in ``<app>/tests/fixtures.py``; they are loaded here as
pytest plugins, found through ``INSTALLED_APPS``, so no test imports another app's test modules (docs/kernel.md §8).
"""

import base64
import hashlib
import importlib
import importlib.util
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _fixture_plugins() -> list[str]:
    settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "smartgov.settings"))
    plugins = []
    for app in settings.INSTALLED_APPS:
        if app.startswith("smartgov.") and importlib.util.find_spec(f"{app}.tests") is not None:
            if importlib.util.find_spec(f"{app}.tests.fixtures") is not None:
                plugins.append(f"{app}.tests.fixtures")
    return plugins


pytest_plugins = _fixture_plugins()

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread are safe
# here because the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    """No persistent database connections in tests: the live server's request threads would otherwise keep
    theirs open, and PostgreSQL could not drop the test database at the end."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The audit chains' key and the checkpoints' signing key, fixed for the session (as production's variables
    # are), so no test depends on key files in a folder another test changes.
    settings.SMARTGOV_AUDIT_KEY = base64.b64encode(hashlib.sha256(b"smartgov-tests-audit-key").digest()).decode()
    settings.SMARTGOV_AUDIT_SIGNING_KEY = base64.b64encode(hashlib.sha256(b"smartgov-tests-signing").digest()).decode()


@pytest.fixture(autouse=True)
def _eager_tasks_and_clean_cache(settings):  # type: ignore[no-untyped-def]
    """Tasks run in-process in tests (tests of real workers switch this off), and no cache leaks between tests."""
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = True
    from celery._state import _set_task_join_will_block

    from smartgov.celery import app
    from smartgov.platform.selectors.calendar import calendar_cache_clear

    app.conf.task_always_eager = True
    # Celery's "no result.get() inside a task" flag is one global: an eager task run by a server thread of an
    # earlier test can leave it set (threads interleave its set and reset), and the test thread is not in a task.
    _set_task_join_will_block(False)
    cache.clear()
    calendar_cache_clear()
    yield
    cache.clear()
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def _own_checkpoint_store(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Each test seals into a checkpoint folder of its own: the database is emptied between tests, and a
    checkpoint left by another test would (rightly) make verification fail."""
    settings.SMARTGOV_AUDIT_CHECKPOINT_DIR = str(tmp_path_factory.getbasetemp() / "checkpoints" / uuid.uuid4().hex)


class TimeStampingAuthority:
    """An RFC 3161 time-stamping authority on loopback: its own root, a TSA certificate, answers over HTTP
    (``up = False``: it answers 503)."""

    def __init__(self, folder: Path) -> None:
        import datetime as dt
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        from asn1crypto import keys, tsp
        from asn1crypto import x509 as asn1_x509
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

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
        folder.mkdir(parents=True, exist_ok=True)
        self.root_file = folder / f"tsa-root-{uuid.uuid4().hex[:8]}.pem"
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
def time_stamping_authorities(tmp_path: Path) -> Iterator[Callable[[], TimeStampingAuthority]]:
    """Makes local time-stamping authorities (each with its own root) for the test; stopped afterwards."""
    made: list[TimeStampingAuthority] = []

    def make() -> TimeStampingAuthority:
        made.append(TimeStampingAuthority(tmp_path / "tsa"))
        return made[-1]

    yield make
    for authority in made:
        authority.server.shutdown()


def _flush_with_audit_guard_open() -> None:
    """Transactional tests empty every table afterwards; the audit log's triggers must let that through."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        from smartgov.platform.services.audit import audit_maintenance

        with audit_maintenance():
            original(self)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]


_flush_with_audit_guard_open()
