from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "smartgov.procedures"
    label = "procedures"
    verbose_name = _("Public services")

    def ready(self) -> None:
        from smartgov.procedures import views  # noqa: F401  (registers the navigation entries)
