"""The body limits hold under every server the gateway runs on: whatever the server hands over in the environ
(a negative or malformed Content-Length, a chunked body it did not de-chunk, a stream without end), the gateway
refuses it or reads at most ``SMARTGOV_EXCHANGE_MAX_BODY`` + 1 bytes, and never forwards a body it did not check."""

import io
import json
import socket
import threading

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from smartgov.exchange import services as ex
from smartgov.exchange.tests.fixtures import plain_server, settle
from smartgov.platform.frontdoor import FrontDoor

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 1000
PATH = "/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/sink/data"


class Endless(io.RawIOBase):
    """A ``wsgi.input`` that never ends (a server that passes the socket on as it is), counting what was read."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 1 << 20 if size is None or size < 0 else min(size, 1 << 20)
        self.taken += size
        if self.taken > 50 * LIMIT:
            raise AssertionError("the gateway read far more than the limit")
        return b"x" * size


@pytest.fixture
def sink(exchange, settings):
    """A provider that keeps the bodies it gets; the client may POST anything to it; the limit is 1000 bytes."""
    got: list[bytes] = []

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        got.append(environ["wsgi.input"].read(length))
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]

    server, port = plain_server(app)
    service = ex.service_register(
        actor=None,
        provider=exchange.population,
        code="sink",
        title="Sink",
        url=f"http://127.0.0.1:{port}",
        endpoints=[("POST", "/**")],
    )
    ex.access_grant(actor=None, service=service, subsystem=exchange.civil)
    settle()
    settings.SMARTGOV_EXCHANGE_MAX_BODY = LIMIT
    yield got
    server.stop()


def _call(exchange, stream, **environ) -> tuple[int, str]:
    """POST to the sink through the gateway's WSGI application with a forged environ."""
    started = []
    body = b"".join(
        exchange.gateway(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": PATH,
                "QUERY_STRING": "",
                "HTTP_X_ROAD_CLIENT": exchange.civil_id,
                "HTTP_X_SMARTGOV_API_KEY": exchange.key,
                "wsgi.input": stream,
                **environ,
            },
            lambda status, headers: started.append((status, dict(headers))),
        )
    )
    status, headers = started[0]
    if headers.get("X-Road-Error"):
        assert json.loads(body)["type"] == headers["X-Road-Error"]
    return int(status.split()[0]), headers.get("X-Road-Error", "")


@pytest.mark.parametrize("length", ["-5", "-0", "abc", "+5", " 5", "5 ", "1_0", "5, 5", "0x10", "٥"])
def test_a_bad_content_length_is_refused(exchange, sink, length):
    stream = Endless()
    assert _call(exchange, stream, CONTENT_LENGTH=length) == (400, "Client.InvalidRequest")
    assert sink == [] and stream.taken == 0


def test_a_content_length_over_the_limit_is_refused_unread(exchange, sink):
    stream = Endless()
    assert _call(exchange, stream, CONTENT_LENGTH=str(LIMIT + 1)) == (413, "Client.RequestTooLarge")
    assert _call(exchange, stream, CONTENT_LENGTH="9" * 40) == (413, "Client.RequestTooLarge")
    assert sink == [] and stream.taken == 0


def test_a_body_is_read_up_to_its_content_length_and_no_further(exchange, sink):
    stream = Endless()
    assert _call(exchange, stream, CONTENT_LENGTH=str(LIMIT)) == (200, "")
    assert sink == [b"x" * LIMIT] and stream.taken == LIMIT
    short = io.BytesIO(b"y" * 10)
    assert _call(exchange, short, CONTENT_LENGTH="20") == (400, "Client.InvalidRequest")
    assert len(sink) == 1


def test_a_chunked_body_the_server_de_chunked_is_read_bounded(exchange, sink):
    endless = Endless()
    answer = _call(exchange, endless, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert answer == (413, "Client.RequestTooLarge")
    assert endless.taken <= LIMIT + 1
    small = io.BytesIO(b"z" * 300)
    answer = _call(exchange, small, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert answer == (200, "") and sink == [b"z" * 300]


def test_a_chunked_body_the_server_did_not_de_chunk_is_refused(exchange, sink):
    """wsgiref and Django's runserver hand over the raw socket (or nothing) for a chunked body: 411."""
    stream = Endless()
    assert _call(exchange, stream, HTTP_TRANSFER_ENCODING="chunked") == (411, "Client.InvalidRequest")
    both = {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": "10"}
    assert _call(exchange, stream, **both) == (400, "Client.InvalidRequest")  # request smuggling's favourite
    assert _call(exchange, stream, HTTP_TRANSFER_ENCODING="gzip, chunked") == (400, "Client.InvalidRequest")
    assert sink == [] and stream.taken == 0


def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_under_djangos_development_server(exchange, sink):
    """``make demo`` serves the platform with Django's runserver, through the front door: the same limits."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(FrontDoor(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"X-Road-Client: {exchange.civil_id}\r\nX-SmartGov-Api-Key: {exchange.key}\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (LIMIT, b"c" * LIMIT)
    try:
        chunked = _raw(port, head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 11 + b"0\r\n\r\n")
        assert chunked[0] == 411, chunked
        negative = _raw(port, head.encode() + b"Content-Length: -5\r\n\r\n" + b"n" * 100)
        assert negative[0] == 400, negative
        big = _raw(port, head.encode() + b"Content-Length: %d\r\n\r\n" % (LIMIT + 1) + b"b" * (LIMIT + 1))
        assert big[0] == 413, big
        fine = _raw(port, head.encode() + b"Content-Length: 5\r\n\r\nhello")
        assert fine[0] == 200, fine
    finally:
        server.shutdown()
        server.server_close()
    assert sink == [b"hello"]


def test_the_demo_subscriber_keeps_the_same_limits(exchange, settings):
    from smartgov.exchange.gateway import DEMO_RECEIVER

    settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER = True
    settings.SMARTGOV_EXCHANGE_MAX_BODY = LIMIT
    stream = Endless()
    cases = [({"CONTENT_LENGTH": "-5"}, "400"), ({"CONTENT_LENGTH": str(LIMIT + 1)}, "413")]
    cases.append(({"HTTP_TRANSFER_ENCODING": "chunked"}, "411"))
    for environ, status in cases:
        started = []
        request = {"REQUEST_METHOD": "POST", "PATH_INFO": DEMO_RECEIVER, "wsgi.input": stream, **environ}
        exchange.gateway(request, lambda line, headers, started=started: started.append(line))
        assert started[0].startswith(status), (environ, started)
    assert stream.taken == 0
