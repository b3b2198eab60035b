"""The one outbound HTTP client: every call the platform makes to another system goes through :func:`request`
(webhooks, the national portal's push, the gateway's calls to providers, the remote gateway) or, for libraries
built on ``requests`` (Authlib), through the transport adapter in :mod:`smartgov.platform.outbound.adapter`.

It runs on libcurl (pycurl), one handle per thread kept between calls, so connections stay alive (a quarter of
urllib3's Python work per call, docs/benchmarks.md). Per call:

- **http and https only; no redirects**: a 3xx comes back as it is;
- **addresses**: no loopback, private, link-local, multicast, reserved or otherwise non-public address unless it
  is in the allow-list (``SMARTGOV_OUTBOUND_ALLOW``, or the caller's own, e.g. the gateway's providers). The check
  runs on the address libcurl actually connects to (``OPENSOCKETFUNCTION``), after its own name resolution, so a
  name that resolves to a public address when checked and to a private one when connecting (DNS rebinding) is
  still refused. Through a proxy, the proxy connects: the name is resolved here and refused when it resolves to
  a forbidden address; the proxy must apply its own rules to what it resolves;
- **limits**: a connect timeout, a total timeout, a response size limit (bodies are decoded first, so a
  compressed bomb stops at the limit);
- **proxy**: ``SMARTGOV_OUTBOUND_PROXY`` except for ``SMARTGOV_OUTBOUND_NO_PROXY`` hosts (the environment's proxy
  variables are ignored: the settings are the one configuration);
- **retries** with back-off for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) on connection failures,
  connect timeouts and 500/502/503/504 answers; never for POST or PATCH (their callers retry: the delivery engine);
- **metrics**: ``smartgov_outbound_requests_total{host, outcome}``, ``smartgov_outbound_retries_total{host}`` and
  ``smartgov_outbound_request_seconds{host}``.
"""

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import pycurl
from django.conf import settings
from prometheus_client import Counter, Histogram

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: First pause between retries (doubling, at most RETRY_PAUSE_MAX).
RETRY_PAUSE = 0.2
RETRY_PAUSE_MAX = 2.0
USER_AGENT = "SmartGov"

REQUESTS = Counter(
    "smartgov_outbound_requests_total",
    "Outbound HTTP calls by target host and outcome (2xx…5xx, refused, timeout, too_large, error)",
    ["host", "outcome"],
)
RETRIES = Counter("smartgov_outbound_retries_total", "Outbound HTTP calls retried, by target host", ["host"])
DURATION = Histogram(
    "smartgov_outbound_request_seconds",
    "Time of outbound HTTP calls, retries included",
    ["host"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class OutboundError(Exception):
    """The call got no answer. ``url`` is the address called."""

    outcome = "error"

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class AddressRefused(OutboundError):
    """Not an http(s) address, or an address that is not public and not in the allow-list."""

    outcome = "refused"


class ConnectFailed(OutboundError):
    """The name did not resolve, the connection was refused or broke, TLS failed."""


class TimedOut(OutboundError):
    """No answer in time. ``connecting``: the connection itself did not open in time."""

    outcome = "timeout"

    def __init__(self, message: str, *, url: str = "", connecting: bool = False) -> None:
        super().__init__(message, url=url)
        self.connecting = connecting


class TooLarge(OutboundError):
    """The answer is larger than the size limit."""

    outcome = "too_large"


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    #: The final response's headers (after any 100 Continue), in order, repeated names kept.
    headers: list[tuple[str, str]]
    body: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def header(self, name: str, default: str = "") -> str:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), default)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


# --- addresses --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse an allow-list (addresses or CIDR networks, e.g. ``10.20.0.0/16``, ``127.0.0.1``, ``::1``)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def address_allowed(address: str, allow: Sequence[Network]) -> bool:
    """A public unicast address, or one the allow-list names."""
    try:
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast and not ip.is_reserved:
        return True
    return any(ip in network for network in allow)


