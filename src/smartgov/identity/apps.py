from django.utils.translation import gettext_lazy as _

from smartgov.platform import contract


class IdentityConfig(contract.AppContract):
    name = "smartgov.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        super().ready()
        from smartgov.identity import checks, services, signals  # noqa: F401 - policies, checks, event receivers
        from smartgov.identity.authz import navigation_gate_install

        navigation_gate_install()
