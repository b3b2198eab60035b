"""Master data (danh mục dùng chung) as warehouse tables of the shared database ``danh_muc`` (docs/warehouse.md,
"Master data").

- administrative units (the provinces and communes from 1 July 2025) and agencies, read from the platform;
- the 54 ethnic groups with the codes of Decision 121-TCTK/PPCĐ (1979), ``data/dan_toc.csv``;
- nationalities: the ISO 3166-1 codes (``data/iso3166.csv``, from Debian's iso-codes) with their Vietnamese and
  English names from the Unicode CLDR through Babel;
- the religions with organisations recognised in Viet Nam, and "no religion" (``data/ton_giao.csv``);
- occupations: levels 1 and 2 of the Vietnamese occupation classification (VSCO, Decision 34/2020/QĐ-TTg),
  ``data/nghe_nghiep.csv``.

Each is open data owned by the agency in charge of digital transformation (the Department of Science and
Technology, or the setting ``WAREHOUSE_MASTERDATA_OWNER``), written as a Delta version only when its content
changed. ``reference_values(name)`` gives the codes ingestion checks a "reference" rule against.
"""

import csv
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from babel import Locale
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.selectors.org import agency_get, agency_list
from smartgov.platform.selectors.units import unit_search
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Table
from smartgov.warehouse.services.publishing import ColumnDecl, PublishResult, arrow_schema, table_publish

DATA = Path(__file__).resolve().parent / "data"
DATABASE = "danh_muc"
DATABASE_NAME = "Danh mục dùng chung"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class MasterTable:
    reference: str
    table: str
    label: StrOrPromise
    description: str
    origin: str
    columns: list[ColumnDecl]
    rows: Callable[[], list[Row]]


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _provinces() -> list[Row]:
    units = unit_search(generation=AdminUnit.Generation.CURRENT, level=AdminUnit.Level.PROVINCE, limit=None)
    return [(u.code, u.name, u.kind) for u in units]


def _communes() -> list[Row]:
    units = unit_search(generation=AdminUnit.Generation.CURRENT, level=AdminUnit.Level.COMMUNE, limit=None)
    return [(u.code, u.name, u.kind, u.parent.code if u.parent else None) for u in units]


def _agencies() -> list[Row]:
    return [
        (
            a.code,
            a.name,
            a.name_en,
            a.kind,
            a.parent.code if a.parent else None,
            a.admin_unit.code if a.admin_unit else None,
        )
        for a in agency_list()
    ]


def _ethnic_groups() -> list[Row]:
    return [(r["code"], r["name"]) for r in _csv("dan_toc.csv")]


def _nationalities() -> list[Row]:
    vi, en = Locale("vi").territories, Locale("en").territories
    return [
        (r["alpha2"], r["alpha3"], r["numeric"], vi.get(r["alpha2"], r["name_en"]), en.get(r["alpha2"], r["name_en"]))
        for r in _csv("iso3166.csv")
    ]


def _religions() -> list[Row]:
    return [(r["code"], r["name"]) for r in _csv("ton_giao.csv")]


def _occupations() -> list[Row]:
    return [(r["code"], int(r["level"]), r["parent"] or None, r["name"]) for r in _csv("nghe_nghiep.csv")]


def _col(
    name: str, description: str, *, type: str = "text", required: bool = False, unique: bool = False
) -> ColumnDecl:
    return {"name": name, "type": type, "description": description, "required": required, "unique": unique}


def _code(description: str) -> ColumnDecl:
    return _col("code", description, required=True, unique=True)


TABLES: list[MasterTable] = [
    MasterTable(
        "provinces",
        "tinh",
        gettext_lazy("Provinces and centrally-run cities"),
        "Tỉnh, thành phố trực thuộc trung ương từ ngày 01/7/2025 (Nghị quyết 202/2025/QH15), mã của Tổng cục Thống kê.",
        "Đơn vị hành chính của nền tảng (platform)",
        [_code("Mã tỉnh (2 chữ số)"), _col("name", "Tên", required=True), _col("kind", "Loại")],
        _provinces,
    ),
    MasterTable(
        "communes",
        "xa",
        gettext_lazy("Communes, wards and special zones"),
        "Xã, phường, đặc khu từ ngày 01/7/2025, mã của Tổng cục Thống kê, với tỉnh trực thuộc.",
        "Đơn vị hành chính của nền tảng (platform)",
        [
            _code("Mã xã (5 chữ số)"),
            _col("name", "Tên", required=True),
            _col("kind", "Loại"),
            _col("province_code", "Mã tỉnh"),
        ],
        _communes,
    ),
    MasterTable(
        "agencies",
        "co_quan",
        gettext_lazy("Agencies"),
        "Cơ quan, đơn vị với mã định danh điện tử (Quyết định 20/2020/QĐ-TTg).",
        "Danh mục cơ quan của nền tảng (platform)",
        [
            _code("Mã định danh điện tử"),
            _col("name", "Tên", required=True),
            _col("name_en", "Tên tiếng Anh"),
            _col("kind", "Loại"),
            _col("parent_code", "Mã cơ quan cấp trên"),
            _col("admin_unit_code", "Mã đơn vị hành chính"),
        ],
        _agencies,
    ),
    MasterTable(
        "ethnic_groups",
        "dan_toc",
        gettext_lazy("Ethnic groups"),
        "54 dân tộc Việt Nam, mã 01–54 theo Quyết định 121-TCTK/PPCĐ ngày 02/3/1979 của Tổng cục Thống kê.",
        "Quyết định 121-TCTK/PPCĐ",
        [_code("Mã dân tộc"), _col("name", "Tên dân tộc", required=True)],
        _ethnic_groups,
    ),
    MasterTable(
        "nationalities",
        "quoc_tich",
        gettext_lazy("Nationalities"),
        "Quốc gia, vùng lãnh thổ theo ISO 3166-1 (mã 2 chữ, 3 chữ, số), tên tiếng Việt và tiếng Anh của Unicode CLDR.",
        "ISO 3166-1; Unicode CLDR",
        [
            _code("Mã ISO 3166-1 alpha-2"),
            _col("alpha3", "Mã ISO 3166-1 alpha-3", required=True, unique=True),
            _col("numeric", "Mã số ISO 3166-1", required=True, unique=True),
            _col("name_vi", "Tên tiếng Việt", required=True),
            _col("name_en", "Tên tiếng Anh", required=True),
        ],
        _nationalities,
    ),
    MasterTable(
        "religions",
        "ton_giao",
        gettext_lazy("Religions"),
        "Các tôn giáo có tổ chức được Nhà nước công nhận, và không theo tôn giáo (mã dùng chung của SmartGov).",
        "Ban Tôn giáo Chính phủ",
        [_code("Mã tôn giáo"), _col("name", "Tên tôn giáo", required=True)],
        _religions,
    ),
    MasterTable(
        "occupations",
        "nghe_nghiep",
        gettext_lazy("Occupations"),
        "Danh mục nghề nghiệp Việt Nam cấp 1 và cấp 2 (Quyết định 34/2020/QĐ-TTg).",
        "Quyết định 34/2020/QĐ-TTg",
        [
            _code("Mã nghề nghiệp"),
            _col("level", "Cấp (1 hoặc 2)", type="integer", required=True),
            _col("parent_code", "Mã cấp 1"),
            _col("name", "Tên nghề nghiệp", required=True),
        ],
        _occupations,
    ),
]
_BY_REFERENCE = {t.reference: t for t in TABLES}
#: Reference name → label: the master-data sets a column's "reference" rule may name.
REFERENCES: dict[str, StrOrPromise] = {t.reference: t.label for t in TABLES}

