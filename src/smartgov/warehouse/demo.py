"""The warehouse's part of the demo: Hai Phong's catalog (``data/demo_catalog.json``) — the departments' shared
databases and their tables in realistic states — and, for the published tables, a small generated dataset written
as their first Delta version, so that they hold rows to query. Loads what is missing; a second run changes nothing.
"""

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from smartgov.identity.selectors import user_get_by_username
from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.platform.models import Agency
from smartgov.warehouse.demo_publish import PUBLISH_STEPS
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import version_write
from smartgov.warehouse.models import SharedDatabase, Table
from smartgov.warehouse.services import database_create, grant_add, table_create, table_version_record

DATA_FILE = Path(__file__).parent / "data" / "demo_catalog.json"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Mạc"]
_MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Ngọc", "Quốc", "Hải", "Phương", "Gia", "Bảo"]
_GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân",
          "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]  # fmt: skip
_STREETS = [
    "Lạch Tray",
    "Trần Phú",
    "Lê Lợi",
    "Tô Hiệu",
    "Văn Cao",
    "Nguyễn Văn Linh",
    "Hoàng Văn Thụ",
    "Lê Thánh Tông",
]
_BUSINESS = ["Cảng", "Logistics", "Thương mại", "Xây dựng", "Cơ khí", "Điện tử", "Thủy sản", "Vận tải biển", "Dệt may"]
_SUFFIXES = ["Hải Phòng", "Duyên Hải", "Đình Vũ", "Bạch Đằng", "Cát Bi", "Hồng Bàng", "Thành Đông", "Tràng Duệ"]

#: The demo accounts who keep their agency's tables (the data steward of the Department of Science and Technology).
DEMO_STEWARDS = {"000.00.06.H31": "dulieu.skhcn"}

#: The grants the demo makes: (table, agency granted, personal data, purpose).
GRANTS = [
    ("tiem_chung.mui_tiem", "000.00.10.H31", False, "Kiểm tra tiêm chủng khi tuyển sinh mầm non, lớp 1"),
    ("ho_tich.khai_sinh", "000.00.09.H31", True, "Liên thông khai sinh - cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi"),
    ("ho_tich.khai_sinh", "000.00.19.H31", True, "Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi"),
    ("nguoi_co_cong.doi_tuong", "000.00.03.H31", False, "Lập dự toán kinh phí trợ cấp ưu đãi"),
    ("dat_dai.thua_dat", "000.00.07.H31", False, "Thẩm định hồ sơ cấp giấy phép xây dựng"),
]


def _value(gen: str, index: int, rng: random.Random, communes: list[str]) -> Any:
    kind, _, argument = gen.partition(":")
    if kind == "ten":
        return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
    if kind == "xa":
        return communes[index % len(communes)] if rng.random() < 0.3 else rng.choice(communes)
    if kind == "ma":
        return f"{argument}{index + 1:06d}"
    if kind == "chon":
        return rng.choice(argument.split("|"))
    if kind == "so":
        low, high = (int(x) for x in argument.split("-"))
        return rng.randint(low, high)
    if kind == "thuc":
        low_f, high_f = (float(x) for x in argument.split("-"))
        return round(rng.uniform(low_f, high_f), 2)
    if kind == "ngay":
        first, last = (int(x) for x in argument.split("-"))
        start = date(first, 1, 1)
        return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days + 1))
    if kind == "cccd":
        return f"031{rng.randint(0, 1)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"
    if kind == "dt":
        return f"09{rng.randint(0, 99999999):08d}"
    if kind == "dn":
        return f"Công ty {rng.choice(['TNHH', 'cổ phần'])} {rng.choice(_BUSINESS)} {rng.choice(_SUFFIXES)}"
    if kind == "dc":
        return f"Số {rng.randint(1, 450)} đường {rng.choice(_STREETS)}"
    if kind == "bool":
        return rng.random() < 0.8
    raise ValueError(f"unknown generator {gen!r}")


_ARROW = {"text": pa.string(), "integer": pa.int64(), "decimal": pa.float64(), "date": pa.date32(),
          "timestamp": pa.timestamp("us", tz="UTC"), "boolean": pa.bool_()}  # fmt: skip


