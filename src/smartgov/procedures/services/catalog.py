"""The procedure catalog: import and export as JSON or Excel (one sheet, one row per procedure; the structured
columns — components, form, workflow, fee schedule — hold JSON), and the stewards' edits of one procedure.

Import upserts by national code, in one transaction, and says what it did; every row is checked before anything
is written (the preview reports each row's errors), a bad row stops the import with the row's number and nothing
is changed, and importing the same file again changes nothing. Who may: ``procedures.catalog.manage``
(policies.py: the catalog stewards); the system (demo data, the command) imports with ``actor`` None."""

import io
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from openpyxl import Workbook, load_workbook

from smartgov.identity import authz
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.files import SPREADSHEET_TYPES, Limits, file_inspect
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


#: The roles a workflow step may name (the officers of the one-stop shop and the agencies).
STEP_ROLES = ("one_stop_officer", "specialist", "leader")
#: Fields a steward edits on the management page (the national code is the key and is not edited there).
EDITABLE = [c for c in COLUMNS if c != "code"]


@dataclass
class RowOutcome:
    """What an import does, or would do, with one row: ``create``, ``update``, ``unchanged`` or ``error``."""

    number: int
    code: str
    action: str
    fields: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    sectors_created: list[str] = field(default_factory=list)
    sectors_updated: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.errors]


def _row_error(number: int, code: str, message: str) -> DomainError:
    return DomainError(_("Row %(row)d (%(code)s): %(message)s") % {"row": number, "code": code, "message": message})


def _text(row: dict[str, Any], key: str, limit: int) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()[: limit + 1]


def workflow_problems(steps: Any, agencies: dict[str, Agency] | None) -> list[str]:
    """Why ``steps`` is not a workflow template (empty when it is): a list of steps, each with a name, an officer's
    role, ``receiving`` or a known agency code (not checked when ``agencies`` is None), and its share of the
    processing time (the shares at most 1)."""
    if not isinstance(steps, list):
        return [_("the workflow template must be a list of steps")]
    problems: list[str] = []
    total = 0.0
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not str(step.get("name") or "").strip():
            problems.append(_("workflow step %(step)d needs a name") % {"step": number})
            continue
        if step.get("role") not in STEP_ROLES:
            problems.append(
                _("workflow step %(step)d: the role must be one of %(roles)s")
                % {"step": number, "roles": ", ".join(STEP_ROLES)}
            )
        where = step.get("agency", "receiving")
        if where != "receiving" and agencies is not None and where not in agencies:
            problems.append(_("workflow step %(step)d: unknown agency %(agency)s") % {"step": number, "agency": where})
        share = step.get("share", 0)
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            problems.append(_("workflow step %(step)d: the share must be a number from 0 to 1") % {"step": number})
        else:
            total += share
    if total > 1.001:
        problems.append(_("the workflow steps' shares add up to more than 1"))
    return problems


def _schema_valid(schema: Any, checked: set[str] | None) -> bool:
    """Whether ``schema`` is a JSON Schema of an object. Checking it against the meta-schema costs about 5 ms, most
    of an import's time: a schema already in ``checked`` (the canonical JSON of those that passed, the catalog's
    stored ones included) is not checked again."""
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    if checked is not None and key in checked:
        return True
    try:
        Draft202012Validator.check_schema(schema)
        if schema and (schema.get("type") != "object" or not isinstance(schema.get("properties", {}), dict)):
            return False
    except (SchemaError, AttributeError):
        return False
    if checked is not None:
        checked.add(key)
    return True