#: The agency kinds and names that own master data, in order of preference.
_OWNER_NAMES = ("Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông")


def masterdata_owner() -> Agency:
    """The agency that owns master data: ``WAREHOUSE_MASTERDATA_OWNER`` (an agency code), else the Department of
    Science and Technology (or of Information and Communications), else the People's Committee's office, else the
    People's Committee."""
    code = getattr(settings, "WAREHOUSE_MASTERDATA_OWNER", "")
    if code:
        agency = agency_get(code=code)
        if agency is None:
            raise DomainError(_("The master data's owner %(code)s is not an agency.") % {"code": code})
        return agency
    departments = list(agency_list(kind=Agency.Kind.DEPARTMENT))
    for name in _OWNER_NAMES:
        found = next((a for a in departments if a.name.startswith(name)), None)
        if found is not None:
            return found
    for kind in (Agency.Kind.OFFICE, Agency.Kind.PEOPLES_COMMITTEE):
        agency = agency_list(kind=kind).first()
        if agency is not None:
            return agency
    raise DomainError(_("No agency can own the master data: load the agencies first."))


def _digest(columns: list[ColumnDecl], rows: Sequence[Row]) -> str:
    text = json.dumps([[c["name"] for c in columns], list(rows)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _batches(columns: list[ColumnDecl], rows: list[Row]) -> pa.RecordBatchReader:
    schema = arrow_schema(columns)
    table = pa.Table.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows], schema=schema)
    return pa.RecordBatchReader.from_batches(schema, table.to_batches())


def masterdata_load(actor: AbstractBaseUser | None = None) -> dict[str, PublishResult]:
    """Write every master-data table whose content changed as a new version; the others are left as they are."""
    owner = masterdata_owner()
    results: dict[str, PublishResult] = {}
    for master in TABLES:
        rows = master.rows()
        results[master.reference] = table_publish(
            database_code=DATABASE,
            database_name=DATABASE_NAME,
            table_code=master.table,
            name=str(master.label),
            owner=owner,
            classification=Table.Classification.OPEN,
            frequency=Table.Frequency.IRREGULAR,
            source=Table.Source.MASTER,
            columns=master.columns,
            batches=_batches(master.columns, rows),
            description=master.description,
            origin=master.origin,
            kind="master",
            actor=actor,
            digest=_digest(master.columns, rows),
        )
    reference_cache_clear()
    return results


#: name -> ((storage, table row, version), codes): a version number alone is not enough, since another storage or a
#: table made again starts its versions at 0 anew.
_cache: dict[str, tuple[tuple[str, int, int], frozenset[str]]] = {}
_lock = threading.Lock()


def reference_cache_clear() -> None:
    with _lock:
        _cache.clear()


def reference_values(name: str) -> frozenset[str]:
    """The codes of the master-data set ``name`` (a key of ``REFERENCES``), read once per process and version:
    a new version (reloaded master data, in any process) is read again."""
    master = _BY_REFERENCE.get(name)
    if master is None:
        raise DomainError(_("%(name)s is not a master-data set.") % {"name": name}, code="reference")
    tables = Table.objects.filter(database__code=DATABASE, code=master.table)
    found = tables.values_list("pk", "current_version").first()
    version = found[1] if found else None
    if found is None or version is None:
        raise DomainError(
            _("The master data %(name)s is not loaded yet.") % {"name": str(master.label)}, code="reference"
        )
    key = (storage_from_settings().url, found[0], version)
    with _lock:
        cached = _cache.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    codes = _read_codes(master.table, version)
    with _lock:
        _cache[name] = (key, codes)
    return codes


def _read_codes(table: str, version: int) -> frozenset[str]:
    data = dataset(storage_from_settings(), f"{DATABASE}/{table}", version).to_table(columns=["code"])
    return frozenset(str(code) for code in data.column("code").to_pylist() if code is not None)
