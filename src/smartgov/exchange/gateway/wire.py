"""What goes in and out of the gateway, whatever carries it: ``GatewayRequest`` and ``GatewayAnswer``.

The WSGI application (``app.Gateway.__call__``) turns an environ into a ``GatewayRequest``; the platform's own
calls (``services.client.GatewayClient``) build one directly. Both get a ``GatewayAnswer`` from
``Gateway.handle``."""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import unquote

from smartgov.exchange.domain.errors import Refusal

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "x-smartgov-api-key",
        "x-road-client",
        "x-road-service",
        "x-road-id",
        "x-road-userid",
        "x-road-request-id",
        "x-road-request-hash",
        "x-road-error",
    }
)
#: Characters left as they are when the path is encoded again for the provider (RFC 3986 pchar and "/").
PATH_SAFE = "/:@!$&'()*+,;=-._~"
#: The metadata services answered under ``/r1/{provider}/``.
METADATA = frozenset({"listMethods", "allowedMethods", "getOpenAPI"})
REASONS = {
    200: "OK",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    411: "Length Required",
    413: "Payload Too Large",
    429: "Too Many Requests",
    502: "Bad Gateway",
    503: "Service Unavailable",
    500: "Internal Server Error",
    504: "Gateway Timeout",
}

StartResponse = Callable[..., Any]

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_check(path: str) -> None:
    """Refuse (400) an address a provider could read as another path than the one the rights were checked on: a
    dot segment (``.``, ``..``, also with ``;parameters``), a backslash, an encoded slash or a control character —
    encoded or not, however many times (``%2e``, ``%252e``). The path is checked as written and as fully
    percent-decoded (a server may already have decoded it once, a provider may decode it again); nothing is
    normalised, so what was checked is what is forwarded."""
    decoded = path
    for _ in range(4):
        if not _PERCENT.search(decoded):
            break
        decoded = unquote(decoded)
    else:
        raise Refusal(400, "Client.InvalidRequest", "The address is percent-encoded too many times")
    smuggled = (
        "\\" in decoded
        or decoded.count("/") != path.count("/")
        or _CONTROL.search(decoded)
        or any(segment.split(";", 1)[0].strip() in (".", "..") for segment in decoded.split("/"))
    )
    if smuggled:
        raise Refusal(
            400,
            "Client.InvalidRequest",
            "The address has a dot segment, a backslash or an encoded slash (encoded or not): refused",
        )


def status_line(status: int) -> str:
    return f"{status} {REASONS.get(status, 'Status')}"


def header_name(environ_key: str) -> str:
    """``HTTP_X_ROAD_CLIENT`` → ``X-Road-Client``."""
    return environ_key[5:].replace("_", "-").title()


def headers_back(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The provider's response headers without hop-by-hop ones."""
    listed = {t.strip().lower() for k, v in pairs if k.lower() == "connection" for t in v.split(",")}
    return [(k, v) for k, v in pairs if k.lower() not in HOP_BY_HOP and k.lower() not in listed]


def path_text(environ: Mapping[str, Any]) -> str:
    """PATH_INFO as the client wrote it, decoded as UTF-8 (WSGI hands it over as latin-1)."""
    raw = environ.get("PATH_INFO", "")
    try:
        return str(raw.encode("latin-1").decode("utf-8"))
    except UnicodeError:
        return str(raw)


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``: fewer only where it ends."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 1 << 16))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


@dataclass
class GatewayRequest:
    """One call to the gateway: method, path (decoded text), query string, headers (names in any case), body.

    ``certificate_serial`` is the serial (hex) of a TLS client certificate the server verified, if any. A request
    read from a socket keeps its body in ``stream`` (with ``content_length``): it is read, under the size limit,
    only once the call got that far."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    certificate_serial: str = ""
    stream: IO[bytes] | None = None
    content_length: str = ""
    #: The server de-chunked a chunked body and ends the stream with it (``wsgi.input_terminated``).
    input_terminated: bool = False

    def __post_init__(self) -> None:
        self._by_name = {name.lower(): value for name, value in self.headers.items()}

    def header(self, name: str, default: str = "") -> str:
        return self._by_name.get(name.lower(), default)

    def forwardable(self) -> dict[str, str]:
        """The headers the provider may see (no hop-by-hop or X-Road ones), as the client named them."""
        return {name.title(): value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}

    def read_body(self, limit: int) -> bytes:
        """The body, read whatever the server handed over (docs/exchange.md, "Bodies"): refused when larger than
        ``limit`` bytes (413), when its Content-Length is not a number or it is shorter than that (400), when it is
        chunked and the server did not de-chunk it (411: wsgiref and Django's runserver pass the raw socket, or
        nothing, on). Never more than ``limit`` + 1 bytes are read from the stream."""
        if self.stream is None:
            if len(self.body) > limit:
                raise Refusal(413, "Client.RequestTooLarge", f"The request body is larger than {limit} bytes")
            return self.body
        encoding = self.header("Transfer-Encoding").strip().lower()
        if encoding:
            if self.content_length:
                raise Refusal(400, "Client.InvalidRequest", "Content-Length and Transfer-Encoding together")
            if encoding != "chunked":
                raise Refusal(400, "Client.InvalidRequest", "Only the chunked transfer coding is accepted")
            if not self.input_terminated:
                raise Refusal(411, "Client.InvalidRequest", "Send the body with a Content-Length")
            data = _read_at_most(self.stream, limit + 1)
            if len(data) > limit:
                raise Refusal(413, "Client.RequestTooLarge", f"The request body is larger than {limit} bytes")
            return data
        if not self.content_length:
            return b""
        if not (self.content_length.isascii() and self.content_length.isdigit()):
            raise Refusal(400, "Client.InvalidRequest", "Content-Length is not a number")
        length = int(self.content_length)
        if length > limit:
            raise Refusal(413, "Client.RequestTooLarge", f"The request body is larger than {limit} bytes")
        data = _read_at_most(self.stream, length)
        if len(data) < length:
            raise Refusal(400, "Client.InvalidRequest", "The request body is shorter than its Content-Length")
        return data

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> "GatewayRequest":
        headers = {header_name(k): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        verified = environ.get("SSL_CLIENT_VERIFY") == "SUCCESS"
        return cls(
            method=environ.get("REQUEST_METHOD", "GET"),
            path=path_text(environ),
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            certificate_serial=environ.get("SSL_CLIENT_M_SERIAL", "") if verified else "",
            stream=environ.get("wsgi.input"),
            content_length=environ.get("CONTENT_LENGTH") or "",
            input_terminated=bool(environ.get("wsgi.input_terminated")),
        )


@dataclass
class GatewayAnswer:
    """The gateway's answer: status, headers (X-Road ones included), body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), default)

    @property
    def error(self) -> str:
        """The X-Road error code of a refusal ("" when the gateway passed the call on)."""
        return self.header("X-Road-Error")

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @classmethod
    def refusal(cls, refusal: Refusal, extra: Mapping[str, str]) -> "GatewayAnswer":
        body = json.dumps({"type": refusal.code, "message": refusal.message}, ensure_ascii=False).encode()
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Road-Error", refusal.code),
            *extra.items(),
        ]
        return cls(refusal.status, headers, body)

    def send(self, start_response: StartResponse) -> list[bytes]:
        """Answer over WSGI."""
        start_response(status_line(self.status), self.headers)
        return [self.body]
