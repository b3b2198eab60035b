"""The national portal's part of the Hai Phong demo (docs/procedures.md, "Dossiers from the national portal").

Registers the National Public Service Portal's stand-in (``standin.py``, served by the platform itself at
``/mo-phong/cong-dvc-quoc-gia/``) in the data-exchange gateway as the Government Office's ``DVCQG`` system with
its ``dossiers`` feed, which the city's one-stop system (``MOTCUA``) may read. Three citizens submit birth
registrations on the stand-in and the one-stop shop receives them through the same service the intake job uses:
one is settled to a signed result, one is being processed, one waits in the ward's queue. The demo server is
not running while the demo loads, so these are taken from the stand-in's feed in the process; once served,
*Lấy hồ sơ mới ngay* on ``/mot-cua/ho-so-cong-quoc-gia/`` reads it through the gateway. Runs once.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartgov.exchange import services as ex
from smartgov.exchange.selectors import service_find
from smartgov.platform.demo import DemoContext
from smartgov.platform.models import Agency
from smartgov.procedures.demo import PDF, WARD
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.models import PortalDossier, Procedure
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.intake import portal_dossier_receive
from smartgov.procedures.standin import standin_feed, standin_submit

FEED = "/mo-phong/cong-dvc-quoc-gia/api"

CITIZENS = [
    ("031090004567", "Vũ Thị Lan", "0903111222", "Phạm Gia Hân", "Nữ", 2),
    ("031088007890", "Đỗ Văn Hùng", "0934555666", "Đỗ Minh Khang", "Nam", 1),
    ("031092002345", "Lê Thị Thu", "0978999000", "Lê Bảo Ngọc", "Nữ", 0),
]


def _register() -> None:
    """The stand-in portal behind the gateway, readable by the one-stop shop (moved with the site's address)."""
    url = f"{settings.SMARTGOV_SITE_URL}{FEED}"
    found = service_find(code="dossiers", provider_code="DVCQG")
    if found is not None and found.url == url:
        return
    office = ex.member_register(actor=None, member_class="GOV", code="000.00.00.G22", name="Văn phòng Chính phủ")
    portal = ex.subsystem_register(actor=None, member=office, code="DVCQG", name="Cổng Dịch vụ công quốc gia")
    service = ex.service_register(
        actor=None, provider=portal, code="dossiers", title="Hồ sơ nộp trên Cổng Dịch vụ công quốc gia", url=url,
        openapi={}, timeout_ms=10_000,
    )  # fmt: skip
    city = ex.member_register(
        actor=None, member_class="GOV", code="000.00.00.H31", name="Ủy ban nhân dân thành phố Hải Phòng",
        agency=Agency.objects.filter(code="000.00.00.H31").first(),
    )  # fmt: skip
    one_stop = ex.subsystem_register(
        actor=None, member=city, code="MOTCUA", name="Hệ thống thông tin giải quyết thủ tục hành chính"
    )
    ex.access_grant(actor=None, service=service, subsystem=one_stop)


def demo_national_portal(ctx: DemoContext | None = None) -> int:
    """Returns how many dossiers it received (0 when the demo has some from the portal already)."""
    if not settings.SMARTGOV_PORTAL_STANDIN:
        return 0
    _register()
    if PortalDossier.objects.exists():
        return 0
    ward = Agency.objects.get(kind=Agency.Kind.COMMUNE_COMMITTEE, admin_unit__name=WARD)
    procedure = Procedure.objects.get(code="1.001193")
    today = timezone.localdate()
    for personal_id, parent, phone, child, sex, copies in CITIZENS:
        form = {
            "ho_ten_tre": child,
            "ngay_sinh": today.replace(day=1).isoformat(),
            "gioi_tinh": sex,
            "noi_sinh": "Bệnh viện Phụ sản Hải Phòng",
            "ho_ten_me": parent if sex == "Nữ" or parent.startswith(("Vũ", "Lê")) else "Nguyễn Thị Hoa",
            "quan_he": "Mẹ" if parent.startswith(("Vũ", "Lê")) else "Cha",
            "so_ban": copies,
        }
        fee = fee_for(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=form)
        standin_submit(
            procedure_code=procedure.code,
            agency_code=ward.code,
            applicant={"personal_id": personal_id, "full_name": parent, "phone": phone},
            form=form,
            documents=[(c["code"], f"{c['code']}.pdf", PDF) for c in procedure.components if c["required"]],
            paid_vnd=fee or None,
        )
    received = []
    after = ""
    for item in standin_feed(after="", limit=50)["items"]:
        got = portal_dossier_receive(item, cursor=item["cursor"], after=after)
        after = item["cursor"]
        if got.portal is not None:
            received.append(got.portal.dossier)
    users = get_user_model().objects
    officer = users.get(username="motcua.thanhdong")
    specialist = users.get(username="chuyenvien.thanhdong")
    leader = users.get(username="lanhdao.thanhdong")
    if len(received) == len(CITIZENS):
        settled, processing, _waiting = received
        for dossier in (settled, processing):
            svc.dossier_accept(officer=officer, dossier_id=dossier.pk)  # paid on the portal: straight on
            svc.dossier_assign(officer=leader, dossier_id=dossier.pk, specialist=specialist)
        svc.dossier_approve(leader=leader, dossier_id=settled.pk, note="Đồng ý cấp trích lục")  # signs the result
        svc.dossier_return_result(officer=officer, dossier_id=settled.pk)
    return len(received)