def dataset_generate(spec: dict[str, Any], communes: list[str]) -> pa.Table:
    """The demo rows of a published table: ``spec["rows"]`` rows of its declared columns, the same on every run."""
    rng = random.Random(spec["code"])  # noqa: S311 - demo data, not a secret
    columns: dict[str, list[Any]] = {}
    fields = []
    for name, kind, _description, _personal, gen in spec["columns"]:
        values = [_value(gen, index, rng, communes) for index in range(spec["rows"])]
        if kind == "timestamp":  # a reading every hour or so, in Vietnam's time
            values = [datetime(d.year, d.month, d.day, rng.randrange(24), tzinfo=VIETNAM) for d in values]
        columns[name] = values
        fields.append(pa.field(name, _ARROW[kind]))
    return pa.Table.from_pydict(columns, schema=pa.schema(fields))


def _columns(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": name, "type": kind, "description": description, "personal": personal}
        for name, kind, description, personal, _gen in spec.get("columns", [])
    ]


def _load(ctx: DemoContext) -> int:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    agencies = {a.code: a for a in Agency.objects.filter(code__in={d["owner"] for d in data["databases"]})}
    existing = set(SharedDatabase.objects.values_list("code", flat=True))
    tables = {(t.database.code, t.code): t for t in Table.objects.select_related("database", "owner")}
    storage = storage_from_settings()
    stewards = _stewards()
    changed = 0
    for spec in data["databases"]:
        owner = agencies.get(spec["owner"])
        if owner is None:  # the locality's agencies were not loaded (another locality's data file)
            continue
        if spec["code"] in existing:
            database = SharedDatabase.objects.get(code=spec["code"])
        else:
            database = database_create(
                actor=None,
                code=spec["code"],
                name=spec["name"],
                owner=owner,
                description=spec["description"],
                status=spec["status"],
            )
            changed += 1
        for table_spec in spec["tables"]:
            table = tables.get((database.code, table_spec["code"]))
            if table is None:
                table = table_create(
                    actor=None,
                    database=database,
                    code=table_spec["code"],
                    name=table_spec["name"],
                    description=table_spec["description"],
                    classification=table_spec["classification"],
                    importance=table_spec["importance"],
                    frequency=table_spec["frequency"],
                    status=table_spec["status"],
                    source=table_spec["source"],
                    origin=table_spec.get("origin", ""),
                    open_dataset=table_spec.get("open", False),
                    columns=_columns(table_spec),
                    steward=stewards.get(owner.pk),
                )
                changed += 1
            if table_spec["status"] == "published" and table.current_version is None and table_spec.get("columns"):
                rows = dataset_generate(table_spec, data["communes"])
                version = version_write(
                    storage,
                    table.storage_key,
                    pa.RecordBatchReader.from_batches(rows.schema, rows.to_batches()),
                    mode="overwrite",
                    metadata={"source": "demo"},
                )
                table_version_record(
                    actor=None,
                    table=table,
                    version=version,
                    rows=rows.num_rows,
                    kind=table_spec["source"],
                    original_name=f"{table_spec['code']}.parquet" if table_spec["source"] == "upload" else "",
                )
                changed += 1
    changed += _grants()
    return changed


def _stewards() -> dict[int, Any]:
    """The demo's data stewards (platform/data/haiphong.json), by the id of the agency they keep data for."""
    found: dict[int, Any] = {}
    for code, username in DEMO_STEWARDS.items():
        agency, user = Agency.objects.filter(code=code).first(), user_get_by_username(username)
        if agency is not None and user is not None:
            found[agency.pk] = user
    return found


def _grants() -> int:
    changed = 0
    for name, agency_code, personal, purpose in GRANTS:
        database, code = name.split(".")
        table = Table.objects.select_related("database", "owner").filter(database__code=database, code=code).first()
        agency = Agency.objects.filter(code=agency_code).first()
        if table is None or agency is None or table.grants.filter(agency=agency).exists():
            continue
        grant_add(actor=None, table=table, agency=agency, purpose=purpose, personal=personal)
        changed += 1
    return changed


STEPS = [DemoStep("catalog", _load, after=("platform.locality", "identity.accounts")), *PUBLISH_STEPS]
