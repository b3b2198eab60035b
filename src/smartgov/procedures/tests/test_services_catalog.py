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
