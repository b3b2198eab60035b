"""What other SmartGov apps publish to the warehouse on a schedule (docs/warehouse.md, "Publishing").

The one-stop shop (``procedures``), read only through its selectors:

- ``mot_cua.ho_so``: one row per submitted dossier, streamed from the database in chunks (the memory held is one
  chunk), the applicant's personal ID and name as personal-data columns;
- ``mot_cua.chi_so_766_thang``: the Decision 766 indicators' counts per receiving agency and month. Months that had
  ended when they were rolled up are kept as they are; the others (the current month, and any month not rolled up
  since it ended) are computed again on each run.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.platform.selectors.org import agency_list
from smartgov.procedures.selectors import DOSSIER_ROW_FIELDS, KpiRow, dossier_rows, dossiers_first_day, kpis
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Table
from smartgov.warehouse.selectors.rollups import COUNTS, ROLLUP_DATABASE, ROLLUP_TABLE
from smartgov.warehouse.services.publishing import (
    ColumnDecl,
    PublishResult,
    arrow_schema,
    current_report,
    table_publish,
)

DATABASE_NAME = "Một cửa điện tử (thủ tục hành chính)"
ORIGIN = "Hệ thống thông tin giải quyết thủ tục hành chính (SmartGov, một cửa)"

DOSSIER_COLUMNS: list[ColumnDecl] = [
    {"name": "code", "type": "text", "description": "Mã hồ sơ", "required": True, "unique": True},
    {"name": "procedure_code", "type": "text", "description": "Mã thủ tục hành chính", "required": True},
    {
        "name": "receiving_agency_code",
        "type": "text",
        "description": "Mã định danh cơ quan tiếp nhận",
        "required": True,
        "reference": "agencies",
    },
    {"name": "channel", "type": "text", "description": "Kênh nộp: online (trực tuyến) hoặc counter (trực tiếp)"},
    {"name": "status", "type": "integer", "description": "Trạng thái (mã 1–10 của Cổng Dịch vụ công quốc gia)"},
    {"name": "submitted_at", "type": "timestamp", "description": "Thời điểm nộp"},
    {"name": "due_at", "type": "timestamp", "description": "Thời điểm hẹn trả"},
    {"name": "finished_at", "type": "timestamp", "description": "Thời điểm giải quyết xong"},
    {"name": "on_time", "type": "boolean", "description": "Giải quyết đúng hạn (trống khi chưa giải quyết xong)"},
    {"name": "fee_vnd", "type": "integer", "description": "Phí, lệ phí (đồng)"},
    {"name": "rating", "type": "integer", "description": "Đánh giá của người dân (1–5)"},
    {
        "name": "applicant_personal_id",
        "type": "text",
        "description": "Số định danh cá nhân của người nộp",
        "personal": True,
    },
    {"name": "applicant_name", "type": "text", "description": "Họ tên người nộp", "personal": True},
]

_COUNT_DESCRIPTIONS = {
    "received": "Hồ sơ tiếp nhận",
    "received_online": "Hồ sơ tiếp nhận trực tuyến",
    "digitised": "Hồ sơ tiếp nhận có thành phần điện tử (số hóa)",
    "finished": "Hồ sơ đã giải quyết",
    "finished_on_time": "Hồ sơ giải quyết đúng hạn",
    "rated": "Lượt đánh giá",
    "rating_sum": "Tổng điểm đánh giá",
    "satisfied": "Lượt đánh giá hài lòng (4–5)",
    "with_fee": "Hồ sơ có phí, lệ phí",
    "paid_online": "Hồ sơ thanh toán trực tuyến",
    "reused_components": "Hồ sơ tái sử dụng thành phần",
    "results_digitised": "Kết quả điện tử",
}
ROLLUP_COLUMNS: list[ColumnDecl] = [
    {"name": "month", "type": "date", "description": "Tháng (ngày đầu tháng)", "required": True},
    {"name": "agency_code", "type": "text", "description": "Mã định danh cơ quan tiếp nhận", "required": True},
    {"name": "agency_name", "type": "text", "description": "Tên cơ quan tiếp nhận"},
    *(
        ColumnDecl(
            name=name, type="decimal" if name == "rating_sum" else "integer", description=_COUNT_DESCRIPTIONS[name]
        )
        for name in COUNTS
    ),
    {"name": "closed", "type": "boolean", "description": "Tháng đã kết thúc khi tổng hợp (số liệu không đổi nữa)"},
]
assert [c["name"] for c in ROLLUP_COLUMNS[3:-1]] == list(COUNTS)  # noqa: S101 - the reader's order


def one_stop_owner() -> Agency:
    """The agency that owns the one-stop shop's tables: the public administrative service centre, else the People's
    Committee's office, else the People's Committee."""
    for kind in (Agency.Kind.SERVICE_CENTRE, Agency.Kind.OFFICE, Agency.Kind.PEOPLES_COMMITTEE):
        agency = agency_list(kind=kind).first()
        if agency is not None:
            return agency
    raise DomainError(_("No agency can own the one-stop shop's tables: load the agencies first."))


def _dossier_batches(chunk_size: int) -> pa.RecordBatchReader:
    schema = arrow_schema(DOSSIER_COLUMNS)
    assert schema.names == list(DOSSIER_ROW_FIELDS)  # noqa: S101 - procedures' columns are the declared ones

    def batches() -> Iterator[pa.RecordBatch]:
        for chunk in dossier_rows(chunk_size=chunk_size):
            columns = list(zip(*chunk, strict=True))
            yield pa.RecordBatch.from_arrays(
                [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)],
                schema=schema,
            )

    return pa.RecordBatchReader.from_batches(schema, batches())


def dossiers_publish(*, actor: AbstractBaseUser | None = None, chunk_size: int = 20_000) -> PublishResult:
    """``mot_cua.ho_so``: every submitted dossier, as a new version."""
    return table_publish(
        database_code=ROLLUP_DATABASE,
        database_name=DATABASE_NAME,
        table_code="ho_so",
        name="Hồ sơ thủ tục hành chính",
        owner=one_stop_owner(),
        classification=Table.Classification.PERSONAL,
        frequency=Table.Frequency.DAILY,
        source=Table.Source.PUBLISHER,
        columns=DOSSIER_COLUMNS,
        batches=_dossier_batches(chunk_size),
        description="Mỗi hồ sơ đã nộp một dòng: thủ tục, cơ quan tiếp nhận, kênh, trạng thái, thời hạn, đúng hạn, "
        "phí, đánh giá; số định danh và họ tên người nộp là dữ liệu cá nhân.",
        origin=ORIGIN,
        kind="publisher",
        actor=actor,
    )


def _next_month(month: date) -> date:
    return (month + timedelta(days=31)).replace(day=1)


def _rollup_row(row: KpiRow, *, closed: bool) -> dict[str, Any]:
    return {
        "month": row.month,
        "agency_code": row.agency_code,
        "agency_name": row.agency_name,
        **{name: getattr(row, name) for name in COUNTS},
        "closed": closed,
    }


def _kept_months() -> tuple[set[date], list[dict[str, Any]]]:
    """The closed months of the current rollup and their rows (kept as they are)."""
    table = Table.objects.filter(database__code=ROLLUP_DATABASE, code=ROLLUP_TABLE).select_related("database").first()
    if table is None or table.current_version is None:
        return set(), []
    data = dataset(storage_from_settings(), table.storage_key, table.current_version)
    rows = data.to_table(filter=pc.field("closed")).to_pylist()
    months: set[date] = set()
    report = current_report(table)
    if report.get("months_from") and report.get("closed_through"):
        month, last = date.fromisoformat(report["months_from"]), date.fromisoformat(report["closed_through"])
        while month <= last:
            months.add(month)
            month = _next_month(month)
    return months, [r for r in rows if r["month"] in months]


def kpi_rollups_publish(
    *, actor: AbstractBaseUser | None = None, recompute_from: date | None = None
) -> PublishResult | None:
    """``mot_cua.chi_so_766_thang``: the closed months rolled up once, the open ones again; None without dossiers.

    ``recompute_from``: roll up again every month from that one's on, closed or not (after a correction of old
    dossiers, or to take in ratings and payments that came after their month was rolled up)."""
    first_day = dossiers_first_day()
    if first_day is None:
        return None
    today = timezone.localdate()
    current = today.replace(day=1)
    first = first_day.replace(day=1)
    kept_months, rows = _kept_months()
    if recompute_from is not None:
        since = recompute_from.replace(day=1)
        kept_months = {m for m in kept_months if m < since}
        rows = [r for r in rows if r["month"] < since]
    month = first
    while month <= current:
        if month not in kept_months:
            end = _next_month(month) - timedelta(days=1)
            closed = month < current
            rows.extend(_rollup_row(r, closed=closed) for r in kpis(start=month, end=end))
        month = _next_month(month)
    rows.sort(key=lambda r: (r["month"], r["agency_code"]))
    schema = arrow_schema(ROLLUP_COLUMNS)
    batch = pa.Table.from_pylist(rows, schema=schema)
    closed_through = (current - timedelta(days=1)).replace(day=1)
    return table_publish(
        database_code=ROLLUP_DATABASE,
        database_name=DATABASE_NAME,
        table_code=ROLLUP_TABLE,
        name="Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766) theo tháng",
        owner=one_stop_owner(),
        classification=Table.Classification.OPEN,
        frequency=Table.Frequency.DAILY,
        source=Table.Source.PUBLISHER,
        columns=ROLLUP_COLUMNS,
        batches=pa.RecordBatchReader.from_batches(schema, batch.to_batches()),
        description="Số liệu của các chỉ số Quyết định 766/QĐ-TTg theo cơ quan tiếp nhận và tháng: tiếp nhận, trực "
        "tuyến, số hóa, giải quyết, đúng hạn, đánh giá, phí, thanh toán trực tuyến, tái sử dụng, kết quả điện tử.",
        origin=ORIGIN,
        kind="publisher",
        actor=actor,
        report={
            "months_from": first.isoformat(),
            "closed_through": closed_through.isoformat() if closed_through >= first else None,
        },
    )


def one_stop_publish(*, actor: AbstractBaseUser | None = None) -> dict[str, PublishResult | None]:
    """Everything the one-stop shop publishes, in order (the nightly task)."""
    return {"ho_so": dossiers_publish(actor=actor), ROLLUP_TABLE: kpi_rollups_publish(actor=actor)}
