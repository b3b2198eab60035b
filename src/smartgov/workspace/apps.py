from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class WorkspaceConfig(contract.AppContract):
    name = "smartgov.workspace"
    label = "workspace"
    verbose_name = _("Officers' workspace")
