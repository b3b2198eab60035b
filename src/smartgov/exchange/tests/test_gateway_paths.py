"""A right covers the path the provider is called at: a dot segment (``..``, ``.``), encoded or not, a backslash
or an encoded slash in the address is refused before the rights check, whatever server carries the call."""

import http.client
import io
import json
import ssl
from urllib.parse import unquote

import pytest

from smartgov.exchange import services as ex
from smartgov.exchange.gateway.wire import GatewayRequest
from smartgov.exchange.models import Endpoint
from smartgov.exchange.tests.fixtures import plain_server, settle
from smartgov.platform.pki import ca_file

pytestmark = pytest.mark.django_db(transaction=True)

#: What follows ``…/echo`` in the request line, as an attacker writes it.
SMUGGLED = [
    "/items/..",
    "/items/../",
    "/items/%2e%2e",
    "/items/%2E%2E",
    "/items/.%2e",
    "/items/%2e.",
    "/items/./..",
    "/items/.",
    "/items/..;x",
    "/items/..%5c",
    "/items\\..",
    "/items/..\\..",
    "/items/%252e%252e",
    "/items/%252E%252e",
    "/items/%2f..",
    "/items/x%2F..%2F..",
    "/items/%255c..",
]


@pytest.fixture
def echo(exchange):
    """A provider that says at which path it was called, and a client granted only ``GET /items/{id}`` of it."""
    seen: list[str] = []

    def app(environ, start_response):
        seen.append(environ["PATH_INFO"])
        body = json.dumps({"path": environ["PATH_INFO"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    server, port = plain_server(app)
    service = ex.service_register(
        actor=None,
        provider=exchange.population,
        code="echo",
        title="Echo",
        url=f"http://127.0.0.1:{port}/base",
        endpoints=[("GET", "/items/{id}")],
    )
    endpoint = Endpoint.objects.get(service=service, path="/items/{id}")
    ex.access_grant(actor=None, service=service, subsystem=exchange.civil, endpoint=endpoint)
    settle()
    yield seen
    server.stop()


def _raw_get(exchange, target: str) -> tuple[int, str, dict]:
    """GET ``target`` exactly as written (no client library to normalise it) over the gateway's TLS."""
    host, port = exchange.base.removeprefix("https://").split(":")
    context = ssl.create_default_context(cafile=str(ca_file()))
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=10)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    connection.putheader("X-Road-Client", exchange.civil_id)
    connection.putheader("X-SmartGov-Api-Key", exchange.key)
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, answer.getheader("X-Road-Error", ""), json.loads(body or b"null")


def test_the_granted_endpoint_still_answers(exchange, echo):
    prefix = "/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/echo"
    assert _raw_get(exchange, f"{prefix}/items/42")[:2] == (200, "")
    assert _raw_get(exchange, f"{prefix}/items/v1.2")[:2] == (200, "")
    assert _raw_get(exchange, f"{prefix}/items/...")[:2] == (200, "")
    assert echo == ["/base/items/42", "/base/items/v1.2", "/base/items/..."]
    assert _raw_get(exchange, f"{prefix}/other")[:2] == (403, "Server.ServerProxy.AccessDenied")


@pytest.mark.parametrize("smuggled", SMUGGLED)
def test_a_dot_segment_is_refused_whatever_the_server_decoded(exchange, echo, smuggled):
    """Over HTTP (cheroot keeps %2F encoded), to the WSGI application with the path as a server that decodes
    everything hands it over (wsgiref, gunicorn), and through the Python interface (the path as written)."""
    status, error, body = _raw_get(exchange, f"/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/echo{smuggled}")
    assert (status, error) == (400, "Client.InvalidRequest"), body
    decoded = unquote(f"/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/echo{smuggled}")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": decoded.encode().decode("latin-1"),
        "QUERY_STRING": "",
        "HTTP_X_ROAD_CLIENT": exchange.civil_id,
        "HTTP_X_SMARTGOV_API_KEY": exchange.key,
        "wsgi.input": io.BytesIO(b""),
    }
    started = []
    answer = exchange.gateway(environ, lambda status, headers: started.append((status, dict(headers))))
    assert started[0][0].startswith("400"), b"".join(answer)
    assert started[0][1]["X-Road-Error"] == "Client.InvalidRequest"
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    for path in (decoded, f"/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/echo{smuggled}"):
        refused = exchange.gateway.handle(GatewayRequest(method="GET", path=path, headers=headers))
        assert (refused.status, refused.error) == (400, "Client.InvalidRequest"), path
    assert echo == []
