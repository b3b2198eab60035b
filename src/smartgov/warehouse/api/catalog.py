"""The catalog's part of the API: tables (searched, paged), one table with its columns (and, for its stewards, its
grants), the shared databases, and the province's progress figures."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from smartgov.identity import authz
from smartgov.platform.api.choices import choices_enum
from smartgov.platform.api.pagination import PageQuery
from smartgov.platform.text import SEARCH_MAX_CHARS
from smartgov.warehouse.models import Column, Table
from smartgov.warehouse.selectors import catalog_search, databases_list, progress_figures, table_detail

router = Router(tags=["data warehouse"])
AUTH = authz.API_AUTH

if TYPE_CHECKING:  # the model's choices, for mypy
    TableClassification = Table.Classification
    TableStatus = Table.Status
else:  # named for the OpenAPI document (platform.api.choices)
    TableClassification = choices_enum("TableClassification", Table.Classification)
    TableStatus = choices_enum("TableStatus", Table.Status)


class TableOut(Schema):
    name: str = Field(description="The name in SQL: database.table")
    database: str
    code: str
    title: str
    description: str
    owner: str = Field(description="The owner agency's electronic ID")
    owner_name: str
    classification: str
    importance: str
    frequency: str
    status: str
    source: str
    open_dataset: bool
    rows: int
    current_version: int | None
    updated_at: datetime | None

    @staticmethod
    def of(table: Table) -> "TableOut":
        return TableOut(
            name=table.qualified_name,
            database=table.database.code,
            code=table.code,
            title=table.name,
            description=table.description,
            owner=table.owner.code,
            owner_name=table.owner.name,
            classification=table.classification,
            importance=table.importance,
            frequency=table.frequency,
            status=table.status,
            source=table.source,
            open_dataset=table.open_dataset,
            rows=table.rows,
            current_version=table.current_version,
            updated_at=table.updated_at,
        )


class TablePage(Schema):
    count: int
    items: list[TableOut]


class TableFilter(PageQuery):
    q: str = Field("", max_length=SEARCH_MAX_CHARS, description="Words of the name or description, diacritics optional")
    department: str = Field("", max_length=20, description="The owner agency's electronic ID")
    classification: TableClassification | None = None
    status: TableStatus | None = None


class ColumnOut(Schema):
    name: str
    type: str
    description: str
    personal: bool
    required: bool
    unique: bool
    minimum: float | None
    maximum: float | None
    pattern: str
    reference: str

    @staticmethod
    def of(column: Column) -> "ColumnOut":
        return ColumnOut(
            name=column.name,
            type=column.type,
            description=column.description,
            personal=column.personal,
            required=column.required,
            unique=column.unique,
            minimum=column.minimum,
            maximum=column.maximum,
            pattern=column.pattern,
            reference=column.reference,
        )


class GrantOut(Schema):
    agency: str
    agency_name: str
    personal: bool
    purpose: str
    granted_at: datetime


class AccessOut(Schema):
    readable: bool = Field(description="The caller may query the table")
    personal: bool = Field(description="The caller sees its personal-data columns unmasked")
    steward: bool = Field(description="The caller may load, restore and edit it")


class TableDetailOut(TableOut):
    origin: str
    steward: str | None = Field(description="The data steward's full name")
    columns: list[ColumnOut]
    grants: list[GrantOut] | None = Field(description="The agencies granted; only for the table's stewards")
    access: AccessOut


class DatabaseOut(Schema):
    code: str
    name: str
    description: str
    owner: str
    owner_name: str
    status: str
    tables: int
    published: int


class DepartmentOut(Schema):
    code: str
    name: str
    department: bool = Field(description="Counted among the departments (a specialised agency or equivalent)")
    tables: int
    published: int
    collecting: int
    planned: int
    databases: int
    open_datasets: int
    rows: int


class ProgressOut(Schema):
    tables: int = Field(description="Tables published")
    tables_total: int = Field(description="Tables in the catalog, planned and being collected included")
    rows: int
    databases_covered: int = Field(description="Shared databases with at least one published table")
    databases_total: int
    departments_providing: int = Field(description="Departments owning at least one published table")
    departments_total: int
    open_datasets: int = Field(description="Published tables released as open data")
    by_classification: dict[str, int]
    by_status: dict[str, int]
    departments: list[DepartmentOut]


@router.get("/tables", response=TablePage, auth=AUTH, summary="Find tables of the warehouse's catalog")
def warehouse_tables(request: HttpRequest, filters: Query[TableFilter]) -> TablePage:
    found = catalog_search(
        request.user,
        filters.q,
        department=filters.department,
        classification=filters.classification.value if filters.classification else "",
        status=filters.status.value if filters.status else "",
    )
    page = found[filters.offset : filters.offset + filters.limit]
    return TablePage(count=found.count(), items=[TableOut.of(t) for t in page])


@router.get(
    "/tables/{database}/{code}", response=TableDetailOut, auth=AUTH, summary="One table with its declared columns"
)
def warehouse_table(request: HttpRequest, database: str, code: str) -> TableDetailOut:
    table, access = table_detail(request.user, database, code)
    grants = (
        [
            GrantOut(
                agency=g.agency.code, agency_name=g.agency.name, personal=g.personal, purpose=g.purpose,
                granted_at=g.granted_at,
            )
            for g in table.grants.all()
        ]
        if access.steward
        else None
    )  # fmt: skip
    return TableDetailOut(
        **TableOut.of(table).dict(),
        origin=table.origin,
        steward=table.steward.full_name if table.steward else None,
        columns=[ColumnOut.of(c) for c in table.columns.all()],
        grants=grants,
        access=AccessOut(readable=access.readable, personal=access.personal, steward=access.steward),
    )


@router.get("/databases", response=list[DatabaseOut], auth=AUTH, summary="The shared databases")
def warehouse_databases(request: HttpRequest) -> list[DatabaseOut]:
    return [
        DatabaseOut(
            code=d.code,
            name=d.name,
            description=d.description,
            owner=d.owner.code,
            owner_name=d.owner.name,
            status=d.status,
            tables=d.table_count,  # type: ignore[attr-defined]
            published=d.published_count,  # type: ignore[attr-defined]
        )
        for d in databases_list(request.user)
    ]


@router.get("/progress", response=ProgressOut, auth=AUTH, summary="The province's progress in sharing its data")
def warehouse_progress(request: HttpRequest) -> ProgressOut:
    figures = progress_figures()
    return ProgressOut(
        **{name: value for name, value in vars(figures).items() if name != "departments"},
        departments=[
            DepartmentOut(**{k: v for k, v in vars(d).items() if k != "short_name"}) for d in figures.departments
        ],
    )
