from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "smartgov.exchange"
    label = "exchange"
    verbose_name = _("Data exchange (LGSP)")

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from smartgov.exchange import handlers, signals, views  # noqa: F401  (subscribers, registry cache invalidation)
        from smartgov.exchange.metrics import ExchangeCollector

        if not any(isinstance(c, ExchangeCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ExchangeCollector())
