"""The national portal's stand-in behind the data-exchange gateway, for the intake's tests (service and browser)."""

from smartgov.exchange import services as ex

SECRET = "whsec_cG9ydGFsLXNoYXJlZC1zZWNyZXQtZm9yLXRoZS10ZXN0cw=="
SERVICE = "VN-HP/GOV/000.00.00.G22/DVCQG/dossiers"


def portal_behind_gateway(*, site: str, one_stop, settings) -> None:
    """Register the stand-in (served at ``site``) as the portal's ``dossiers`` service, let the one-stop shop's
    subsystem read it, and point the intake and the status synchronisation at it."""
    office = ex.member_register(actor=None, member_class="GOV", code="000.00.00.G22", name="Văn phòng Chính phủ")
    portal = ex.subsystem_register(actor=None, member=office, code="DVCQG", name="Cổng Dịch vụ công quốc gia")
    service = ex.service_register(
        actor=None,
        provider=portal,
        code="dossiers",
        title="Hồ sơ nộp trên Cổng",
        url=f"{site}/mo-phong/cong-dvc-quoc-gia/api",
        openapi={},
    )
    ex.access_grant(actor=None, service=service, subsystem=one_stop)
    settings.SMARTGOV_PORTAL_STANDIN = True
    settings.SMARTGOV_PORTAL_INTAKE_SERVICE = SERVICE
    settings.SMARTGOV_PORTAL_SYNC_URL = f"{site}/mo-phong/cong-dvc-quoc-gia/api/trang-thai"
    settings.SMARTGOV_PORTAL_SYNC_SECRET = SECRET
