"""The catalog stewards' pages: who may open them (every role), the search without diacritics, editing with errors
on their fields, and the Excel round trip through the pages — preview first, nothing written until confirmed,
the same file again changes nothing, a hostile workbook refused (issue 14, point 3)."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from smartgov.identity.authz import AGENCY_ROLES, Role
from smartgov.identity.services import role_grant
from smartgov.platform.models import AuditEntry
from smartgov.procedures.models import Procedure
from smartgov.procedures.services.catalog import catalog_export, catalog_to_xlsx
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db

PAGES = [
    "/quan-ly-danh-muc/",
    "/quan-ly-danh-muc/1.001193/",
    "/quan-ly-danh-muc/nhap-excel/",
    "/quan-ly-danh-muc/xuat-excel/",
]


@pytest.fixture
def steward(hp):
    user = get_user_model().objects.create_user(username="danhmuc.vpubnd", kind="staff", full_name="Ngô Thị Minh Thu")
    role_grant(actor=None, user=user, role=Role.CATALOG_STEWARD)
    return staff_client(user)


def _xlsx(data: dict, name: str = "danh-muc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, catalog_to_xlsx(data), content_type="application/octet-stream")


@pytest.mark.parametrize("role", Role.values)
def test_every_role_against_the_stewards_pages(hp, role):
    user = get_user_model().objects.create_user(username=f"canbo.{role}", kind="staff")
    role_grant(actor=None, user=user, role=role, agency=hp.ward if role in AGENCY_ROLES else None)
    client = staff_client(user)
    allowed = role in (Role.CATALOG_STEWARD, Role.PLATFORM_ADMIN)
    for path in PAGES:
        assert client.get(path).status_code == (200 if allowed else 403), (role, path)
    posted = client.post("/quan-ly-danh-muc/nhap-excel/", {"file": _xlsx(catalog_export())})
    assert posted.status_code == (200 if allowed else 403), role


def test_citizens_and_visitors_are_kept_out(hp, citizen_account):
    citizen = Client()
    citizen.force_login(citizen_account)
    visitor = Client()
    for path in PAGES:
        assert citizen.get(path).status_code == 403
        assert visitor.get(path)["Location"].startswith("/dang-nhap/")


def test_the_search_ignores_diacritics_and_shows_inactive_procedures(steward):
    Procedure.objects.filter(code="1.000894").update(active=False)
    page = steward.get("/quan-ly-danh-muc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "/quan-ly-danh-muc/1.001193/" in page and "/quan-ly-danh-muc/1.014199/" not in page
    inactive = steward.get("/quan-ly-danh-muc/", {"trang-thai": "inactive"}).content.decode()
    assert "/quan-ly-danh-muc/1.000894/" in inactive and "/quan-ly-danh-muc/1.001193/" not in inactive
    assert "Ngừng áp dụng" in inactive
    assert steward.get("/quan-ly-danh-muc/", {"q": "x " * 300}).status_code == 400


def _form(code: str) -> dict:
    from smartgov.procedures.views.stewards import ProcedureForm, _initial

    initial = _initial(Procedure.objects.get(code=code))
    form = ProcedureForm(initial=initial)
    data = {name: initial.get(name, "") for name in form.fields}
    data["active"] = "on" if initial["active"] else ""
    return data


def test_a_steward_changes_a_fee_and_it_is_audited(steward):
    data = _form("1.001193") | {"fee_vnd": "5000", "fee_note": "Lệ phí 5.000 đồng"}
    response = steward.post("/quan-ly-danh-muc/1.001193/", data)
    assert response.status_code == 302
    page = steward.get(response["Location"]).content.decode()
    assert "Đã lưu 1.001193" in page and "Phí, lệ phí (đồng)" in page
    assert Procedure.objects.get(code="1.001193").fee_vnd == 5000
    entry = AuditEntry.objects.get(action="procedures.procedure.update")
    assert entry.changes["fee_vnd"] == [0, 5000]


def test_errors_belong_to_their_fields(steward):
    data = _form("1.001193") | {"fee_vnd": "-1", "workflow": '[{"name": "Bước", "role": "giam_doc"}]'}
    response = steward.post("/quan-ly-danh-muc/1.001193/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_fee_vnd-errors"' in page and "Phí, lệ phí không được âm" in page
    data["fee_vnd"] = "0"
    page = steward.post("/quan-ly-danh-muc/1.001193/", data).content.decode()
    assert 'id="id_workflow-errors"' in page and "bước 1 của quy trình: vai trò phải là một trong" in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_workflow-errors id_workflow_helptext"' in page
    assert not AuditEntry.objects.filter(action="procedures.procedure.update").exists()


def test_excel_round_trip_through_the_pages(steward):
    exported = steward.get("/quan-ly-danh-muc/xuat-excel/")
    assert exported["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book["procedures"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.001193")
    row[header.index("fee_vnd")].value = 7000
    changed = io.BytesIO()
    book.save(changed)
    upload = SimpleUploadedFile("sua.xlsx", changed.getvalue())
    preview = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200 and "1 thủ tục sẽ sửa" in page and "fee_vnd" in page
    assert Procedure.objects.get(code="1.001193").fee_vnd == 0  # the preview wrote nothing
    digest = page.split('name="apply" value="')[1][:64]
    applied = steward.post("/quan-ly-danh-muc/nhap-excel/", {"apply": digest})
    assert applied.status_code == 302 and Procedure.objects.get(code="1.001193").fee_vnd == 7000
    assert AuditEntry.objects.filter(action="procedures.catalog.import").count() == 1
    again = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": SimpleUploadedFile("sua.xlsx", changed.getvalue())})
    assert "không thay đổi gì" in again.content.decode() and 'name="apply"' not in again.content.decode()
    twice = steward.post("/quan-ly-danh-muc/nhap-excel/", {"apply": digest})
    assert twice.status_code == 302 and AuditEntry.objects.filter(action="procedures.catalog.import").count() == 1


def test_a_file_with_bad_rows_shows_each_error_and_cannot_be_imported(steward):
    data = catalog_export()
    data["procedures"][1]["processing_unit"] = "tuan"
    data["procedures"][5]["fee_schedule"] = {"moi_trang": 1}
    response = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": _xlsx(data)})
    page = response.content.decode()
    assert response.status_code == 422 and "2 dòng có lỗi" in page
    assert "processing_unit phải là một trong" in page and "biểu phí có khóa không xác định" in page
    assert 'name="apply"' not in page


def test_hostile_or_oversized_files_are_refused_with_a_message(steward, settings):
    workbook = catalog_to_xlsx(catalog_export())
    source = zipfile.ZipFile(io.BytesIO(workbook))
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 100)
    response = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": SimpleUploadedFile("m.xlsx", macro.getvalue())})
    assert response.status_code == 422 and "macro" in response.content.decode()
    not_excel = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", b"%PDF-1.7 x")})
    assert not_excel.status_code == 415 and "Excel (.xlsx)" in not_excel.content.decode()
    settings.SMARTGOV_CATALOG_IMPORT_MAX_BYTES = 1000
    big = steward.post("/quan-ly-danh-muc/nhap-excel/", {"file": SimpleUploadedFile("b.xlsx", workbook)})
    assert big.status_code == 413 and "quá lớn" in big.content.decode()
    assert steward.post("/quan-ly-danh-muc/nhap-excel/", {"apply": "../../etc/passwd"}).status_code == 400


def test_the_admin_is_readable_and_points_to_the_stewards_page(hp):
    admin = get_user_model().objects.create_superuser(username="quantri", password=None, kind="staff")
    client = staff_client(admin)
    index = client.get("/admin/").content.decode()
    for raw in ("Axes", "Otp_Totp", "Otp_Static", "Django OAuth Toolkit", "Quản trị Django"):
        assert raw not in index, raw
    assert "Khóa đăng nhập" in index and "Thủ tục" in index
    procedures = client.get("/admin/procedures/procedure/").content.decode()
    assert "/quan-ly-danh-muc/1.001193/" in procedures and "/admin/procedures/procedure/add/" not in procedures
