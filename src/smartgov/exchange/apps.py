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
        from smartgov.platform.views.shell import DATABASE_COLLECTORS

        if not any(isinstance(c, ExchangeCollector) for c in DATABASE_COLLECTORS):
            collector = ExchangeCollector()
            DATABASE_COLLECTORS.append(collector)
            REGISTRY.register(collector)  # single-process exposition; multi-process adds it in the view
