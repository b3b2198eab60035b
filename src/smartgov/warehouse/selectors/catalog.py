"""The catalog's reads (docs/warehouse.md): finding tables, a table with its columns, grants and last runs, the
shared databases, the province's progress figures, and the policy: who may read which table and which of its
personal-data columns are masked.

The policy (docs/warehouse.md, "Policy") is decided here once, by :func:`table_access` for one table and
:func:`grants_for` for every table a person may query; pages, the API and the query engine all go through them."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.platform.errors import Forbidden, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.text import Folded, fold, search_text
from smartgov.warehouse.models import Column, IngestionRun, SharedDatabase, Table, TableGrant

Role = authz.Role

#: Tables every civil servant may query (the others: the owner agency and the agencies granted).
WIDE = frozenset({Table.Classification.OPEN, Table.Classification.SHARED})
#: The agencies the progress page counts as departments: the people's committee's specialised agencies (its office
#: and departments) and the agencies equivalent to a department.
DEPARTMENT_KINDS = (Agency.Kind.OFFICE, Agency.Kind.DEPARTMENT, Agency.Kind.DEPARTMENT_EQUIVALENT)
#: Roles of the owner agency that see its tables' personal data (besides a data steward).
SEES_PERSONAL = frozenset({Role.DATA_STEWARD, Role.LEADER})


@dataclass(frozen=True)
class Access:
    """What a person may do with one table: query it (``readable``), see its personal-data columns unmasked
    (``personal``), load, restore and edit it (``steward``)."""

    readable: bool = False
    personal: bool = False
    steward: bool = False


NONE = Access()


@dataclass(frozen=True)
class Viewer:
    """A person's roles, read once: whether they are a civil servant at all, a platform administrator, their roles
    per agency, and the agency roles they hold without an agency (which cover every agency)."""

    staff: bool
    admin: bool
    roles_at: dict[int, frozenset[str]]
    everywhere: frozenset[str]

    def roles_in(self, agency_id: int) -> frozenset[str]:
        return self.roles_at.get(agency_id, frozenset()) | self.everywhere

    @property
    def agencies(self) -> frozenset[int]:
        return frozenset(self.roles_at)


def viewer_of(user: Any) -> Viewer:
    """``user``'s roles in one query (none for a visitor, a citizen or a closed account)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.pk is None:
        return Viewer(False, False, {}, frozenset())
    rows = authz.role_assignments(user)
    at: dict[int, set[str]] = defaultdict(set)
    everywhere: set[str] = set()
    admin = False
    for row in rows:
        if row.agency_id is not None:
            at[row.agency_id].add(row.role)
        elif row.admin_unit_id is None:
            if row.role == Role.PLATFORM_ADMIN:
                admin = True
            elif row.role in authz.AGENCY_ROLES:
                everywhere.add(row.role)
    return Viewer(bool(rows), admin, {k: frozenset(v) for k, v in at.items()}, frozenset(everywhere))


def _decide(viewer: Viewer, table: Table, grants: list[TableGrant]) -> Access:
    """The policy table of docs/warehouse.md for one table, given the grants of the viewer's agencies on it."""
    if viewer.admin:
        return Access(readable=True, personal=True, steward=True)
    if not viewer.staff:
        return NONE
    own = viewer.roles_in(table.owner_id)
    steward = Role.DATA_STEWARD in own
    granted = [g for g in grants if g.agency_id in viewer.agencies]
    readable = table.classification in WIDE or bool(own) or bool(granted)
    personal = bool(own & SEES_PERSONAL) or any(g.personal for g in granted)
    return Access(readable=readable, personal=personal and readable, steward=steward)


def table_access(user: Any, table: Table) -> Access:
    """What ``user`` may do with ``table`` (two queries: the roles, the grants of their agencies on it)."""
    viewer = viewer_of(user)
    grants = list(TableGrant.objects.filter(table=table, agency_id__in=viewer.agencies)) if viewer.agencies else []
    return _decide(viewer, table, grants)


def grants_for(user: Any) -> list[tuple[Table, frozenset[str]]]:
    """Every table with a version that ``user`` may query, with the names of its personal-data columns to mask
    (empty when they may see them): four queries whatever the catalog's size."""
    viewer = viewer_of(user)
    if not viewer.staff:
        return []
    tables = list(Table.objects.filter(current_version__isnull=False).select_related("database", "owner"))
    grants: dict[int, list[TableGrant]] = defaultdict(list)
    if viewer.agencies:
        for grant in TableGrant.objects.filter(agency_id__in=viewer.agencies, table__current_version__isnull=False):
            grants[grant.table_id].append(grant)
    decided = [(table, _decide(viewer, table, grants[table.pk])) for table in tables]
    readable = [(table, access) for table, access in decided if access.readable]
    personal: dict[int, set[str]] = defaultdict(set)
    masked_ids = [table.pk for table, access in readable if not access.personal]
    if masked_ids:
        for table_id, name in Column.objects.filter(table_id__in=masked_ids, personal=True).values_list(
            "table_id", "name"
        ):
            personal[table_id].add(name)
    return [(table, frozenset(personal[table.pk])) for table, access in readable]


# The catalog


def catalog_check(user: Any) -> Viewer:
    """The catalog is for civil servants (any staff role); anyone else is refused."""
    viewer = viewer_of(user)
    if not viewer.staff:
        raise Forbidden(_("The warehouse's catalog is for civil servants."))
    return viewer


