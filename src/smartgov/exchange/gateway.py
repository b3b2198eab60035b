"""The gateway's hot path: a plain WSGI application, in front of Django, that speaks X-Road's REST protocol.

``/r1/{instance}/{class}/{member}/{subsystem}/{service}[/path]`` with ``X-Road-Client`` is forwarded to the
provider's address once the client is authenticated (its TLS certificate, issued by the platform's CA, or an
API key in ``X-SmartGov-Api-Key``), named in ``X-Road-Client``, allowed to call that endpoint and under its
rate limit. Hop-by-hop headers are dropped both ways, redirects are passed back and never followed, bodies are
limited in size, the provider has a time limit; errors carry ``X-Road-Error`` and a JSON body with the right
status. Every call — refused ones too — is written to the message journal before the answer leaves
(the messagelog package). The registry is read from an in-memory snapshot (registry.py): no database query per request.

Metadata services (metadata.py) are answered here too: ``GET /listClients`` and, under ``/r1/{provider}/``,
``listMethods``, ``allowedMethods`` and ``getOpenAPI``.
"""

import base64
import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from prometheus_client import Counter, Histogram

from smartgov.exchange import metadata
from smartgov.exchange.errors import Refusal
from smartgov.exchange.identifiers import ClientId, client_id_parse
from smartgov.exchange.messagelog.journal import Journal, body_seal, now_iso, record_new
from smartgov.exchange.messagelog.shipper import Shipper
from smartgov.exchange.registry import Snapshot, SubsystemEntry, api_key_digest, certificate_usable, registry
from smartgov.platform import outbound
from smartgov.platform.webhooks import webhook_verify

logger = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

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
#: Where the demo's stand-in for the national population database is served (population.py).
DEMO_PROVIDER = "/mo-phong/csdl-dan-cu"
#: Where the demo's subscriber (the Department of Health's vaccination system) takes event deliveries.
DEMO_RECEIVER = "/mo-phong/nhan-su-kien"
#: Characters left as they are when the path is encoded again for the provider (RFC 3986 pchar and "/").
PATH_SAFE = "/:@!$&'()*+,;=-._~"
METADATA = frozenset({"listMethods", "allowedMethods", "getOpenAPI"})
REQUESTS = Counter("smartgov_exchange_requests_total", "Calls through the data-exchange gateway", ["service", "status"])
DURATION = Histogram(
    "smartgov_exchange_request_seconds",
    "Time spent in the gateway per call, provider included",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Payload Too Large",
    429: "Too Many Requests",
    502: "Bad Gateway",
    503: "Service Unavailable",
    500: "Internal Server Error",
    504: "Gateway Timeout",
}


def _status_line(status: int) -> str:
    return f"{status} {REASONS.get(status, 'Status')}"


def _header_name(environ_key: str) -> str:
    return environ_key[5:].replace("_", "-").title()