def _resolved_allowed(host: str, port: int, allow: Sequence[Network]) -> bool:
    """For a proxied call: the name resolved here (a name the proxy alone can resolve is left to it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return True
    return all(address_allowed(str(info[4][0]), allow) for info in infos)


def _proxy_for(host: str) -> str:
    proxy = settings.SMARTGOV_OUTBOUND_PROXY
    if not proxy:
        return ""
    for entry in settings.SMARTGOV_OUTBOUND_NO_PROXY:
        suffix = entry.strip().lower().lstrip(".")
        if suffix and (host == suffix or host.endswith("." + suffix)):
            return ""
    return str(proxy)


# --- one libcurl handle per thread ------------------------------------------------------------------------------
_local = threading.local()
#: Handles inherited through fork(): kept, never cleaned up, so the child never closes or shuts down TLS on
#: sockets its parent still uses.
_inherited: list[threading.local] = []


def _after_fork() -> None:
    global _local
    _inherited.append(_local)
    _local = threading.local()


os.register_at_fork(after_in_child=_after_fork)


def _handle(allow: tuple[str, ...]) -> pycurl.Curl:
    """This thread's handle for calls under this allow-list. A handle's kept-alive connections were opened under
    its own allow-list only: a call under a narrower list never reuses a connection a wider one allowed."""
    handles: dict[tuple[str, ...], pycurl.Curl] | None = getattr(_local, "handles", None)
    if handles is None:
        handles = _local.handles = {}
    handle = handles.get(allow)
    if handle is None:
        handle = handles[allow] = pycurl.Curl()
    else:
        handle.reset()  # the options go; the connections stay alive
    return handle


class _Call:
    """One attempt's libcurl plumbing: the body under its limit, the headers, the address check."""

    __slots__ = ("allow", "chunks", "limit", "raw_headers", "received", "refused")

    def __init__(self, allow: Sequence[Network], limit: int) -> None:
        self.allow = allow
        self.limit = limit
        self.chunks: list[bytes] = []
        self.raw_headers: list[bytes] = []
        self.received = 0
        self.refused = ""

    def write(self, data: bytes) -> int | None:
        self.received += len(data)
        if self.received > self.limit:
            return 0  # libcurl stops with a write error
        self.chunks.append(data)
        return None

    def opensocket(self, purpose: int, address: Any) -> socket.socket | int:
        host = str(address.addr[0])
        if not address_allowed(host, self.allow):
            self.refused = host
            return pycurl.SOCKET_BAD
        return socket.socket(address.family, address.socktype, address.protocol)

    def answer(self) -> tuple[str, list[tuple[str, str]]]:
        """The final response block's reason phrase and headers."""
        raw = self.raw_headers
        last = 0  # a new response block after 100 Continue: keep only the last
        for index, line in enumerate(raw):
            if line.startswith(b"HTTP/"):
                last = index
        parts = raw[last].decode("latin-1").rstrip("\r\n").split(" ", 2) if raw else []
        headers = []
        for line in raw[last + 1 :]:
            name, sep, value = line.decode("latin-1").partition(":")
            if sep:
                headers.append((name.strip(), value.strip()))
        return (parts[2] if len(parts) == 3 else ""), headers


