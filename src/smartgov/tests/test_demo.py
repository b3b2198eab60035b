"""`smartgov load_demo`: the Hai Phong demo loads completely, and loading it twice changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from smartgov.platform.demo import commune_committee_code, commune_committee_name
from smartgov.platform.models import Agency, AuditEntry, Locality, Position

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_demo_loads_hai_phong_and_is_idempotent(loaded_units, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", verbosity=0, stdout=out)
    locality = Locality.objects.get()
    assert locality.province.code == "31"
    assert locality.name == "Thành phố Hải Phòng"
    committees = Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE)
    assert committees.count() == 114
    assert committees.filter(name="Ủy ban nhân dân đặc khu Bạch Long Vĩ").exists()
    assert committees.filter(name="Ủy ban nhân dân phường Thành Đông", admin_unit__code__isnull=False).exists()
    assert Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).count() >= 12
    assert Agency.objects.count() == 1 + 20 + 114
    assert len(set(Agency.objects.values_list("code", flat=True))) == Agency.objects.count()
    users = get_user_model().objects
    officer = users.get(username="motcua.thanhdong")
    assert officer.check_password("HaiPhong@2026")
    assert Position.objects.get(user=officer).agency.admin_unit.name == "Phường Thành Đông"
    assert users.get(username="031195001234").personal_id == "031195001234"
    assert users.filter(kind="staff").count() == 14  # with the catalog steward (danhmuc.vpubnd)
    from smartgov.identity.authz import holds

    assert holds(officer, "one_stop_officer", agency=Position.objects.get(user=officer).agency)
    assert holds(users.get(username="dulieu.skhcn"), "data_steward")
    assert not officer.is_staff and users.get(username="quantri").is_staff  # the admin site: administrators only
    assert AuditEntry.objects.filter(action="platform.demo.load").count() == 1

    # full online: the demo citizen's birth registration was paid in the sandbox and its result signed
    from smartgov.procedures.models import Dossier, DossierResult, Payment
    from smartgov.procedures.results import pdf_verify

    mine = Dossier.objects.filter(applicant__username="031195001234").order_by("code")
    assert [d.status for d in mine] == [10, 6, 1]
    paid = Payment.objects.get(dossier=mine[0], state="paid")
    assert paid.amount_vnd == 16000 and mine[0].paid_at is not None and mine[0].rating == 5
    assert pdf_verify(DossierResult.objects.get(dossier=mine[0]).file.read()).valid
    generated = Dossier.objects.exclude(applicant__username="031195001234")
    assert generated.filter(fee_vnd__gt=0, paid_at__isnull=False).exists()

    before = _row_counts()
    call_command("load_demo", verbosity=0, stdout=StringIO())
    assert _row_counts() == before, "a second load must change nothing, not even the audit log"


def test_demo_refuses_a_production_installation(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", verbosity=0)
    assert not Locality.objects.exists()


@pytest.mark.parametrize(
    ("unit", "committee"),
    [
        ("Phường Thành Đông", "Ủy ban nhân dân phường Thành Đông"),
        ("Xã Nam Sách", "Ủy ban nhân dân xã Nam Sách"),
        ("Đặc khu Cát Hải", "Ủy ban nhân dân đặc khu Cát Hải"),
    ],
)
def test_commune_committee_names(unit, committee):
    assert commune_committee_name(unit) == committee


def test_commune_committee_codes_are_unique_and_well_formed():
    codes = {commune_committee_code(n, "H31") for n in range(1, 200)}
    assert len(codes) == 199
    assert all(len(code) == len("000.00.00.H31") for code in codes)
