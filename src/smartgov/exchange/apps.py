from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class ExchangeConfig(contract.AppContract):
    name = "smartgov.exchange"
    label = "exchange"
    verbose_name = _("Data exchange (LGSP)")

    def ready(self) -> None:
        super().ready()
        from prometheus_client import REGISTRY

        from smartgov.exchange import signals  # noqa: F401  (registry cache invalidation)
        from smartgov.exchange.metrics import ExchangeCollector
        from smartgov.platform.views.shell import DATABASE_COLLECTORS

        if not any(isinstance(c, ExchangeCollector) for c in DATABASE_COLLECTORS):
            collector = ExchangeCollector()
            DATABASE_COLLECTORS.append(collector)
            REGISTRY.register(collector)  # single-process exposition; multi-process adds it in the view
