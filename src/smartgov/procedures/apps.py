from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class ProceduresConfig(contract.AppContract):
    name = "smartgov.procedures"
    label = "procedures"
    verbose_name = _("Public services")
