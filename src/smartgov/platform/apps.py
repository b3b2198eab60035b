from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "smartgov.platform"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Each app declares its event subscribers in <app>/handlers.py.
        autodiscover_modules("handlers")
