"""The outbound HTTP client against real local servers: addresses refused unless allowed (checked where it
connects), redirects returned not followed, size and time limits, the proxy from the settings, retries only for
idempotent calls, metrics; and the requests adapter that Authlib goes through."""

import gzip
import http.client
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests
from prometheus_client import REGISTRY

from smartgov.platform import outbound
from smartgov.platform.outbound import address_allowed, networks
from smartgov.platform.outbound.adapter import OutboundSession, RequestsError, ResponseTooLarge

# reading the metrics runs every registered collector, the delivery engine's backlog query included
pytestmark = pytest.mark.django_db


class Server:
    """A local HTTP/1.1 server whose paths behave as the tests need; it records every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.flaky = 0  # /flaky answers 503 this many times first
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                lines = [f"HTTP/1.1 {status} {self.responses[status][0]}", f"Content-Length: {len(body)}"]
                lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
                self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)  # one write: no delayed ACK

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, dict(self.headers), body))
                path = urlsplit(self.path).path
                if path == "/echo":
                    echo = {"method": self.command, "headers": dict(self.headers), "body": body.decode()}
                    self._answer(200, json.dumps(echo).encode(), {"Content-Type": "application/json"})
                elif path == "/redirect":
                    self._answer(302, b"", {"Location": "/echo"})
                elif path == "/big":
                    self._answer(200, b"x" * 2000)
                elif path == "/bomb":
                    self._answer(200, gzip.compress(b"\0" * 100_000), {"Content-Encoding": "gzip"})
                elif path == "/slow":
                    time.sleep(2)
                    self._answer(200, b"late")
                elif path == "/flaky":
                    if server.flaky:
                        server.flaky -= 1
                        self._answer(503, b"busy")
                    else:
                        self._answer(200, b"fine")
                elif path == "/cookie":
                    self._answer(200, b"ok", {"Set-Cookie": "session=abc; Path=/"})
                else:
                    self._answer(404, b"no")

            do_GET = do_POST = do_PUT = do_HEAD = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def paths(self) -> list[str]:
        return [path for _method, path, _headers, _body in self.requests]


class Proxy:
    """A small forwarding proxy: takes absolute-URI requests and forwards them, recording what it forwarded."""

    def __init__(self) -> None:
        self.forwarded: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                proxy.forwarded.append(self.path)
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=5)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "host")}
                upstream.request(self.command, target.path or "/", body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                lines = [f"HTTP/1.1 {answer.status} {answer.reason}", f"Content-Length: {len(data)}", "Via: test-proxy"]
                lines += [
                    f"{k}: {v}" for k, v in answer.getheaders() if k.lower() not in ("content-length", "connection")
                ]
                self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
                upstream.close()

            do_GET = do_POST = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def server(settings) -> Iterator[Server]:
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.1"]
    settings.SMARTGOV_OUTBOUND_PROXY = ""
    settings.SMARTGOV_OUTBOUND_RETRIES = 2
    running = Server()
    yield running
    running.server.shutdown()


def _count(host: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("smartgov_outbound_requests_total", {"host": host, "outcome": outcome}) or 0.0


# --- addresses ----------------------------------------------------------------------------------------------------
def test_loopback_is_refused_by_default_and_called_when_allowed(server, settings):
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", f"{server.url}/echo")
    assert server.requests == []  # refused before anything was sent

    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.0/8"]
    assert outbound.request("GET", f"{server.url}/echo").status == 200
    # a caller's own allow-list replaces the setting (the gateway's providers)
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", f"{server.url}/echo", allow=["10.0.0.0/8"])
    assert outbound.request("GET", f"{server.url}/echo", allow=["127.0.0.1/32"]).status == 200
    assert len(server.requests) == 2


def test_the_address_connected_to_is_checked_not_the_name(server, settings):
    """``localhost`` is a name: only the address libcurl connects to (127.0.0.1 or ::1) shows it is loopback. The
    check runs there, so a name that resolves to a public address first and a private one when connecting (DNS
    rebinding) is refused too."""
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    port = server.server.server_port
    with pytest.raises(outbound.AddressRefused, match="is not allowed"):
        outbound.request("GET", f"http://localhost:{port}/echo")
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.1", "::1"]
    assert outbound.request("GET", f"http://localhost:{port}/echo").status == 200


def test_a_connection_a_wider_allow_list_opened_is_not_reused_under_a_narrower_one(server, settings):
    assert outbound.request("GET", f"{server.url}/echo").status == 200  # kept alive under ["127.0.0.1"]
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", f"{server.url}/echo")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("169.254.169.254", False),  # link-local: cloud metadata
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("224.0.0.1", False),  # multicast
        ("ff02::1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("240.0.0.1", False),  # reserved
        ("::ffff:127.0.0.1", False),  # loopback written as IPv6
        ("not an address", False),
    ],
)
def test_only_public_unicast_addresses_pass_without_an_allow_list(address, public):
    assert address_allowed(address, ()) is public


def test_an_allow_list_names_networks():
    allow = networks(("10.20.0.0/16", "127.0.0.1", " ", "fd00::/8"))
    assert address_allowed("10.20.3.4", allow) and address_allowed("127.0.0.1", allow)
    assert address_allowed("fd00::5", allow) and address_allowed("::ffff:10.20.0.9", allow)
    assert not address_allowed("10.21.0.1", allow) and not address_allowed("127.0.0.2", allow)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
        "http:///x",
        "http://127.0.0.1:port/",
        "http://[::1/",
    ],
)
def test_only_http_and_https_addresses(server, url):
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", url)


# --- what goes out, what comes back ------------------------------------------------------------------------------
def test_a_redirect_is_returned_not_followed(server):
    answer = outbound.request("GET", f"{server.url}/redirect")
    assert answer.status == 302 and answer.header("location") == "/echo" and answer.reason == "Found"
    assert server.paths() == ["/redirect"]


def test_only_the_callers_headers_and_body_go_out(server):
    answer = outbound.request(
        "POST", f"{server.url}/echo", headers={"X-Trace": "1", "Content-Type": "application/json"}, body=b'{"a":1}'
    )
    echo = json.loads(answer.body)
    assert answer.ok and answer.header("CONTENT-TYPE") == "application/json"
    assert echo["method"] == "POST" and echo["body"] == '{"a":1}'
    sent = {k.lower(): v for k, v in echo["headers"].items()}
    assert sent["x-trace"] == "1" and sent["content-type"] == "application/json" and sent["user-agent"] == "SmartGov"
    assert "expect" not in sent and "accept" not in sent  # libcurl's own additions are off
    head = outbound.request("HEAD", f"{server.url}/echo")
    assert head.status == 200 and head.body == b""


def test_the_size_limit_applies_to_the_decoded_answer(server):
    with pytest.raises(outbound.TooLarge):
        outbound.request("GET", f"{server.url}/big", max_bytes=1000)
    assert outbound.request("GET", f"{server.url}/big", max_bytes=5000).body == b"x" * 2000
    with pytest.raises(outbound.TooLarge):  # 100 kB of zeros compressed into a few hundred bytes
        outbound.request("GET", f"{server.url}/bomb", max_bytes=10_000)
    passed_through = outbound.request("GET", f"{server.url}/bomb", max_bytes=10_000, decode=False)
    assert gzip.decompress(passed_through.body) == b"\0" * 100_000


def test_a_slow_answer_times_out(server):
    started = time.monotonic()
    with pytest.raises(outbound.TimedOut) as failure:
        outbound.request("GET", f"{server.url}/slow", timeout=0.5, retries=3)
    assert time.monotonic() - started < 1.5  # no retry after a total timeout: the server is slow, not gone
    assert not failure.value.connecting
    assert server.paths() == ["/slow"]


def test_retries_only_for_idempotent_calls(server):
    server.flaky = 2
    answer = outbound.request("GET", f"{server.url}/flaky")
    assert answer.status == 200 and server.paths() == ["/flaky"] * 3

    server.flaky, server.requests = 2, []
    answer = outbound.request("POST", f"{server.url}/flaky", body=b"once")
    assert answer.status == 503 and server.paths() == ["/flaky"]  # a POST is never repeated here

    server.flaky, server.requests = 5, []
    assert outbound.request("PUT", f"{server.url}/flaky", retries=1).status == 503
    assert server.paths() == ["/flaky"] * 2

    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_port
    closed.server_close()  # nothing listens there any more
    before = REGISTRY.get_sample_value("smartgov_outbound_retries_total", {"host": "127.0.0.1"}) or 0
    with pytest.raises(outbound.ConnectFailed):
        outbound.request("GET", f"http://127.0.0.1:{port}/")
    after = REGISTRY.get_sample_value("smartgov_outbound_retries_total", {"host": "127.0.0.1"}) or 0
    assert after - before == 2
    with pytest.raises(outbound.ConnectFailed):
        outbound.request("POST", f"http://127.0.0.1:{port}/")
    assert (REGISTRY.get_sample_value("smartgov_outbound_retries_total", {"host": "127.0.0.1"}) or 0) == after


def test_metrics_count_calls_by_host_and_outcome(server, settings):
    ok, client_error, refused = _count("127.0.0.1", "2xx"), _count("127.0.0.1", "4xx"), _count("127.0.0.1", "refused")
    timings = REGISTRY.get_sample_value("smartgov_outbound_request_seconds_count", {"host": "127.0.0.1"}) or 0
    outbound.request("GET", f"{server.url}/echo")
    outbound.request("GET", f"{server.url}/nothing-here")
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", f"{server.url}/echo")
    assert _count("127.0.0.1", "2xx") == ok + 1
    assert _count("127.0.0.1", "4xx") == client_error + 1
    assert _count("127.0.0.1", "refused") == refused + 1
    assert REGISTRY.get_sample_value("smartgov_outbound_request_seconds_count", {"host": "127.0.0.1"}) == timings + 3


# --- the proxy -----------------------------------------------------------------------------------------------------
@pytest.fixture
def proxy() -> Iterator[Proxy]:
    running = Proxy()
    yield running
    running.server.shutdown()


def test_calls_go_through_the_configured_proxy(server, proxy, settings, monkeypatch):
    settings.SMARTGOV_OUTBOUND_PROXY = proxy.url
    answer = outbound.request("GET", f"{server.url}/echo")
    assert answer.status == 200 and answer.header("Via") == "test-proxy"
    assert proxy.forwarded == [f"{server.url}/echo"] and server.paths() == ["/echo"]

    settings.SMARTGOV_OUTBOUND_NO_PROXY = ["127.0.0.1"]
    assert outbound.request("GET", f"{server.url}/echo").header("Via") == ""  # reached directly
    assert len(proxy.forwarded) == 1

    # through the proxy the name is checked here: a refused address never reaches the proxy
    settings.SMARTGOV_OUTBOUND_NO_PROXY = []
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(outbound.AddressRefused):
        outbound.request("GET", f"{server.url}/echo")
    assert len(proxy.forwarded) == 1


def test_the_environments_proxy_variables_are_ignored(server, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    assert outbound.request("GET", f"{server.url}/echo").status == 200


# --- the requests adapter ------------------------------------------------------------------------------------------
def test_requests_sessions_go_through_the_outbound_client(server, settings):
    session = OutboundSession()
    answer = session.post(f"{server.url}/echo", data={"code": "abc", "state": "xyz"}, timeout=5)
    assert answer.status_code == 200 and answer.json()["body"] == "code=abc&state=xyz"
    sent = {k.lower(): v for k, v in answer.json()["headers"].items()}
    assert sent["content-type"] == "application/x-www-form-urlencoded"
    assert answer.headers["content-type"] == "application/json"  # case-insensitive as requests has them

    moved = session.get(f"{server.url}/redirect", timeout=5)
    assert moved.status_code == 302 and moved.history == [] and server.paths()[-1] == "/redirect"

    session.get(f"{server.url}/cookie", timeout=5)
    assert session.cookies.get("session") == "abc"

    with pytest.raises(requests.ReadTimeout):
        session.get(f"{server.url}/slow", timeout=0.5)
    with pytest.raises(ResponseTooLarge):
        settings.SMARTGOV_OUTBOUND_MAX_BYTES = 100
        session.get(f"{server.url}/big", timeout=5)
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(requests.ConnectionError) as refused:
        session.get(f"{server.url}/echo", timeout=5)
    assert isinstance(refused.value, RequestsError) and isinstance(refused.value.__cause__, outbound.AddressRefused)


def test_a_plain_requests_call_is_not_what_the_session_does(server, settings):
    """The session really uses the adapter: an address the outbound client refuses is refused, while requests
    on its own (in this test only) reaches it."""
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    assert requests.get(f"{server.url}/echo", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        OutboundSession().get(f"{server.url}/echo", timeout=5)