def catalog_search(
    user: Any, q: str = "", department: str = "", classification: str = "", status: str = ""
) -> QuerySet[Table]:
    """The tables matching every word of ``q`` (with or without diacritics) in their name, description, code or
    database, of the owner agency ``department`` (its electronic ID), of ``classification`` and ``status``.
    Bounded by ``search_text`` (a DomainError when the query is too long or has too many words)."""
    catalog_check(user)
    words = fold(search_text(q)).split()
    found = Table.objects.select_related("database", "owner")
    if words:
        found = found.annotate(
            name_folded=Folded("name"),
            description_folded=Folded("description"),
            database_folded=Folded("database__name"),
        )
    for word in words:
        found = found.filter(
            Q(name_folded__contains=word)
            | Q(description_folded__contains=word)
            | Q(database_folded__contains=word)
            | Q(code__contains=word)
            | Q(database__code__contains=word)
        )
    if department:
        found = found.filter(owner__code=department)
    if classification:
        found = found.filter(classification=classification)
    if status:
        found = found.filter(status=status)
    return found.order_by("database__code", "code")


def table_detail(user: Any, database: str, code: str) -> tuple[Table, Access]:
    """A table by its database's code and its own, with its columns, its grants and what ``user`` may do with it."""
    viewer = catalog_check(user)
    table = (
        Table.objects.select_related("database", "owner", "steward")
        .prefetch_related(
            Prefetch("columns", queryset=Column.objects.order_by("position")),
            Prefetch("grants", queryset=TableGrant.objects.select_related("agency")),
        )
        .filter(database__code=database, code=code)
        .first()
    )
    if table is None:
        raise NotFound(_("No such table."))
    return table, _decide(viewer, table, list(table.grants.all()))


def table_runs(table: Table, *, limit: int = 10) -> list[IngestionRun]:
    """The last runs of ``table``, newest first."""
    return list(table.runs.select_related("started_by").order_by("-created_at")[:limit])


def databases_list(user: Any) -> QuerySet[SharedDatabase]:
    """Every shared database with its owner and its tables' counts."""
    catalog_check(user)
    return (
        SharedDatabase.objects.select_related("owner")
        .annotate(
            table_count=Count("tables"),
            published_count=Count("tables", filter=Q(tables__status=Table.Status.PUBLISHED)),
        )
        .order_by("code")
    )


def database_detail(user: Any, code: str) -> tuple[SharedDatabase, list[Table]]:
    """A shared database and its tables."""
    catalog_check(user)
    database = SharedDatabase.objects.select_related("owner").filter(code=code).first()
    if database is None:
        raise NotFound(_("No such shared database."))
    return database, list(database.tables.select_related("owner").order_by("code"))


# The progress figures


@dataclass
class DepartmentFigures:
    code: str
    name: str
    short_name: str
    department: bool
    tables: int = 0
    published: int = 0
    collecting: int = 0
    planned: int = 0
    databases: int = 0
    open_datasets: int = 0
    rows: int = 0


@dataclass
class Progress:
    """What the province reports: tables published, shared databases covered (≥ 1 published table) of all,
    departments providing data (owning ≥ 1 published table) of all, open datasets published; the same per agency,
    and the tables by classification and by status."""

    tables: int
    tables_total: int
    rows: int
    databases_covered: int
    databases_total: int
    departments_providing: int
    departments_total: int
    open_datasets: int
    by_classification: dict[str, int]
    by_status: dict[str, int]
    departments: list[DepartmentFigures] = field(default_factory=list)


def progress_figures() -> Progress:
    """The province's progress (public: counts only), in four queries."""
    published = Q(status=Table.Status.PUBLISHED)
    per_owner = (
        Table.objects.values("owner_id")
        .annotate(
            total=Count("id"),
            published=Count("id", filter=published),
            collecting=Count("id", filter=Q(status=Table.Status.COLLECTING)),
            planned=Count("id", filter=Q(status=Table.Status.PLANNED)),
            open_datasets=Count("id", filter=published & Q(open_dataset=True)),
            rows=Sum("rows", filter=published),
            databases=Count("database", filter=published, distinct=True),
        )
        .order_by()
    )
    by_owner = {row["owner_id"]: row for row in per_owner}
    agencies = Agency.objects.filter(Q(pk__in=by_owner) | Q(kind__in=DEPARTMENT_KINDS, is_active=True)).order_by("code")
    departments: list[DepartmentFigures] = []
    for agency in agencies:
        row = by_owner.get(agency.pk, {})
        departments.append(
            DepartmentFigures(
                code=agency.code,
                name=agency.name,
                short_name=agency.short_name or agency.name,
                department=agency.kind in DEPARTMENT_KINDS,
                tables=row.get("total", 0),
                published=row.get("published", 0),
                collecting=row.get("collecting", 0),
                planned=row.get("planned", 0),
                databases=row.get("databases", 0),
                open_datasets=row.get("open_datasets", 0),
                rows=row.get("rows") or 0,
            )
        )
    departments.sort(key=lambda d: (-d.published, -d.tables, d.name))
    databases = SharedDatabase.objects.exclude(status=SharedDatabase.Status.RETIRED).aggregate(
        total=Count("id", distinct=True),
        covered=Count("id", filter=Q(tables__status=Table.Status.PUBLISHED), distinct=True),
    )
    statuses = dict.fromkeys(Table.Status.values, 0)
    classes = dict.fromkeys(Table.Classification.values, 0)
    for status, classification, count in (
        Table.objects.values_list("status", "classification").annotate(n=Count("id")).order_by()
    ):
        statuses[status] += count
        classes[classification] += count
    return Progress(
        tables=sum(d.published for d in departments),
        tables_total=sum(d.tables for d in departments),
        rows=sum(d.rows for d in departments),
        databases_covered=databases["covered"],
        databases_total=databases["total"],
        departments_providing=sum(1 for d in departments if d.department and d.published),
        departments_total=sum(1 for d in departments if d.department),
        open_datasets=sum(d.open_datasets for d in departments),
        by_classification=classes,
        by_status=statuses,
        departments=departments,
    )
