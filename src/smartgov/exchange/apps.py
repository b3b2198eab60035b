from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "smartgov.exchange"
    label = "exchange"
    verbose_name = _("Data exchange (LGSP)")

    def ready(self) -> None:
        from smartgov.exchange import signals, views  # noqa: F401  (registry cache invalidation, navigation)
