"""``smartgov exchange serve``: the gateway as its own server process, terminating TLS itself.

With ``--tls``, clients must present a certificate issued by the platform's CA (``SMARTGOV_EXCHANGE_TLS_CA``,
by default the local CA): the TLS handshake checks the chain, the gateway checks the certificate is registered
to the subsystem named in ``X-Road-Client`` and not revoked. Internal callers without a certificate use an API
key (``--tls`` with ``--client-cert optional``, or plain HTTP on a private interface). cheroot serves it: a
threaded, pure-Python HTTP/1.1 server that hands the verified client certificate to the application.
"""

import ssl
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from django.conf import settings

from smartgov.exchange.gateway import Gateway
from smartgov.platform.pki import ca_file, server_tls_files


def gateway_server(
    *,
    host: str = "127.0.0.1",
    port: int = 8443,
    threads: int = 32,
    tls: bool = True,
    client_cert: str = "optional",
    app: Any = None,
) -> wsgi.Server:
    server = wsgi.Server((host, port), app or Gateway(), numthreads=threads, request_queue_size=512)
    if tls:
        cert_file = getattr(settings, "SMARTGOV_EXCHANGE_TLS_CERT", "") or ""
        key_file = getattr(settings, "SMARTGOV_EXCHANGE_TLS_KEY", "") or ""
        if not cert_file:
            cert_path, key_path = server_tls_files(["localhost", "127.0.0.1", host])
            cert_file, key_file = str(cert_path), str(key_path)
        adapter = BuiltinSSLAdapter(cert_file, key_file)
        adapter.context.minimum_version = ssl.TLSVersion.TLSv1_2
        adapter.context.load_verify_locations(
            cafile=getattr(settings, "SMARTGOV_EXCHANGE_TLS_CA", "") or str(ca_file())
        )
        adapter.context.verify_mode = ssl.CERT_REQUIRED if client_cert == "required" else ssl.CERT_OPTIONAL
        server.ssl_adapter = adapter
    return server
