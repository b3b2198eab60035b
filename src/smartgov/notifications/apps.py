from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "smartgov.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from smartgov.notifications import handlers, views  # noqa: F401  (subscribers, navigation)