def _clean(
    row: dict[str, Any],
    sectors: dict[str, Sector],
    agencies: dict[str, Agency],
    checked: set[str] | None = None,
    *,
    steps_agencies: bool = True,
) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's values for the model, and its problems by column (one Vietnamese message each). ``steps_agencies``
    False: the workflow's agency codes are not checked (the system's imports: their agencies may come later)."""
    errors: dict[str, str] = {}
    code = _text(row, "code", 40)
    if not code:
        errors["code"] = _("the national procedure code is missing")
    elif len(code) > 40:
        errors["code"] = _("the national procedure code is longer than 40 characters")
    values: dict[str, Any] = {"code": code}
    for name, limit in (("name", 400), ("name_en", 400), ("fee_note", 400), ("legal_basis", 20_000)):
        values[name] = _text(row, name, limit)
        if len(values[name]) > limit:
            errors[name] = _("%(column)s is longer than %(limit)d characters") % {"column": name, "limit": limit}
    if not values["name"]:
        errors["name"] = _("the name is missing")
    sector = sectors.get(str(row.get("sector") or "").strip())
    if sector is None:
        errors["sector"] = _("unknown sector %(sector)s") % {"sector": row.get("sector")}
    values["sector"] = sector
    for name, choices in (
        ("level", Procedure.Level.values),
        ("online_level", Procedure.OnlineLevel.values),
        ("processing_unit", Procedure.TimeUnit.values),
    ):
        values[name] = str(row.get(name) or "").strip()
        if values[name] not in choices:
            errors[name] = _("%(column)s must be one of %(choices)s") % {"column": name, "choices": ", ".join(choices)}
    active = row.get("active", True)
    values["active"] = active not in (False, "false", "False", "FALSE", "0", 0, "không", "Không")
    try:
        values["processing_time"] = Decimal(str(row.get("processing_time", ""))).quantize(Decimal("0.1"))
        if not Decimal(0) <= values["processing_time"] < Decimal(100_000):
            errors["processing_time"] = _("the processing time must be from 0 to 99999")
    except (InvalidOperation, ValueError):
        errors["processing_time"] = _("the processing time and the fee must be numbers")
    fee = row.get("fee_vnd") or 0
    try:
        if isinstance(fee, float) and not fee.is_integer():
            raise ValueError(fee)
        values["fee_vnd"] = int(fee)
        if not 0 <= values["fee_vnd"] <= 2_000_000_000:
            errors["fee_vnd"] = _("the fee must be a whole number of đồng from 0 to 2,000,000,000")
    except (TypeError, ValueError):
        errors["fee_vnd"] = _("the processing time and the fee must be numbers")
    agency_code = str(row.get("agency") or "").strip()
    values["agency"] = agencies.get(agency_code) if agency_code else None
    if agency_code and values["agency"] is None:
        errors["agency"] = _("unknown agency %(agency)s") % {"agency": agency_code}
    for column in JSON_COLUMNS:
        raw = row.get(column)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError:
                errors[column] = _("%(column)s is not valid JSON") % {"column": column}
                raw = None
        values[column] = raw if raw is not None else ({} if column in ("form_schema", "fee_schedule") else [])
    if not _schema_valid(values["form_schema"], checked):
        errors.setdefault("form_schema", _("the electronic form is not a valid JSON Schema"))
    try:
        schedule_check(values["fee_schedule"])
    except DomainError as exc:
        errors.setdefault("fee_schedule", exc.message)
    components = values["components"]
    if not isinstance(components, list) or not all(
        isinstance(c, dict) and c.get("code") and c.get("name") for c in components
    ):
        errors.setdefault("components", _("every document component needs a code and a name"))
    if problems := workflow_problems(values["workflow"], agencies if steps_agencies else None):
        errors.setdefault("workflow", "; ".join(problems))
    return values, errors


def _changed(existing: Procedure, values: dict[str, Any]) -> list[str]:
    return sorted(k for k, v in values.items() if k != "code" and getattr(existing, k) != v)


def _sector_plan(rows: list[Any]) -> tuple[dict[str, Sector], list[Sector], list[Sector]]:
    """The sectors after the import (unsaved ones for the new), and which are new and which change."""
    existing = {s.code: s for s in Sector.objects.all()}
    created: list[Sector] = []
    updated: list[Sector] = []
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) < 2 or not row[0]:
            continue
        code, name = str(row[0]).strip()[:40], str(row[1] or "").strip()[:200]
        name_en = str(row[2] or "").strip()[:200] if len(row) > 2 else ""
        sector = existing.get(code)
        if sector is None:
            sector = existing[code] = Sector(code=code, name=name, name_en=name_en)
            created.append(sector)
        elif (sector.name, sector.name_en) != (name, name_en):
            sector.name, sector.name_en = name, name_en
            updated.append(sector)
    return existing, created, updated


def catalog_import(*, data: dict[str, Any], actor: AbstractBaseUser | None, dry_run: bool = False) -> ImportReport:
    """Upsert sectors and procedures from ``{"sectors": [[code, name, name_en]], "procedures": [{...}]}``.

    Every row is checked first and what it would do is reported (``dry_run`` stops there: the preview). A row with
    an error stops the whole import (``DomainError`` naming the first bad row) and nothing is written; otherwise
    everything is written in one transaction, each created or changed procedure and sector with its audit row, and
    the import itself with one more. Importing the same data again changes nothing."""
    rows = data.get("procedures", [])
    if not isinstance(rows, list):
        raise DomainError(_("The catalog has no list of procedures."))
    limit = settings.SMARTGOV_CATALOG_IMPORT_MAX_ROWS
    if len(rows) > limit:
        raise DomainError(
            _("The file has %(rows)d procedures; at most %(limit)d are imported at once.")
            % {"rows": len(rows), "limit": limit},
            code="too_many_rows",
        )
    if actor is not None:
        authz.authorize(actor, "procedures.catalog.manage")
    report = ImportReport()
    with transaction.atomic():
        sectors, new_sectors, changed_sectors = _sector_plan(data.get("sectors", []))
        agencies = {a.code: a for a in Agency.objects.all()}
        existing = {
            p.code: p
            for p in Procedure.objects.select_related("sector", "agency").filter(
                code__in=[str(r.get("code") or "").strip() for r in rows if isinstance(r, dict)]
            )
        }
        # the stored forms passed the same check on their way in
        checked = {json.dumps(p.form_schema, sort_keys=True, ensure_ascii=False) for p in existing.values()}
        plans: list[tuple[RowOutcome, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for number, row in enumerate(rows, start=1):
            values, errors = (
                _clean(row, sectors, agencies, checked, steps_agencies=actor is not None)
                if isinstance(row, dict)
                else ({"code": ""}, {"row": _("the row is not a set of columns")})
            )
            code = values["code"]
            if code in seen:
                errors["code"] = _("the code appears again (first in row %(row)d)") % {"row": seen[code]}
            seen.setdefault(code, number)
            outcome = RowOutcome(number=number, code=code or "?", action="error", errors=list(errors.values()))
            if not errors:
                current = existing.get(code)
                outcome.fields = _changed(current, values) if current else []
                outcome.action = "create" if current is None else "update" if outcome.fields else "unchanged"
            report.rows.append(outcome)
            plans.append((outcome, values))
        report.sectors_created = [s.code for s in new_sectors]
        report.sectors_updated = [s.code for s in changed_sectors]
        for outcome in report.rows:
            {"create": report.created, "update": report.updated, "unchanged": report.unchanged}.get(
                outcome.action, []
            ).append(outcome.code)
        if dry_run:
            return report
        if report.errors:
            first = report.errors[0]
            raise _row_error(first.number, first.code, "; ".join(first.errors))
        for sector in [*new_sectors, *changed_sectors]:
            created = sector.pk is None
            sector.save()
            audit_record(
                actor=actor,
                action="procedures.sector.create" if created else "procedures.sector.update",
                obj=sector,
                changes={"name": sector.name, "name_en": sector.name_en},
            )
        for outcome, values in plans:
            code = values.pop("code")
            if outcome.action == "create":
                procedure = Procedure.objects.create(code=code, **values)
                audit_record(actor=actor, action="procedures.procedure.create", obj=procedure, changes={"code": code})
            elif outcome.action == "update":
                procedure = existing[code]
                for key in outcome.fields:
                    setattr(procedure, key, values[key])
                procedure.save()
                audit_record(
                    actor=actor,
                    action="procedures.procedure.update",
                    obj=procedure,
                    changes={"fields": outcome.fields},
                )
        if actor is not None and (report.created or report.updated or new_sectors or changed_sectors):
            audit_record(
                actor=actor,
                action="procedures.catalog.import",
                object_type="procedures.catalog",
                object_repr=_("Procedure catalog"),
                changes={
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "unchanged": len(report.unchanged),
                },
            )
    return report


def procedure_update(*, actor: AbstractBaseUser, code: str, row: dict[str, Any]) -> tuple[Procedure, list[str]]:
    """Change one procedure from the management page's form (``row``: the import's columns, without ``code``).

    The same checks as the import; ``DomainError`` with ``errors`` by field when one fails. Audited with each
    changed field's old and new value; nothing is written when nothing changed."""
    authz.authorize(actor, "procedures.catalog.manage")
    with transaction.atomic():
        procedure = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("sector", "agency")
            .filter(code=code)
            .first()
        )
        if procedure is None:
            raise NotFound(_("No such procedure."))
        sectors = {s.code: s for s in Sector.objects.all()}
        agencies = {a.code: a for a in Agency.objects.all()}
        values, errors = _clean({**row, "code": code}, sectors, agencies)
        if errors:
            raise CatalogInvalid(errors)
        fields = _changed(procedure, values)
        if not fields:
            return procedure, []
        changes = {key: [_plain(getattr(procedure, key)), _plain(values[key])] for key in fields}
        for key in fields:
            setattr(procedure, key, values[key])
        procedure.save()
        audit_record(actor=actor, action="procedures.procedure.update", obj=procedure, changes=changes)
    return procedure, fields