def _headers_back(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The provider's response headers without hop-by-hop ones."""
    listed = {t.strip().lower() for k, v in pairs if k.lower() == "connection" for t in v.split(",")}
    return [(k, v) for k, v in pairs if k.lower() not in HOP_BY_HOP and k.lower() not in listed]


def _path_text(environ: dict[str, Any]) -> str:
    """PATH_INFO as the client wrote it, decoded as UTF-8 (WSGI hands it over as latin-1)."""
    raw = environ.get("PATH_INFO", "")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def _demo_receiver(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """The demo subscriber (the Department of Health's vaccination system): takes an event delivery (POST) whose
    Standard Webhooks signature verifies with the secret of a subscription to this address, as a real subscriber
    would, and refuses anything else."""
    from smartgov.exchange.models import Subscription

    if environ.get("REQUEST_METHOD") != "POST":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = {_header_name(k): v for k, v in environ.items() if k.startswith("HTTP_")}
    subscriptions = Subscription.objects.filter(url__contains=DEMO_RECEIVER, active=True)
    secrets = list(subscriptions.values_list("secret", flat=True))
    if not secrets or not webhook_verify(secret=secrets, headers=headers, body=body):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    start_response("204 No Content", [])
    return [b""]


@dataclass
class _Call:
    """One request through the gateway, as the message log records it; filled in while it is handled."""

    method: str
    path: str
    query: str
    query_id: str
    user_id: str
    client: str
    started: float = field(default_factory=time.perf_counter)
    request_at: str = field(default_factory=now_iso)
    record: dict[str, Any] = field(default_factory=record_new)
    service: str = ""
    request_body: bytes = b""
    provider_ms: float | None = None

    @classmethod
    def of(cls, environ: dict[str, Any]) -> "_Call":
        return cls(
            method=environ.get("REQUEST_METHOD", "GET"),
            path=_path_text(environ),
            query=environ.get("QUERY_STRING", ""),
            query_id=environ.get("HTTP_X_ROAD_ID") or str(uuid.uuid4()),
            user_id=environ.get("HTTP_X_ROAD_USERID", ""),
            client=environ.get("HTTP_X_ROAD_CLIENT", "")[:300],
        )

    def headers(self) -> dict[str, str]:
        """The X-Road headers every answer carries."""
        return {"X-Road-Id": self.query_id, "X-Road-Request-Id": self.record["record_id"]}


#: What a handler answers: status, headers (the X-Road ones are added), body.
Answered = tuple[int, list[tuple[str, str]], bytes]


def _internal(method: str, path: str) -> Refusal:
    """The gateway's own failure (a bug, its database gone): said as an X-Road error, logged with its trace."""
    logger.exception("gateway failure on %s %s", method, path)
    return Refusal(500, "Server.ClientProxy.InternalError", "The gateway could not handle the request")


class Gateway:
    """``Gateway(django_app)``: gateway paths here, everything else to ``fallback``."""

    def __init__(self, fallback: WSGIApp | None = None, *, ship: bool = True, workers: int = 1) -> None:
        self.fallback = fallback
        self.workers = workers
        self._windows: dict[int, tuple[int, int]] = {}  # client id → (minute, requests in it)
        self._journal: Journal | None = None
        self._ship = ship
        self._shipper: Shipper | None = None
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------------------------------
    @property
    def journal(self) -> Journal:
        if self._journal is None:
            with self._lock:
                if self._journal is None:
                    self._journal = Journal()
                    if self._ship and settings.SMARTGOV_EXCHANGE_SHIP:
                        self._shipper = Shipper()
                        self._shipper.start()
        return self._journal

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/r1/"):
            return self.exchange(environ, start_response)
        if path == "/listClients":
            return self.list_clients(environ, start_response)
        if path.startswith(DEMO_RECEIVER) and settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER:
            return _demo_receiver(environ, start_response)
        if path.startswith("/events/"):
            return self.publish(environ, start_response)
        if path.startswith(DEMO_PROVIDER) and settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER:
            from smartgov.exchange.population import population_app

            return population_app({**environ, "PATH_INFO": path.removeprefix(DEMO_PROVIDER)}, start_response)
        if self.fallback is not None:
            return self.fallback(environ, start_response)
        return self._error(start_response, Refusal(404, "Client.InvalidRequest", "Not a gateway address"), {})

    @staticmethod
    def _error(start_response: StartResponse, refusal: Refusal, extra: dict[str, str]) -> list[bytes]:
        body = json.dumps({"type": refusal.code, "message": refusal.message}, ensure_ascii=False).encode()
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Road-Error", refusal.code),
            *extra.items(),
        ]
        start_response(_status_line(refusal.status), headers)
        return [body]

    # -- who is calling -----------------------------------------------------------------------------------------
    def authenticate(self, environ: dict[str, Any], snap: Snapshot) -> SubsystemEntry:
        """The subsystem that proved itself with a certificate or a key, and names itself in X-Road-Client."""
        named_text = environ.get("HTTP_X_ROAD_CLIENT", "")
        if not named_text:
            raise Refusal(400, "Client.InvalidClientIdentifier", "The X-Road-Client header is missing")
        named = client_id_parse(named_text)
        if named is None:
            raise Refusal(400, "Client.InvalidClientIdentifier", "X-Road-Client is not INSTANCE/CLASS/MEMBER/SUBSYSTEM")
        proven: str | None = None
        if environ.get("SSL_CLIENT_VERIFY") == "SUCCESS" and environ.get("SSL_CLIENT_M_SERIAL"):
            entry = snap.certificates.get(environ["SSL_CLIENT_M_SERIAL"].upper().lstrip("0") or "0")
            if not certificate_usable(entry):
                raise Refusal(
                    401,
                    "Server.ClientProxy.SslAuthenticationFailed",
                    "The client certificate is revoked, expired or unknown",
                )
            assert entry is not None  # noqa: S101 - certificate_usable checked it
            proven = entry.subsystem
        elif environ.get("HTTP_X_SMARTGOV_API_KEY"):
            proven = snap.api_keys.get(api_key_digest(environ["HTTP_X_SMARTGOV_API_KEY"]))
            if proven is None:
                raise Refusal(401, "Server.ClientProxy.AuthenticationFailed", "The API key is unknown or revoked")
        else:
            raise Refusal(401, "Server.ClientProxy.AuthenticationFailed", "No client certificate and no API key")
        if proven != str(named):
            raise Refusal(
                403, "Server.ClientProxy.ClientIdentifierMismatch", "X-Road-Client is not the authenticated client"
            )
        client = snap.subsystems.get(proven)
        if client is None or not client.enabled:
            raise Refusal(403, "Server.ClientProxy.ClientDisabled", "The client subsystem is disabled")
        return client

    def rate_check(self, client: SubsystemEntry) -> None:
        """A fixed one-minute window per client, counted in this process: a gateway run with N worker processes
        gives each of them 1/N of ``SMARTGOV_EXCHANGE_RATE_LIMIT`` (``workers`` below)."""
        limit = settings.SMARTGOV_EXCHANGE_RATE_LIMIT
        if not limit:
            return
        limit = max(1, limit // self.workers)
        minute = int(time.time() // 60)
        with self._lock:
            window, used = self._windows.get(client.id, (minute, 0))
            used = used + 1 if window == minute else 1
            self._windows[client.id] = (minute, used)
        if used > limit:
            raise Refusal(429, "Server.ClientProxy.RateLimitExceeded", f"More than {limit} requests in a minute")

    # -- the metadata services ----------------------------------------------------------------------------------
    def list_clients(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        body, content_type = metadata.list_clients(registry(), accept=environ.get("HTTP_ACCEPT", ""))
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    # -- answering and logging, the same for every kind of request ----------------------------------------------
    def _answer(
        self, environ: dict[str, Any], start_response: StartResponse, handle: Callable[[_Call], Answered]
    ) -> list[bytes]:
        """Run ``handle``; a refusal or a failure of its own becomes an X-Road error. Either way the call is in the
        journal before the answer leaves, and counted."""
        call = _Call.of(environ)
        error = ""
        try:
            status, headers, body = handle(call)
            out = [*headers, *call.headers().items(), ("Content-Length", str(len(body)))]
            start_response(_status_line(status), out)
        except Exception as exc:
            refusal = exc if isinstance(exc, Refusal) else _internal(call.method, call.path)
            status, error = refusal.status, refusal.code
            body = self._error(start_response, refusal, call.headers())[0]
        duration = round((time.perf_counter() - call.started) * 1000, 3)
        self._log(call, duration, status, error, body)
        label = call.service if not error or error.startswith("Server.ServerProxy.ServiceFailed") else "refused"
        REQUESTS.labels(label, str(status)).inc()
        DURATION.labels(label).observe(duration / 1000)
        return [body]

    # -- events -------------------------------------------------------------------------------------------------
    def publish(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """``POST /events/{topic}`` with a JSON body: the topic's publisher hands over an event (events.py)."""
        return self._answer(environ, start_response, lambda call: self._publish(environ, call))

    def _publish(self, environ: dict[str, Any], call: _Call) -> Answered:
        from smartgov.exchange.events import event_publish
        from smartgov.exchange.models import Subsystem
        from smartgov.platform.errors import Forbidden, NotFound

        topic = call.path.removeprefix("/events/").strip("/")
        call.service = f"events/{topic}"
        if call.method != "POST":
            raise Refusal(405, "Client.InvalidRequest", "Publish an event with POST")
        client = self.authenticate(environ, registry())
        call.client = str(client.client)
        self.rate_check(client)
        call.request_body = self._read_body(environ)
        try:
            payload = json.loads(call.request_body or b"null")
        except ValueError as exc:
            raise Refusal(400, "Client.InvalidRequest", "The event is not JSON") from exc
        if not isinstance(payload, dict):
            raise Refusal(400, "Client.InvalidRequest", "The event must be a JSON object")
        try:
            event = event_publish(publisher=Subsystem.objects.get(pk=client.id), topic_code=topic, payload=payload)
        except NotFound as exc:
            raise Refusal(404, "Server.ServerProxy.UnknownTopic", f"No topic {topic!r}") from exc
        except Forbidden as exc:
            raise Refusal(403, "Server.ServerProxy.AccessDenied", f"{call.client} does not publish {topic!r}") from exc
        return 202, [("Content-Type", "application/json")], json.dumps({"id": str(event.id)}).encode()

    # -- a call -------------------------------------------------------------------------------------------------
    def exchange(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        return self._answer(environ, start_response, lambda call: self._exchange(environ, call))

    def _exchange(self, environ: dict[str, Any], call: _Call) -> Answered:
        parts = call.path.split("/", 7)  # '', 'r1', instance, class, member, subsystem, service, rest
        if len(parts) < 6:
            raise Refusal(
                400, "Client.InvalidRequest", "The address is not /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE"
            )
        provider = ClientId(*parts[2:6])
        snap = registry()
        client = self.authenticate(environ, snap)
        call.client = str(client.client)
        if len(parts) == 7 and parts[6] in METADATA and provider.instance == settings.SMARTGOV_EXCHANGE_INSTANCE:
            call.service = f"{provider}/{parts[6]}"
            status, content_type, body = metadata.answer(
                snap, client, provider, parts[6], query=call.query, accept=environ.get("HTTP_ACCEPT", "")
            )
            headers = [("Content-Type", content_type)]
        else:
            if len(parts) < 7 or not parts[6]:
                raise Refusal(400, "Client.InvalidRequest", "The service code is missing from the address")
            call.service = f"{provider}/{parts[6]}"
            rest = "/" + parts[7] if len(parts) == 8 else ""
            service = snap.services.get(call.service)
            if service is None:
                raise Refusal(404, "Server.ServerProxy.UnknownService", f"No service {call.service}")
            if not service.enabled:
                raise Refusal(503, "Server.ServerProxy.ServiceDisabled", f"The service {call.service} is disabled")
            if not snap.may_call(client, service, call.method, rest or "/"):
                raise Refusal(
                    403,
                    "Server.ServerProxy.AccessDenied",
                    f"{call.client} may not call {call.method} {rest or '/'} of {call.service}",
                )
            self.rate_check(client)
            call.request_body = self._read_body(environ)
            headers_out = {
                name: value
                for key, value in environ.items()
                if key.startswith("HTTP_") and (name := _header_name(key)).lower() not in HOP_BY_HOP
            }
            if environ.get("CONTENT_TYPE"):
                headers_out["Content-Type"] = environ["CONTENT_TYPE"]
            headers_out.update(
                {"X-Road-Client": call.client, "X-Road-Service": call.service, "X-Road-Id": call.query_id}
            )
            if call.user_id:
                headers_out["X-Road-UserId"] = call.user_id
            url = service.url + quote(rest, safe=PATH_SAFE) + (f"?{call.query}" if call.query else "")
            called = time.perf_counter()
            status, headers, body = self._forward(call.method, url, headers_out, call.request_body, service.timeout)
            call.provider_ms = round((time.perf_counter() - called) * 1000, 3)
        request_hash = base64.b64encode(
            hashlib.sha512(
                f"{call.method} {call.path}?{call.query}\n{call.query_id}\n".encode() + call.request_body
            ).digest()
        ).decode()
        x_road = [
            ("X-Road-Client", call.client),
            ("X-Road-Service", call.service),
            ("X-Road-Request-Hash", request_hash),
        ]
        return status, [*headers, *x_road], body

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        limit = settings.SMARTGOV_EXCHANGE_MAX_BODY
        length_text = environ.get("CONTENT_LENGTH") or ""
        if length_text:
            try:
                length = int(length_text)
            except ValueError as exc:
                raise Refusal(400, "Client.InvalidRequest", "Content-Length is not a number") from exc
            if length > limit:
                raise Refusal(413, "Client.RequestTooLarge", f"The request body is larger than {limit} bytes")
            return environ["wsgi.input"].read(length) if length else b""
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            data = environ["wsgi.input"].read(limit + 1)
            if len(data) > limit:
                raise Refusal(413, "Client.RequestTooLarge", f"The request body is larger than {limit} bytes")
            return data
        return b""

    @staticmethod
    def _forward(
        method: str, url: str, headers: dict[str, str], body: bytes, timeout: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One call to the provider through the platform's outbound client: no redirect followed, time and size
        limited, no retry (the client decides), bodies passed through as they are, and only to a public address or
        one in ``SMARTGOV_EXCHANGE_PROVIDER_ALLOW`` (the registry names the addresses)."""
        limit = settings.SMARTGOV_EXCHANGE_MAX_BODY
        try:
            answer = outbound.request(
                method, url, headers=headers, body=body, timeout=timeout, connect_timeout=min(timeout, 5.0),
                max_bytes=limit, allow=settings.SMARTGOV_EXCHANGE_PROVIDER_ALLOW, retries=0, decode=False,
            )  # fmt: skip
        except outbound.TooLarge as exc:
            raise Refusal(
                502,
                "Server.ServerProxy.ServiceFailed.ResponseTooLarge",
                f"The provider's answer is larger than {limit} bytes",
            ) from exc
        except outbound.TimedOut as exc:
            raise Refusal(
                504, "Server.ServerProxy.ServiceFailed.Timeout", "The provider did not answer in time"
            ) from exc
        except outbound.AddressRefused as exc:
            logger.warning("provider address refused: %s", exc)
            raise Refusal(
                502, "Server.ServerProxy.ServiceFailed.NetworkError", "The provider's address is not allowed"
            ) from exc
        except outbound.OutboundError as exc:
            raise Refusal(
                502, "Server.ServerProxy.ServiceFailed.NetworkError", "The provider cannot be reached"
            ) from exc
        return answer.status, _headers_back(answer.headers), answer.body

    def _log(self, call: _Call, duration: float, status: int, error: str, response_body: bytes) -> None:
        record = call.record
        record.update(
            query_id=call.query_id[:100],
            client=call.client,
            service=call.service[:300],
            method=call.method[:8],
            path=(call.path + (f"?{call.query}" if call.query else ""))[:1000],
            user_id=call.user_id[:200],
            request_at=call.request_at,
            duration_ms=duration,
            provider_ms=call.provider_ms,
            status=status,
            error=error,
            request_size=len(call.request_body),
            response_size=len(response_body),
            request_hash=hashlib.sha256(call.request_body).hexdigest(),
            response_hash=hashlib.sha256(response_body).hexdigest(),
        )
        if settings.SMARTGOV_EXCHANGE_LOG_BODIES:
            record["request_body"] = body_seal(call.request_body)
            record["response_body"] = body_seal(response_body)
            record["encrypted"] = bool(settings.SMARTGOV_EXCHANGE_LOG_KEY)
        self.journal.write(record)
