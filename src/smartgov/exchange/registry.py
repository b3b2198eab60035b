"""The registry as the gateway reads it: one immutable snapshot in memory, rebuilt when the registry changes.

Every write to the registry bumps ``RegistryVersion`` (signals.py); a gateway process looks at that number at
most once a second and rebuilds its snapshot when it moved, so the hot path never queries the database. A
revoked certificate or key, a withdrawn right or a disabled service takes effect within that second.
"""

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from smartgov.exchange.domain.identifiers import ClientId, ServiceId
from smartgov.exchange.models import (
    AccessRight,
    ApiKey,
    ClientCertificate,
    Endpoint,
    RegistryVersion,
    Service,
    Subsystem,
)

RELOAD_EVERY = 1.0  # seconds between looks at the registry's version


def path_pattern(path: str) -> re.Pattern[str]:
    """An endpoint path as a regular expression: ``*`` and ``{name}`` match one segment, a trailing ``/**``
    (or ``**``) anything below, including nothing."""
    if path in ("**", "/**"):
        return re.compile(r"^/.*$|^$")
    tail = path.endswith("/**")
    core = path[:-3] if tail else path
    parts = []
    for segment in core.split("/"):
        if segment == "*" or (segment.startswith("{") and segment.endswith("}")):
            parts.append(r"[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("^" + "/".join(parts) + (r"(/.*)?$" if tail else "/?$"))


@dataclass(frozen=True, slots=True)
class EndpointEntry:
    id: int
    method: str
    path: str
    pattern: re.Pattern[str]

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and bool(self.pattern.match(path))


@dataclass(slots=True)
class SubsystemEntry:
    id: int
    client: ClientId
    name: str
    member_name: str
    enabled: bool
    groups: frozenset[int]


@dataclass(slots=True)
class ServiceEntry:
    id: int
    service: ServiceId
    title: str
    url: str
    enabled: bool
    timeout: float
    endpoints: list[EndpointEntry] = field(default_factory=list)
    #: (subsystem id or None, group id or None, endpoint id or None) for each right
    rights: list[tuple[int | None, int | None, int | None]] = field(default_factory=list)
    has_openapi: bool = False


@dataclass(slots=True)
class CertEntry:
    subsystem: str  # the client id as text
    revoked: bool
    not_after: datetime


@dataclass
class Snapshot:
    version: int
    subsystems: dict[str, SubsystemEntry] = field(default_factory=dict)
    services: dict[str, ServiceEntry] = field(default_factory=dict)  # str(ServiceId) → entry
    api_keys: dict[str, str] = field(default_factory=dict)  # sha256(key) → client id text
    certificates: dict[str, CertEntry] = field(default_factory=dict)  # serial (hex, upper) → entry

    def allowed_endpoints(self, client: SubsystemEntry, service: ServiceEntry) -> list[EndpointEntry] | None:
        """The endpoints the client may call; None when it may call every one of them."""
        allowed: list[EndpointEntry] = []
        by_id = {e.id: e for e in service.endpoints}
        for subsystem_id, group_id, endpoint_id in service.rights:
            if subsystem_id == client.id or (group_id is not None and group_id in client.groups):
                if endpoint_id is None:
                    return None
                if endpoint_id in by_id:
                    allowed.append(by_id[endpoint_id])
        return allowed

    def may_call(self, client: SubsystemEntry, service: ServiceEntry, method: str, path: str) -> bool:
        allowed = self.allowed_endpoints(client, service)
        if allowed is None:
            return True
        return any(e.matches(method, path or "/") for e in allowed)


def _instance() -> str:
    return settings.SMARTGOV_EXCHANGE_INSTANCE


def client_id_of(subsystem: Subsystem) -> ClientId:
    """A subsystem's X-Road client identifier in this instance."""
    member = subsystem.member
    return ClientId(_instance(), member.member_class.code, member.code, subsystem.code)


def snapshot_build(version: int) -> Snapshot:
    """The registry as it is at ``version`` (read just before, so a change during the build rebuilds it again)."""
    snap = Snapshot(version=version)
    subsystems = Subsystem.objects.select_related("member__member_class").prefetch_related("groups")
    by_pk: dict[int, SubsystemEntry] = {}
    for s in subsystems:
        entry = SubsystemEntry(
            id=s.pk,
            client=client_id_of(s),
            name=s.name or s.member.name,
            member_name=s.member.name,
            enabled=s.enabled,
            groups=frozenset(g.pk for g in s.groups.all()),
        )
        by_pk[s.pk] = entry
        snap.subsystems[str(entry.client)] = entry
    endpoints: dict[int, list[EndpointEntry]] = {}
    for e in Endpoint.objects.all():
        endpoints.setdefault(e.service_id, []).append(EndpointEntry(e.pk, e.method, e.path, path_pattern(e.path)))
    rights: dict[int, list[tuple[int | None, int | None, int | None]]] = {}
    for r in AccessRight.objects.all():
        rights.setdefault(r.service_id, []).append((r.subsystem_id, r.group_id, r.endpoint_id))
    for svc in Service.objects.all():
        provider = by_pk[svc.provider_id]
        sid = ServiceId(provider.client, svc.code)
        snap.services[str(sid)] = ServiceEntry(
            id=svc.pk,
            service=sid,
            title=svc.title,
            url=svc.url.rstrip("/"),
            enabled=svc.enabled and provider.enabled,
            timeout=svc.timeout_ms / 1000,
            endpoints=endpoints.get(svc.pk, []),
            rights=rights.get(svc.pk, []),
            has_openapi=bool(svc.openapi),
        )
    for key in ApiKey.objects.filter(revoked_at__isnull=True):
        snap.api_keys[key.digest] = str(by_pk[key.subsystem_id].client)
    for cert in ClientCertificate.objects.all():
        snap.certificates[cert.serial.upper()] = CertEntry(
            subsystem=str(by_pk[cert.subsystem_id].client),
            revoked=cert.revoked_at is not None,
            not_after=cert.not_after,
        )
    return snap


def _version() -> int:
    """The registry's version; a connection the database dropped (a restart, an idle timeout) is reopened once.
    Never closes a healthy connection: this also runs inside Django requests (the platform's own calls)."""
    try:
        return RegistryVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    except (OperationalError, InterfaceError):
        connection.close()
        return RegistryVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


class _Cache:
    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.checked = 0.0
        self.lock = threading.Lock()

    def get(self) -> Snapshot:
        now = time.monotonic()
        snap = self.snapshot
        if snap is not None and now - self.checked < RELOAD_EVERY:
            return snap
        with self.lock:
            if self.snapshot is not None and time.monotonic() - self.checked < RELOAD_EVERY:
                return self.snapshot
            version = _version()
            if self.snapshot is None or self.snapshot.version != version:
                self.snapshot = snapshot_build(version)
            self.checked = time.monotonic()
            return self.snapshot

    def clear(self) -> None:
        with self.lock:
            self.snapshot, self.checked = None, 0.0


_cache = _Cache()


def registry() -> Snapshot:
    return _cache.get()


def registry_forget() -> None:
    """Drop this process's snapshot (the next call rebuilds it): for tests and after a bulk change."""
    _cache.clear()


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def certificate_usable(entry: CertEntry | None) -> bool:
    return entry is not None and not entry.revoked and entry.not_after > timezone.now()
