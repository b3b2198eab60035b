from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class WarehouseConfig(contract.AppContract):
    name = "smartgov.warehouse"
    label = "warehouse"
    verbose_name = _("Shared data warehouse")
