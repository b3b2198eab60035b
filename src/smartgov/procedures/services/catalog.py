"""The procedure catalog: import and export as JSON or Excel (one sheet, one row per procedure; the structured
columns — components, form, workflow — hold JSON). Import upserts by national code, in one transaction, and
says what it did; a bad row stops the import with the row's number and nothing is changed."""

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from openpyxl import Workbook, load_workbook

from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.procedures.domain.fees import schedule_check
from smartgov.procedures.models import Procedure, Sector

COLUMNS = [
    "code",
    "name",
    "name_en",
    "sector",
    "level",
    "agency",
    "online_level",
    "processing_time",
    "processing_unit",
    "fee_vnd",
    "fee_note",
    "fee_schedule",
    "legal_basis",
    "components",
    "form_schema",
    "workflow",
    "active",
]
JSON_COLUMNS = ("components", "form_schema", "workflow", "fee_schedule")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _row_error(number: int, code: str, message: str) -> DomainError:
    return DomainError(_("Row %(row)d (%(code)s): %(message)s") % {"row": number, "code": code, "message": message})


def _clean(number: int, row: dict[str, Any], sectors: dict[str, Sector]) -> dict[str, Any]:
    code = str(row.get("code") or "").strip()
    if not code:
        raise _row_error(number, "?", _("the national procedure code is missing"))
    if not str(row.get("name") or "").strip():
        raise _row_error(number, code, _("the name is missing"))
    sector = sectors.get(str(row.get("sector") or ""))
    if sector is None:
        raise _row_error(number, code, _("unknown sector %(sector)s") % {"sector": row.get("sector")})
    values: dict[str, Any] = {
        "name": str(row["name"]).strip(),
        "name_en": str(row.get("name_en") or "").strip(),
        "sector": sector,
        "level": str(row.get("level") or ""),
        "online_level": str(row.get("online_level") or ""),
        "processing_unit": str(row.get("processing_unit") or ""),
        "fee_note": str(row.get("fee_note") or "").strip(),
        "legal_basis": str(row.get("legal_basis") or "").strip(),
        "active": row.get("active", True) not in (False, "false", "0", 0),
    }
    for name, choices in (
        ("level", Procedure.Level.values),
        ("online_level", Procedure.OnlineLevel.values),
        ("processing_unit", Procedure.TimeUnit.values),
    ):
        if values[name] not in choices:
            raise _row_error(
                number,
                code,
                _("%(column)s must be one of %(choices)s") % {"column": name, "choices": ", ".join(choices)},
            )
    try:
        values["processing_time"] = Decimal(str(row.get("processing_time", "")))
        values["fee_vnd"] = int(row.get("fee_vnd") or 0)
    except (InvalidOperation, ValueError) as exc:
        raise _row_error(number, code, _("the processing time and the fee must be numbers")) from exc
    if values["processing_time"] < 0 or values["fee_vnd"] < 0:
        raise _row_error(number, code, _("the processing time and the fee cannot be negative"))
    agency_code = str(row.get("agency") or "").strip()
    values["agency"] = Agency.objects.filter(code=agency_code).first() if agency_code else None
    if agency_code and values["agency"] is None:
        raise _row_error(number, code, _("unknown agency %(agency)s") % {"agency": agency_code})
    for column in JSON_COLUMNS:
        raw = row.get(column)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError as exc:
                raise _row_error(number, code, _("%(column)s is not valid JSON") % {"column": column}) from exc
        values[column] = raw if raw is not None else ({} if column in ("form_schema", "fee_schedule") else [])
    try:
        Draft202012Validator.check_schema(values["form_schema"])
    except SchemaError as exc:
        raise _row_error(number, code, _("the electronic form is not a valid JSON Schema")) from exc
    try:
        schedule_check(values["fee_schedule"])
    except DomainError as exc:
        raise _row_error(number, code, exc.message) from exc
    if not all(isinstance(c, dict) and c.get("code") and c.get("name") for c in values["components"]):
        raise _row_error(number, code, _("every document component needs a code and a name"))
    return {"code": code, **values}


def catalog_import(*, data: dict[str, Any], actor: AbstractBaseUser | None) -> ImportReport:
    """Upsert sectors and procedures from ``{"sectors": [[code, name, name_en]], "procedures": [{...}]}``."""
    report = ImportReport()
    with transaction.atomic():
        for code, name, *rest in data.get("sectors", []):
            Sector.objects.update_or_create(code=code, defaults={"name": name, "name_en": rest[0] if rest else ""})
        sectors = {s.code: s for s in Sector.objects.all()}
        for number, row in enumerate(data.get("procedures", []), start=1):
            values = _clean(number, row, sectors)
            code = values.pop("code")
            existing = Procedure.objects.filter(code=code).first()
            if existing is None:
                procedure = Procedure.objects.create(code=code, **values)
                audit_record(actor=actor, action="procedures.procedure.create", obj=procedure, changes={"code": code})
                report.created.append(code)
                continue
            changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
            if not changed:
                report.unchanged.append(code)
                continue
            for key, value in changed.items():
                setattr(existing, key, value)
            existing.save()
            audit_record(
                actor=actor, action="procedures.procedure.update", obj=existing, changes={"fields": sorted(changed)}
            )
            report.updated.append(code)
    return report


def catalog_export() -> dict[str, Any]:
    procedures = Procedure.objects.select_related("sector", "agency").order_by("code")
    return {
        "sectors": [[s.code, s.name, s.name_en] for s in Sector.objects.order_by("code")],
        "procedures": [
            {
                "code": p.code,
                "name": p.name,
                "name_en": p.name_en,
                "sector": p.sector.code,
                "level": p.level,
                "agency": p.agency.code if p.agency else None,
                "online_level": p.online_level,
                "processing_time": float(p.processing_time),
                "processing_unit": p.processing_unit,
                "fee_vnd": p.fee_vnd,
                "fee_note": p.fee_note,
                "fee_schedule": p.fee_schedule,
                "legal_basis": p.legal_basis,
                "components": p.components,
                "form_schema": p.form_schema,
                "workflow": p.workflow,
                "active": p.active,
            }
            for p in procedures
        ],
    }


def catalog_to_xlsx(data: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = "procedures"
    sheet.append(COLUMNS)
    for row in data["procedures"]:
        sheet.append([json.dumps(row[c], ensure_ascii=False) if c in JSON_COLUMNS else row.get(c) for c in COLUMNS])
    sectors = book.create_sheet("sectors")
    sectors.append(["code", "name", "name_en"])
    for sector in data["sectors"]:
        sectors.append(list(sector))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def catalog_from_xlsx(content: bytes) -> dict[str, Any]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise DomainError(_("This is not an Excel workbook (.xlsx).")) from exc
    if "procedures" not in book.sheetnames:
        raise DomainError(_("The workbook has no sheet named “procedures”."))
    rows = list(book["procedures"].iter_rows(values_only=True))
    header = [str(h or "") for h in rows[0]] if rows else []
    procedures = [dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]
    sectors = []
    if "sectors" in book.sheetnames:
        sectors = [list(r) for r in list(book["sectors"].iter_rows(values_only=True))[1:] if r and r[0]]
    return {"sectors": sectors, "procedures": procedures}