class CatalogInvalid(DomainError):
    """The management form's values break the catalog's rules: ``errors`` by field, one message each."""

    status = 422
    code = "catalog_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return getattr(value, "code", str(value.pk))
    if isinstance(value, Decimal):
        return str(value)
    return value


def procedure_as_row(procedure: Procedure) -> dict[str, Any]:
    """One procedure as the import's row (the export and the management form)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "sector": procedure.sector.code,
        "level": procedure.level,
        "agency": procedure.agency.code if procedure.agency else None,
        "online_level": procedure.online_level,
        "processing_time": float(procedure.processing_time),
        "processing_unit": procedure.processing_unit,
        "fee_vnd": procedure.fee_vnd,
        "fee_note": procedure.fee_note,
        "fee_schedule": procedure.fee_schedule,
        "legal_basis": procedure.legal_basis,
        "components": procedure.components,
        "form_schema": procedure.form_schema,
        "workflow": procedure.workflow,
        "active": procedure.active,
    }


def catalog_export() -> dict[str, Any]:
    procedures = Procedure.objects.select_related("sector", "agency").order_by("code")
    return {
        "sectors": [[s.code, s.name, s.name_en] for s in Sector.objects.order_by("code")],
        "procedures": [procedure_as_row(p) for p in procedures],
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


#: The most a catalog workbook may inflate to (a real one of 5,000 procedures inflates to about 30 MB).
XLSX_MAX_INFLATED = 64 * 1024 * 1024


def catalog_from_xlsx(content: bytes) -> dict[str, Any]:
    """The catalog in a workbook: sheet ``procedures`` (first row: the column names), sheet ``sectors``.

    The file is inspected first (platform.files: a ZIP bomb, XML entities, macros or external links are refused),
    and at most ``SMARTGOV_CATALOG_IMPORT_MAX_ROWS`` procedures are read."""
    limits = Limits.from_settings()
    file_inspect(
        content,
        accept=SPREADSHEET_TYPES,
        limits=replace(limits, max_inflated_bytes=min(limits.max_inflated_bytes, XLSX_MAX_INFLATED)),
    )
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise DomainError(_("This is not an Excel workbook (.xlsx).")) from exc
    try:
        if "procedures" not in book.sheetnames:
            raise DomainError(_("The workbook has no sheet named “procedures”."))
        max_rows = settings.SMARTGOV_CATALOG_IMPORT_MAX_ROWS
        rows = book["procedures"].iter_rows(values_only=True, max_col=len(COLUMNS) + 10)
        header = [str(h or "").strip() for h in next(rows, ())]
        if "code" not in header:
            raise DomainError(
                _("The first row of the sheet “procedures” must name the columns: %(columns)s.")
                % {"columns": ", ".join(COLUMNS)}
            )
        procedures: list[dict[str, Any]] = []
        for row in rows:
            if any(v is not None for v in row):
                if len(procedures) == max_rows:
                    raise DomainError(
                        _("The file has more than %(limit)d procedures; at most %(limit)d are imported at once.")
                        % {"limit": max_rows},
                        code="too_many_rows",
                    )
                procedures.append({k: v for k, v in zip(header, row, strict=False) if k in COLUMNS})
        sectors: list[list[Any]] = []
        if "sectors" in book.sheetnames:
            for number, sector in enumerate(book["sectors"].iter_rows(values_only=True, max_col=3)):
                if number > max_rows:
                    raise DomainError(_("The sheet “sectors” has too many rows."), code="too_many_rows")
                if number and sector and sector[0]:
                    sectors.append(list(sector))
    finally:
        book.close()
    return {"sectors": sectors, "procedures": procedures}
