"""The procedure catalog: the demo's real procedures, import and export as JSON and Excel, bad rows refused
with their row number and nothing changed."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AuditEntry
from smartgov.procedures.models import Procedure
from smartgov.procedures.services.catalog import catalog_export, catalog_from_xlsx, catalog_import, catalog_to_xlsx
from smartgov.procedures.tests.fixtures import CATALOG

pytestmark = pytest.mark.django_db


def test_the_demo_catalog_has_real_commune_and_province_procedures(hp):
    assert Procedure.objects.count() >= 20
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh" and birth.level == "commune" and birth.online_level == "full"
    permit = Procedure.objects.get(code="1.014199")
    assert permit.level == "province" and permit.agency is not None and int(permit.processing_time) == 10
    assert (
        Procedure.objects.filter(level="province").exists() and Procedure.objects.filter(level="commune").count() > 10
    )
    for procedure in Procedure.objects.all():
        assert procedure.form_schema.get("type") == "object", procedure.code
        assert any(c["required"] for c in procedure.components), procedure.code


def test_import_again_changes_nothing_and_edits_are_audited(hp):
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    report = catalog_import(data=data, actor=None)
    assert report.created == [] and report.updated == [] and len(report.unchanged) == len(data["procedures"])
    data["procedures"][0]["processing_time"] = 1
    report = catalog_import(data=data, actor=None)
    assert report.updated == [data["procedures"][0]["code"]]
    assert AuditEntry.objects.filter(action="procedures.procedure.update").count() == 1


def test_excel_round_trip(hp):
    exported = catalog_export()
    workbook = catalog_to_xlsx(exported)
    back = catalog_from_xlsx(workbook)
    assert [p["code"] for p in back["procedures"]] == [p["code"] for p in exported["procedures"]]
    report = catalog_import(data=back, actor=None)
    assert report.updated == [] and report.created == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sector": "khong-co"}, "lĩnh vực không xác định"),
        ({"level": "district"}, "level phải là một trong"),
        ({"processing_time": "ba"}, "phải là số"),
        ({"form_schema": {"type": "khong-phai-kieu"}}, "JSON Schema"),
        ({"components": [{"name": "Tờ khai"}]}, "cần có mã và tên"),
    ],
)
def test_a_bad_row_stops_the_import_with_its_number(hp, change, message):
    data = catalog_export()
    data["procedures"][0]["name"] = "Tên đã sửa"  # a good change before the bad row: rolled back too
    data["procedures"][2].update(change)
    with pytest.raises(DomainError, match=message) as error:
        catalog_import(data=data, actor=None)
    assert error.value.message.startswith("Dòng 3 ")
    assert Procedure.objects.get(code=data["procedures"][0]["code"]).name != "Tên đã sửa"


def test_the_command_imports_and_exports(hp, tmp_path):
    target = tmp_path / "danh-muc.xlsx"
    out = StringIO()
    call_command("catalog", "export", str(target), stdout=out)
    assert target.stat().st_size > 0 and "22 procedures" in out.getvalue()
    call_command("catalog", "import", str(target), stdout=out)
    assert "created 0, updated 0, unchanged 22" in out.getvalue()
    not_excel = tmp_path / "sai.xlsx"
    not_excel.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Excel"):
        call_command("catalog", "import", str(not_excel), stdout=out)


# --- the stewards: preview, edits, limits (issue 14, point 3) ---------------------------------------------------


def _steward(hp):
    from django.contrib.auth import get_user_model

    from smartgov.identity.services import role_grant

    user = get_user_model().objects.create_user(username="danhmuc.test", kind="staff", full_name="Ngô Thu")
    role_grant(actor=None, user=user, role="catalog_steward")
    return user


def test_the_preview_reports_every_bad_row_and_writes_nothing(hp):
    steward = _steward(hp)
    data = catalog_export()
    before = AuditEntry.objects.count()
    data["procedures"][0]["fee_vnd"] = 12000
    data["procedures"][1].update(level="district", fee_vnd=-5, workflow=[{"name": "Xử lý", "role": "chu_tich"}])
    data["procedures"][3]["code"] = data["procedures"][2]["code"]
    data["procedures"].append({**data["procedures"][4], "code": "9.999999", "sector": "khong-co"})
    report = catalog_import(data=data, actor=steward, dry_run=True)
    by_row = {row.number: row for row in report.rows}
    assert by_row[1].action == "update" and by_row[1].fields == ["fee_vnd"]
    assert by_row[2].action == "error" and len(by_row[2].errors) == 3
    assert any("level phải là một trong" in e for e in by_row[2].errors)
    assert any("bước 1" in e and "vai trò" in e for e in by_row[2].errors)
    assert by_row[4].action == "error" and "dòng 3" in by_row[4].errors[0]
    assert by_row[len(data["procedures"])].errors == ["lĩnh vực không xác định khong-co"]
    assert [row.number for row in report.errors] == [2, 4, len(data["procedures"])]
    assert AuditEntry.objects.count() == before
    assert Procedure.objects.get(code=data["procedures"][0]["code"]).fee_vnd != 12000


def test_an_import_by_a_steward_is_audited_and_idempotent(hp):
    steward = _steward(hp)
    data = catalog_export()
    data["procedures"][0]["fee_vnd"] = 12000
    data["procedures"].append({**data["procedures"][4], "code": "9.999999", "name": "Thủ tục mới"})
    data["sectors"].append(["linh-vuc-moi", "Lĩnh vực mới", "New sector"])
    preview = catalog_import(data=data, actor=steward, dry_run=True)
    report = catalog_import(data=data, actor=steward)
    assert report.updated == preview.updated == [data["procedures"][0]["code"]]
    assert report.created == preview.created == ["9.999999"] and report.sectors_created == ["linh-vuc-moi"]
    summary = AuditEntry.objects.get(action="procedures.catalog.import")
    assert summary.actor_id == steward.pk and summary.changes["created"] == 1
    assert AuditEntry.objects.filter(action="procedures.sector.create", actor_id=steward.pk).count() == 1
    again = catalog_import(data=data, actor=steward)
    assert again.created == again.updated == [] and again.sectors_created == again.sectors_updated == []
    assert AuditEntry.objects.filter(action="procedures.catalog.import").count() == 1


def test_only_stewards_import(hp):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    officer = get_user_model().objects.get(username="motcua.thanhdong")
    with pytest.raises(PermissionDenied):
        catalog_import(data=catalog_export(), actor=officer, dry_run=True)


def test_too_many_rows_are_refused_before_anything(hp, settings):
    settings.SMARTGOV_CATALOG_IMPORT_MAX_ROWS = 5
    with pytest.raises(DomainError, match="tối đa 5") as error:
        catalog_import(data=catalog_export(), actor=None, dry_run=True)
    assert error.value.code == "too_many_rows"
    with pytest.raises(DomainError, match="tối đa 5"):
        catalog_from_xlsx(catalog_to_xlsx(catalog_export()))


def test_a_steward_edits_a_procedure_with_its_old_and_new_values_audited(hp):
    from smartgov.procedures.services.catalog import procedure_as_row, procedure_update

    steward = _steward(hp)
    row = procedure_as_row(Procedure.objects.get(code="1.001193"))
    row.update(fee_vnd=5000, fee_schedule={"per": "so_ban", "unit": 10000})
    procedure, changed = procedure_update(actor=steward, code="1.001193", row=row)
    assert changed == ["fee_schedule", "fee_vnd"] and procedure.fee_vnd == 5000
    entry = AuditEntry.objects.get(action="procedures.procedure.update", object_id=str(procedure.pk))
    assert entry.changes["fee_vnd"] == [0, 5000] and entry.actor_id == steward.pk
    _same, nothing = procedure_update(actor=steward, code="1.001193", row=row)
    assert nothing == [] and AuditEntry.objects.filter(action="procedures.procedure.update").count() == 1


def test_a_bad_edit_says_what_is_wrong_field_by_field_and_changes_nothing(hp):
    from smartgov.procedures.services.catalog import CatalogInvalid, procedure_as_row, procedure_update

    steward = _steward(hp)
    row = procedure_as_row(Procedure.objects.get(code="1.001193"))
    row.update(
        name="",
        form_schema='{"type": "object", "properties": {"x": {"type": "khong-co"}}}',
        fee_schedule='{"moi_ban": 1}',
        workflow='[{"name": "Tiếp nhận", "role": "leader", "agency": "receiving", "share": 1.5}]',
        components="[1, 2",
    )
    with pytest.raises(CatalogInvalid) as invalid:
        procedure_update(actor=steward, code="1.001193", row=row)
    assert set(invalid.value.errors) == {"name", "form_schema", "fee_schedule", "workflow", "components"}
    assert invalid.value.errors["workflow"] == "bước 1 của quy trình: tỷ lệ phải là số từ 0 đến 1"
    assert invalid.value.errors["components"] == "components không phải JSON hợp lệ"
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh"
