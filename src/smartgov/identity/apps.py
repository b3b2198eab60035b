from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "smartgov.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from smartgov.identity import signals  # noqa: F401 - connects the security-event receivers
