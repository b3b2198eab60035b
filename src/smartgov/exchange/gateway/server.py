"""``smartgov exchange serve``: the gateway as its own server process, terminating TLS itself.

With ``--tls``, clients must present a certificate issued by the platform's CA (``SMARTGOV_EXCHANGE_TLS_CA``,
by default the local CA): the TLS handshake checks the chain, the gateway checks the certificate is registered
to the subsystem named in ``X-Road-Client`` and not revoked. Internal callers without a certificate use an API
key (``--tls`` with ``--client-cert optional``, or plain HTTP on a private interface). cheroot serves it: a
threaded, pure-Python HTTP/1.1 server that hands the verified client certificate to the application.
"""

import logging
import os
import signal
import ssl
import threading
import time
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from django import db
from django.conf import settings

from smartgov.exchange.gateway.app import Gateway
from smartgov.exchange.messagelog.shipper import Shipper
from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest
from smartgov.platform.pki import ca_file, server_tls_files

logger = logging.getLogger(__name__)


def gateway_server(
    *,
    host: str = "127.0.0.1",
    port: int = 8443,
    threads: int = 32,
    tls: bool = True,
    client_cert: str = "optional",
    app: Any = None,
    reuse_port: bool = False,
) -> wsgi.Server:
    server = wsgi.Server(
        (host, port), app or Gateway(), numthreads=threads, request_queue_size=512, reuse_port=reuse_port
    )
    if tls:
        cert_file, key_file = settings.SMARTGOV_EXCHANGE_TLS_CERT, settings.SMARTGOV_EXCHANGE_TLS_KEY
        if not cert_file:
            cert_path, key_path = server_tls_files(["localhost", "127.0.0.1", host])
            cert_file, key_file = str(cert_path), str(key_path)
        adapter = BuiltinSSLAdapter(cert_file, key_file)
        adapter.context.minimum_version = ssl.TLSVersion.TLSv1_2
        adapter.context.load_verify_locations(cafile=settings.SMARTGOV_EXCHANGE_TLS_CA or str(ca_file()))
        adapter.context.verify_mode = ssl.CERT_REQUIRED if client_cert == "required" else ssl.CERT_OPTIONAL
        server.ssl_adapter = adapter
    return server


def _worker(*, host: str, port: int, threads: int, tls: bool, client_cert: str, workers: int) -> None:
    """One server process of ``gateway_run``: answers and journals until told to stop or orphaned."""
    parent = os.getppid()
    server = gateway_server(
        host=host, port=port, threads=threads, tls=tls, client_cert=client_cert, reuse_port=True,
        app=Gateway(workers=workers),
    )  # fmt: skip

    def leave(*_: Any) -> None:
        server.stop()
        os._exit(0)

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        leave()

    threading.Thread(target=watch_parent, daemon=True).start()
    signal.signal(signal.SIGTERM, leave)
    try:
        server.safe_start()
    finally:
        os._exit(0)


def gateway_run(
    *, host: str, port: int, threads: int, tls: bool, client_cert: str, workers: int, ready: Any = None
) -> None:
    """Run ``workers`` server processes on one port (SO_REUSEPORT; the kernel spreads connections) while this
    process ships their journals into the message log. Each worker only answers and journals, so shipping never
    holds a worker's interpreter lock; a worker whose parent is gone stops."""
    db.connections.close_all()  # never share a database connection across fork
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            _worker(host=host, port=port, threads=threads, tls=tls, client_cert=client_cert, workers=workers)
        children.append(pid)
    shipper = Shipper(every=0.5)
    shipper.start()
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if ready is not None:
        ready()
    while not stopping.wait(1.0):
        for pid in list(children):
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                logger.warning("gateway worker %s ended", pid)
                children.remove(pid)
        if not children:
            break
    for pid in children:
        os.kill(pid, signal.SIGTERM)
    for pid in children:
        os.waitpid(pid, 0)
    shipper.stop()
    shipper.join(timeout=5)
    log_ingest()
    log_batches_sign()
