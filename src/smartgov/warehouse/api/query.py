"""Governed SQL through the API: run a query (columns, rows, whether it was cut short, which columns were masked),
export its answer as a file (CSV, XLSX, Parquet), and keep queries (saved queries: the owner changes them; shared
ones are visible to the agencies where the owner works)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as Reply

from smartgov.identity import authz
from smartgov.platform.api.choices import choices_enum
from smartgov.warehouse.models import SavedQuery
from smartgov.warehouse.present import cell_json
from smartgov.warehouse.selectors.queries import saved_queries_for, saved_query_for
from smartgov.warehouse.services import queries as svc

router = Router(tags=["warehouse: query"])
AUTH = authz.API_AUTH
ChartKind = choices_enum("WarehouseChart", SavedQuery.Chart)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


class QueryIn(Schema):
    sql: str = Field(description="One SELECT (or WITH … SELECT) over database.table names", max_length=20_000)
    max_rows: int | None = Field(None, ge=1, le=10_000, description="At most this many rows (10,000 at most)")


class ExportIn(Schema):
    sql: str = Field(max_length=20_000)
    format: ExportFormat = ExportFormat.csv


class QueryOut(Schema):
    columns: list[str]
    types: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="More rows matched than were returned")
    masked: list[str] = Field(description="Personal-data columns shown as *** (database.table.column)")
    tables: list[str]
    seconds: float


class SavedQueryIn(Schema):
    title: str = Field(max_length=200)
    sql: str = Field(max_length=20_000)
    chart: ChartKind = ChartKind.NONE  # type: ignore[valid-type,attr-defined]
    chart_x: str = Field("", max_length=63)
    chart_y: str = Field("", max_length=63)
    shared: bool = False


class SavedQueryOut(Schema):
    id: int
    title: str
    sql: str
    chart: str
    chart_x: str
    chart_y: str
    shared: bool
    owner: str
    mine: bool
    updated_at: datetime

    @staticmethod
    def of(saved: SavedQuery, user: Any) -> "SavedQueryOut":
        return SavedQueryOut(
            id=saved.pk,
            title=saved.title,
            sql=saved.sql,
            chart=saved.chart,
            chart_x=saved.chart_x,
            chart_y=saved.chart_y,
            shared=saved.shared,
            owner=str(saved.owner),
            mine=saved.owner_id == user.pk,
            updated_at=saved.updated_at,
        )


@router.post("/query", response=QueryOut, auth=AUTH, summary="Run a governed SQL query")
def warehouse_query(request: HttpRequest, payload: QueryIn) -> QueryOut:
    answer = svc.query_execute(request.user, payload.sql, max_rows=payload.max_rows)
    result = answer.result
    return QueryOut(
        columns=result.columns,
        types=[str(t) for t in result.types],
        rows=[[cell_json(v) for v in row] for row in result.rows],
        truncated=result.truncated,
        masked=answer.masked_columns,
        tables=[t.qualified_name for t in answer.tables],
        seconds=round(result.seconds, 3),
    )


@router.post(
    "/query/export",
    response={200: bytes},
    auth=AUTH,
    summary="Export a query's answer as a file (CSV, XLSX or Parquet; at most 1,000,000 rows)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "text/csv": {"schema": {"type": "string", "format": "binary"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def warehouse_export(request: HttpRequest, payload: ExportIn) -> FileResponse:
    target, extension, media_type = svc.query_export(request.user, payload.sql, payload.format.value)
    response = FileResponse(target, as_attachment=True, filename=f"truy-van.{extension}", content_type=media_type)
    return response


@router.get(
    "/saved-queries", response=list[SavedQueryOut], auth=AUTH, summary="My saved queries and my agencies' shared ones"
)
def warehouse_saved_queries(request: HttpRequest) -> list[SavedQueryOut]:
    return [SavedQueryOut.of(s, request.user) for s in saved_queries_for(request.user)[:500]]


@router.post("/saved-queries", response={201: SavedQueryOut}, auth=AUTH, summary="Save a query")
def warehouse_saved_query_create(request: HttpRequest, payload: SavedQueryIn) -> Reply[SavedQueryOut]:
    saved = svc.saved_query_create(actor=request.user, **_fields(payload))
    return Reply(201, SavedQueryOut.of(saved, request.user))


@router.get("/saved-queries/{query_id}", response=SavedQueryOut, auth=AUTH, summary="A saved query")
def warehouse_saved_query(request: HttpRequest, query_id: int) -> SavedQueryOut:
    return SavedQueryOut.of(saved_query_for(request.user, query_id), request.user)


@router.put("/saved-queries/{query_id}", response=SavedQueryOut, auth=AUTH, summary="Change one of my saved queries")
def warehouse_saved_query_update(request: HttpRequest, query_id: int, payload: SavedQueryIn) -> SavedQueryOut:
    saved = svc.saved_query_update(actor=request.user, query_id=query_id, **_fields(payload))
    return SavedQueryOut.of(saved, request.user)


@router.delete("/saved-queries/{query_id}", response={204: None}, auth=AUTH, summary="Delete one of my saved queries")
def warehouse_saved_query_delete(request: HttpRequest, query_id: int) -> Reply[None]:
    svc.saved_query_delete(actor=request.user, query_id=query_id)
    return Reply(204, None)


def _fields(payload: SavedQueryIn) -> dict[str, Any]:
    return {
        "title": payload.title,
        "sql": payload.sql,
        "chart": getattr(payload.chart, "value", payload.chart),
        "chart_x": payload.chart_x,
        "chart_y": payload.chart_y,
        "shared": payload.shared,
    }
