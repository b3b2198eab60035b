from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class NotificationsConfig(contract.AppContract):
    name = "smartgov.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
