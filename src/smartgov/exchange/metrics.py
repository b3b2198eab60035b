"""The gateway's figures on the platform's ``/metrics``, read from the message log, so they cover every gateway
process (each ``smartgov exchange serve`` worker and the web workers) and not only the one scraped.

- ``smartgov_exchange_calls_5m{service, client, outcome}``: calls in the last five minutes (outcome: ``ok``, the
  provider's ``client_error`` / ``server_error`` answer, or the gateway's ``refused`` / ``failed``);
- ``smartgov_exchange_duration_ms_5m{service, stat}``: average and slowest time in the gateway, provider included;
- ``smartgov_exchange_log_unsigned``: records not yet in a signed batch (it should stay small).

Within one process the gateway also counts ``smartgov_exchange_requests_total`` and the
``smartgov_exchange_request_seconds`` histogram (gateway.py).
"""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Avg, Count, Max
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

WINDOW = timedelta(minutes=5)


def _outcome(status: int, error: str) -> str:
    if error:
        return "failed" if error.startswith("Server.ServerProxy.ServiceFailed") else "refused"
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


class ExchangeCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from smartgov.exchange.models import MessageRecord

        since = timezone.now() - WINDOW
        recent = MessageRecord.objects.filter(request_at__gte=since)
        calls = GaugeMetricFamily(
            "smartgov_exchange_calls_5m", "Calls through the gateway in the last 5 minutes",
            labels=["service", "client", "outcome"],
        )  # fmt: skip
        counted: dict[tuple[str, str, str], int] = {}
        for row in recent.values("service", "client", "status", "error").annotate(n=Count("id")):
            key = (row["service"], row["client"], _outcome(row["status"], row["error"]))
            counted[key] = counted.get(key, 0) + row["n"]
        for labels, n in counted.items():
            calls.add_metric(list(labels), n)
        yield calls
        duration = GaugeMetricFamily(
            "smartgov_exchange_duration_ms_5m",
            "Time in the gateway in the last 5 minutes (ms)",
            labels=["service", "stat"],
        )
        for row in recent.values("service").annotate(avg=Avg("duration_ms"), max=Max("duration_ms")):
            duration.add_metric([row["service"], "avg"], row["avg"] or 0)
            duration.add_metric([row["service"], "max"], row["max"] or 0)
        yield duration
        unsigned = GaugeMetricFamily("smartgov_exchange_log_unsigned", "Message-log records not yet signed")
        unsigned.add_metric([], MessageRecord.objects.filter(batch__isnull=True).count())
        yield unsigned

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())  # described on collection: the registry does not run the queries at registration
