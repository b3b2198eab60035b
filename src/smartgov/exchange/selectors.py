"""Every read of the exchange outside the gateway's hot path (which reads its in-memory snapshot, registry.py):
the monitoring page's traffic per day, per service and per client, from the operational fields of the message
log, and the state of the log itself; and the registry as the pages, the commands and the demo look it up."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from smartgov.exchange.domain.identifiers import ClientId
from smartgov.exchange.models import (
    ApiKey,
    ClientCertificate,
    LogBatch,
    MessageRecord,
    Service,
    Subscription,
    Subsystem,
    Topic,
)
from smartgov.platform.delivery import State


@dataclass
class Traffic:
    key: str
    calls: int
    errors: int
    max_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    bytes_out: int

    @property
    def error_rate(self) -> float | None:
        return round(100 * self.errors / self.calls, 1) if self.calls else None


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY …)``: a median in the grouping query."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _percentile(rows: QuerySet[MessageRecord], count: int, share: float) -> float | None:
    """The same without that aggregate (SQLite): the value at its rank, one query."""
    index = min(count - 1, int(count * share))
    return rows.order_by("duration_ms").values_list("duration_ms", flat=True)[index] if count else None


ERROR = Q(status__gte=500) | ~Q(error="")


def traffic_by(field: str, *, since: datetime) -> list[Traffic]:
    """Calls per ``field`` (service or client) since ``since``, busiest first, with their times."""
    window = MessageRecord.objects.filter(request_at__gte=since)
    measures: dict[str, Any] = {
        "calls": Count("id"),
        "errors": Count("id", filter=ERROR),
        "max_ms": Max("duration_ms"),
        "bytes_out": Sum("response_size"),
    }
    in_query = connection.vendor == "postgresql"
    if in_query:
        measures |= {"p50": Percentile("duration_ms", fraction=0.5), "p95": Percentile("duration_ms", fraction=0.95)}
    grouped = window.values(field).annotate(**measures).order_by("-calls")[:50]
    result = []
    for row in grouped:
        if not in_query:
            mine = window.filter(**{field: row[field]})
            row["p50"], row["p95"] = _percentile(mine, row["calls"], 0.5), _percentile(mine, row["calls"], 0.95)
        result.append(
            Traffic(
                key=row[field] or "—",
                calls=row["calls"],
                errors=row["errors"],
                max_ms=row["max_ms"],
                p50_ms=row["p50"],
                p95_ms=row["p95"],
                bytes_out=row["bytes_out"] or 0,
            )
        )
    return result


def traffic_per_day(*, days: int) -> list[tuple[date, int, int]]:
    since = timezone.localdate() - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    counted = {
        row["day"]: (row["calls"], row["errors"])
        for row in MessageRecord.objects.filter(request_at__gte=start)
        .annotate(day=TruncDate("request_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(calls=Count("id"), errors=Count("id", filter=ERROR))
    }
    return [(since + timedelta(days=i), *counted.get(since + timedelta(days=i), (0, 0))) for i in range(days)]


@dataclass
class LogState:
    records: int
    unsigned: int
    batches: int
    last_signed_at: datetime | None


def log_state() -> LogState:
    last = LogBatch.objects.order_by("-signed_at").first()
    return LogState(
        records=MessageRecord.objects.count(),
        unsigned=MessageRecord.objects.filter(batch__isnull=True).count(),
        batches=LogBatch.objects.count(),
        last_signed_at=last.signed_at if last else None,
    )


def services_registered() -> QuerySet[Service]:
    return (
        Service.objects.select_related("provider__member__member_class")
        .annotate(endpoint_count=Count("endpoints", distinct=True), right_count=Count("rights", distinct=True))
        .order_by("provider__member__code", "code")
    )


def refused_recently(limit: int = 20) -> QuerySet[MessageRecord]:
    """The latest refusals and failures, newest request first. By the request's time, not the row's id: a
    record is written when the exchange ends, so a slow call that started earlier can get a later id."""
    return (
        MessageRecord.objects.filter(ERROR | Q(status__in=(401, 403, 404, 413, 429)))
        .exclude(error="")
        .order_by("-request_at", "-id")[:limit]
    )


def topics_with_state() -> QuerySet[Topic]:
    return Topic.objects.select_related("publisher__member").annotate(
        subscribers=Count("subscriptions", filter=Q(subscriptions__active=True), distinct=True),
        dead=Count("subscriptions__deliveries", filter=Q(subscriptions__deliveries__state=State.DEAD)),
        waiting=Count("subscriptions__deliveries", filter=Q(subscriptions__deliveries__state=State.PENDING)),
    )


def subscriptions_of(topic: Topic) -> QuerySet[Subscription]:
    return topic.subscriptions.select_related("subscriber__member")


# --- the registry, as the pages, the commands and the demo look things up --------------------------------------
def subsystem_by_client(client: ClientId) -> Subsystem | None:
    """The subsystem an X-Road client identifier names in this instance (None when unknown)."""
    if client.instance != settings.SMARTGOV_EXCHANGE_INSTANCE:
        return None
    return (
        Subsystem.objects.select_related("member__member_class")
        .filter(
            member__member_class__code=client.member_class,
            member__code=client.member_code,
            code=client.subsystem_code,
        )
        .first()
    )


def subsystem_exists(code: str) -> bool:
    return Subsystem.objects.filter(code=code).exists()


def service_find(*, code: str, provider_code: str) -> Service | None:
    return Service.objects.select_related("provider").filter(code=code, provider__code=provider_code).first()


def service_openapi(pk: int) -> dict[str, Any] | None:
    """A registered service's OpenAPI document (what ``getOpenAPI`` answers)."""
    document: dict[str, Any] | None = Service.objects.filter(pk=pk).values_list("openapi", flat=True).first()
    return document


def certificate_by_serial(serial: str) -> ClientCertificate | None:
    return ClientCertificate.objects.select_related("subsystem__member__member_class").filter(serial=serial).first()


def api_key_active(prefix: str) -> ApiKey | None:
    return (
        ApiKey.objects.select_related("subsystem__member__member_class")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )


def topic_get(pk: int) -> Topic | None:
    return Topic.objects.filter(pk=pk).first()


def subscriptions_at(address: str) -> QuerySet[Subscription]:
    """The subscriptions whose webhook address contains ``address``."""
    return Subscription.objects.filter(url__contains=address)


def subscription_secrets_at(address: str) -> list[str]:
    """The signing secrets of the active subscriptions to ``address`` (the demo's subscriber checks with them)."""
    return list(subscriptions_at(address).filter(active=True).values_list("secret", flat=True))


def message_records_exist() -> bool:
    return MessageRecord.objects.exists()


def message_records_count() -> int:
    return MessageRecord.objects.count()


def message_records_of(client: str) -> QuerySet[MessageRecord]:
    """The message log's records of one client (``VN-HP/GOV/…/MOTCUA``), newest first."""
    return MessageRecord.objects.filter(client=client).order_by("-pk")


def subsystems_with_code(code: str) -> int:
    """How many subsystems carry ``code`` (under any member)."""
    return Subsystem.objects.filter(code=code).count()
