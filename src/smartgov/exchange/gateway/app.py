"""The gateway's hot path: ``Gateway.handle(GatewayRequest) -> GatewayAnswer``, and the same as a plain WSGI
application that speaks X-Road's REST protocol.

``/r1/{instance}/{class}/{member}/{subsystem}/{service}[/path]`` with ``X-Road-Client`` is forwarded to the
provider's address once the client is authenticated (its TLS certificate, issued by the platform's CA, or an
API key in ``X-SmartGov-Api-Key``), named in ``X-Road-Client``, allowed to call that endpoint and under its
rate limit. Hop-by-hop headers are dropped both ways, redirects are passed back and never followed, bodies are
limited in size, the provider has a time limit; errors carry ``X-Road-Error`` and a JSON body with the right
status. Every call — refused ones too — is written to the message journal before the answer leaves
(the messagelog package). The registry is read from an in-memory snapshot (registry.py): no database query per request.

Metadata services (metadata.py) are answered here too: ``GET /listClients`` and, under ``/r1/{provider}/``,
``listMethods``, ``allowedMethods`` and ``getOpenAPI``.

A gateway only answers and journals: it never ships its journal into the database. ``smartgov exchange serve``
ships from its supervising process, and the Celery beat job ``exchange.ship_message_log`` ships the journals of
gateways served inside the web workers (the front door) and of the platform's in-process calls.
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

from smartgov.exchange.domain.errors import Refusal
from smartgov.exchange.domain.identifiers import ClientId, client_id_parse
from smartgov.exchange.gateway import metadata
from smartgov.exchange.gateway.demo import DEMO_PROVIDER, DEMO_RECEIVER, demo_provider, demo_receiver
from smartgov.exchange.gateway.forward import provider_call
from smartgov.exchange.gateway.wire import METADATA, PATH_SAFE, GatewayAnswer, GatewayRequest, StartResponse, path_check
from smartgov.exchange.messagelog.journal import Journal, body_seal, now_iso, record_new
from smartgov.exchange.registry import Snapshot, SubsystemEntry, api_key_digest, certificate_usable, registry

logger = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

REQUESTS = Counter("smartgov_exchange_requests_total", "Calls through the data-exchange gateway", ["service", "status"])
DURATION = Histogram(
    "smartgov_exchange_request_seconds",
    "Time spent in the gateway per call, provider included",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


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
    def of(cls, request: GatewayRequest) -> "_Call":
        return cls(
            method=request.method,
            path=request.path,
            query=request.query,
            query_id=request.header("X-Road-Id") or str(uuid.uuid4()),
            user_id=request.header("X-Road-UserId"),
            client=request.header("X-Road-Client")[:300],
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
    """``Gateway(django_app)``: gateway paths here, everything else to ``fallback``. ``workers``: how many
    processes share the rate limit (``smartgov exchange serve --workers``)."""

    def __init__(self, fallback: WSGIApp | None = None, *, workers: int = 1) -> None:
        self.fallback = fallback
        self.workers = workers
        self._windows: dict[int, tuple[int, int]] = {}  # client id → (minute, requests in it)
        self._journal: Journal | None = None
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------------------------------
    @property
    def journal(self) -> Journal:
        if self._journal is None:
            with self._lock:
                if self._journal is None:
                    self._journal = Journal()
        return self._journal

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI application: the gateway's addresses, the demo's stand-ins, everything else to ``fallback``."""
        path = environ.get("PATH_INFO", "")
        if path.startswith(DEMO_RECEIVER) and settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER:
            return demo_receiver(environ, start_response)
        if path.startswith(DEMO_PROVIDER) and settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER:
            return demo_provider(environ, start_response)
        if not self.answers(path) and self.fallback is not None:
            return self.fallback(environ, start_response)
        return self.handle(GatewayRequest.from_environ(environ)).send(start_response)

    @staticmethod
    def answers(path: str) -> bool:
        """Whether ``path`` is one of the gateway's own addresses."""
        return path.startswith(("/r1/", "/events/")) or path == "/listClients"

    def handle(self, request: GatewayRequest) -> GatewayAnswer:
        """The gateway's Python interface: one call, answered (refusals too) and journalled."""
        path = request.path
        if path.startswith("/r1/"):
            return self._answer(request, self._exchange)
        if path == "/listClients":
            return self.list_clients(request)
        if path.startswith("/events/"):
            return self._answer(request, self._publish)
        return GatewayAnswer.refusal(Refusal(404, "Client.InvalidRequest", "Not a gateway address"), {})

    # -- who is calling -----------------------------------------------------------------------------------------
    def authenticate(self, request: GatewayRequest, snap: Snapshot) -> SubsystemEntry:
        """The subsystem that proved itself with a certificate or a key, and names itself in X-Road-Client."""
        named_text = request.header("X-Road-Client")
        if not named_text:
            raise Refusal(400, "Client.InvalidClientIdentifier", "The X-Road-Client header is missing")
        named = client_id_parse(named_text)
        if named is None:
            raise Refusal(400, "Client.InvalidClientIdentifier", "X-Road-Client is not INSTANCE/CLASS/MEMBER/SUBSYSTEM")
        proven: str | None = None
        api_key = request.header("X-SmartGov-Api-Key")
        if request.certificate_serial:
            entry = snap.certificates.get(request.certificate_serial.upper().lstrip("0") or "0")
            if not certificate_usable(entry):
                raise Refusal(
                    401,
                    "Server.ClientProxy.SslAuthenticationFailed",
                    "The client certificate is revoked, expired or unknown",
                )
            assert entry is not None  # noqa: S101 - certificate_usable checked it
            proven = entry.subsystem
        elif api_key:
            proven = snap.api_keys.get(api_key_digest(api_key))
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
    def list_clients(self, request: GatewayRequest) -> GatewayAnswer:
        body, content_type = metadata.list_clients(registry(), accept=request.header("Accept"))
        return GatewayAnswer(200, [("Content-Type", content_type), ("Content-Length", str(len(body)))], body)

    # -- answering and logging, the same for every kind of request ----------------------------------------------
    def _answer(self, request: GatewayRequest, handle: Callable[[GatewayRequest, _Call], Answered]) -> GatewayAnswer:
        """Run ``handle``; a refusal or a failure of its own becomes an X-Road error. Either way the call is in the
        journal before the answer leaves, and counted."""
        call = _Call.of(request)
        error = ""
        try:
            status, headers, body = handle(request, call)
            answer = GatewayAnswer(
                status, [*headers, *call.headers().items(), ("Content-Length", str(len(body)))], body
            )
        except Exception as exc:
            refusal = exc if isinstance(exc, Refusal) else _internal(call.method, call.path)
            error = refusal.code
            answer = GatewayAnswer.refusal(refusal, call.headers())
        duration = round((time.perf_counter() - call.started) * 1000, 3)
        self._log(call, duration, answer.status, error, answer.body)
        label = call.service if not error or error.startswith("Server.ServerProxy.ServiceFailed") else "refused"
        REQUESTS.labels(label, str(answer.status)).inc()
        DURATION.labels(label).observe(duration / 1000)
        return answer

    # -- events -------------------------------------------------------------------------------------------------
    def _publish(self, request: GatewayRequest, call: _Call) -> Answered:
        """``POST /events/{topic}`` with a JSON body: the topic's publisher hands over an event
        (services/events.py)."""
        from smartgov.exchange.services.events import event_publish_by
        from smartgov.platform.errors import Forbidden, NotFound

        topic = call.path.removeprefix("/events/").strip("/")
        call.service = f"events/{topic}"
        if call.method != "POST":
            raise Refusal(405, "Client.InvalidRequest", "Publish an event with POST")
        client = self.authenticate(request, registry())
        call.client = str(client.client)
        self.rate_check(client)
        call.request_body = request.read_body(settings.SMARTGOV_EXCHANGE_MAX_BODY)
        try:
            payload = json.loads(call.request_body or b"null")
        except ValueError as exc:
            raise Refusal(400, "Client.InvalidRequest", "The event is not JSON") from exc
        if not isinstance(payload, dict):
            raise Refusal(400, "Client.InvalidRequest", "The event must be a JSON object")
        try:
            event = event_publish_by(publisher_id=client.id, topic_code=topic, payload=payload)
        except NotFound as exc:
            raise Refusal(404, "Server.ServerProxy.UnknownTopic", f"No topic {topic!r}") from exc
        except Forbidden as exc:
            raise Refusal(403, "Server.ServerProxy.AccessDenied", f"{call.client} does not publish {topic!r}") from exc
        return 202, [("Content-Type", "application/json")], json.dumps({"id": str(event.id)}).encode()

    # -- a call -------------------------------------------------------------------------------------------------
    def _exchange(self, request: GatewayRequest, call: _Call) -> Answered:
        path_check(call.path)  # before the rights are checked on it (docs/exchange.md, "Paths")
        parts = call.path.split("/", 7)  # '', 'r1', instance, class, member, subsystem, service, rest
        if len(parts) < 6:
            raise Refusal(
                400, "Client.InvalidRequest", "The address is not /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE"
            )
        provider = ClientId(*parts[2:6])
        snap = registry()
        client = self.authenticate(request, snap)
        call.client = str(client.client)
        if len(parts) == 7 and parts[6] in METADATA and provider.instance == settings.SMARTGOV_EXCHANGE_INSTANCE:
            call.service = f"{provider}/{parts[6]}"
            status, content_type, body = metadata.answer(
                snap, client, provider, parts[6], query=call.query, accept=request.header("Accept")
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
            call.request_body = request.read_body(settings.SMARTGOV_EXCHANGE_MAX_BODY)
            headers_out = request.forwardable()
            headers_out.update(
                {"X-Road-Client": call.client, "X-Road-Service": call.service, "X-Road-Id": call.query_id}
            )
            if call.user_id:
                headers_out["X-Road-UserId"] = call.user_id
            url = service.url + quote(rest, safe=PATH_SAFE) + (f"?{call.query}" if call.query else "")
            called = time.perf_counter()
            status, headers, body = provider_call(call.method, url, headers_out, call.request_body, service.timeout)
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
