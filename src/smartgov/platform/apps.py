from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class PlatformConfig(contract.AppContract):
    name = "smartgov.platform"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self) -> None:
        super().ready()
        from smartgov.platform.thirdparty import third_party_names_apply

        third_party_names_apply()
