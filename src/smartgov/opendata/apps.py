from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class OpendataConfig(contract.AppContract):
    name = "smartgov.opendata"
    label = "opendata"
    verbose_name = _("Open data portal")

    def ready(self) -> None:
        super().ready()
        from smartgov.opendata.services import access  # noqa: F401  (registers the app's policies)