def _perform(
    method: str,
    url: str,
    header_lines: list[str],
    body: bytes,
    *,
    connect_timeout: float,
    timeout: float,
    limit: int,
    allow: tuple[Network, ...],
    allow_key: tuple[str, ...],
    proxy: str,
    verify: bool | str,
    client_cert: tuple[str, str] | None,
    decode: bool,
) -> Response:
    call = _Call(allow, limit)
    curl = _handle(allow_key)
    curl.setopt(pycurl.URL, url)
    curl.setopt(pycurl.NOSIGNAL, 1)
    curl.setopt(pycurl.FOLLOWLOCATION, 0)
    curl.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
    if method == "HEAD":
        curl.setopt(pycurl.NOBODY, 1)
    elif method != "GET":
        curl.setopt(pycurl.CUSTOMREQUEST, method)
    if body:
        curl.setopt(pycurl.POSTFIELDS, body)
        curl.setopt(pycurl.POSTFIELDSIZE, len(body))
    curl.setopt(pycurl.HTTPHEADER, header_lines)
    curl.setopt(pycurl.WRITEFUNCTION, call.write)
    curl.setopt(pycurl.HEADERFUNCTION, call.raw_headers.append)
    curl.setopt(pycurl.CONNECTTIMEOUT_MS, max(1, int(connect_timeout * 1000)))
    curl.setopt(pycurl.TIMEOUT_MS, max(1, int(timeout * 1000)))
    curl.setopt(pycurl.PROXY, proxy)  # "" switches libcurl's use of the environment's proxy variables off
    if not proxy:
        curl.setopt(pycurl.OPENSOCKETFUNCTION, call.opensocket)
    if decode:
        curl.setopt(pycurl.ACCEPT_ENCODING, "")  # every encoding libcurl decodes
    if verify is False:
        curl.setopt(pycurl.SSL_VERIFYPEER, 0)
        curl.setopt(pycurl.SSL_VERIFYHOST, 0)
    elif isinstance(verify, str):
        curl.setopt(pycurl.CAINFO, verify)
    elif url.startswith("https:") and settings.SMARTGOV_OUTBOUND_CA_BUNDLE:
        curl.setopt(pycurl.CAINFO, settings.SMARTGOV_OUTBOUND_CA_BUNDLE)
    if client_cert is not None:
        curl.setopt(pycurl.SSLCERT, client_cert[0])
        curl.setopt(pycurl.SSLKEY, client_cert[1])
    try:
        curl.perform()
    except pycurl.error as exc:
        code = exc.args[0]
        message = str(exc.args[1]) if len(exc.args) > 1 else str(code)
        if call.refused:
            raise AddressRefused(f"the address {call.refused} is not allowed", url=url) from exc
        if code == pycurl.E_WRITE_ERROR and call.received > limit:
            raise TooLarge(f"the answer is larger than {limit} bytes", url=url) from exc
        if code == pycurl.E_OPERATION_TIMEDOUT:
            connecting = curl.getinfo(pycurl.CONNECT_TIME) == 0
            raise TimedOut(message, url=url, connecting=connecting) from exc
        if code == pycurl.E_UNSUPPORTED_PROTOCOL:
            raise AddressRefused(message, url=url) from exc
        raise ConnectFailed(message, url=url) from exc
    reason, headers = call.answer()
    return Response(curl.getinfo(pycurl.RESPONSE_CODE), reason, headers, b"".join(call.chunks), url)


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    timeout: float | None = None,
    connect_timeout: float | None = None,
    max_bytes: int | None = None,
    allow: Sequence[str] | None = None,
    retries: int | None = None,
    verify: bool | str = True,
    client_cert: tuple[str, str] | None = None,
    decode: bool = True,
) -> Response:
    """Call ``url`` and return its answer, whatever the status (3xx included: redirects are never followed).

    ``allow`` replaces ``SMARTGOV_OUTBOUND_ALLOW`` (networks a non-public address may be in); ``verify`` is True,
    False or a CA file; ``decode=False`` passes compressed bodies through as they came. Raises
    :class:`OutboundError` (:class:`AddressRefused`, :class:`ConnectFailed`, :class:`TimedOut`,
    :class:`TooLarge`) when there is no answer."""
    method = method.upper()
    started = time.perf_counter()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # a port that is not a number, a broken IPv6 literal
        _measure("", AddressRefused.outcome, started)
        raise AddressRefused(f"not a usable address: {exc}", url=url) from exc
    allow_key = tuple(settings.SMARTGOV_OUTBOUND_ALLOW if allow is None else allow)
    allowed = networks(allow_key)
    try:
        if parts.scheme not in ("http", "https") or not host:
            raise AddressRefused("only http and https addresses are called", url=url)
        proxy = _proxy_for(host)
        if proxy and not _resolved_allowed(host, port, allowed):
            raise AddressRefused(f"{host} resolves to an address that is not allowed", url=url)
        given: set[str] = set()
        lines: list[str] = []
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            lowered = name.lower()
            given.add(lowered)
            if not (decode and lowered == "accept-encoding"):
                lines.append(f"{name}: {value}")
        # libcurl's own additions are switched off: only what the caller gives goes out
        lines += [f"{name}:" for name in ("Accept", "Expect", "Content-Type") if name.lower() not in given]
        if "user-agent" not in given:
            lines.append(f"User-Agent: {USER_AGENT}")
        tries = (settings.SMARTGOV_OUTBOUND_RETRIES if retries is None else retries) if method in IDEMPOTENT else 0
        attempt = 0
        while True:
            try:
                response = _perform(
                    method,
                    url,
                    lines,
                    body,
                    connect_timeout=(
                        settings.SMARTGOV_OUTBOUND_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
                    ),
                    timeout=settings.SMARTGOV_OUTBOUND_TIMEOUT if timeout is None else timeout,
                    limit=settings.SMARTGOV_OUTBOUND_MAX_BYTES if max_bytes is None else max_bytes,
                    allow=allowed,
                    allow_key=allow_key,
                    proxy=proxy,
                    verify=verify,
                    client_cert=client_cert,
                    decode=decode,
                )
            except (ConnectFailed, TimedOut) as exc:
                if attempt >= tries or (isinstance(exc, TimedOut) and not exc.connecting):
                    raise
            else:
                if attempt >= tries or response.status not in RETRY_STATUSES:
                    break
            RETRIES.labels(host).inc()
            time.sleep(min(RETRY_PAUSE * 2**attempt, RETRY_PAUSE_MAX))
            attempt += 1
    except OutboundError as exc:
        _measure(host, exc.outcome, started)
        raise
    _measure(host, _STATUS_CLASSES[min(response.status // 100, 5)], started)
    return response


_STATUS_CLASSES = ("1xx", "1xx", "2xx", "3xx", "4xx", "5xx")
#: The metrics' children by label: looking them up through ``labels()`` costs a lock and a tuple per call.
_children: dict[tuple[str, str], tuple[Any, Any]] = {}


def _measure(host: str, outcome: str, started: float) -> None:
    key = (host, outcome)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (REQUESTS.labels(host, outcome), DURATION.labels(host))
    children[0].inc()
    children[1].observe(time.perf_counter() - started)
