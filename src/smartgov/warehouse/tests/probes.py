"""How the permission matrix (smartgov/tests/test_policies.py) reaches the warehouse's URLs: a shared database and
a table of the persona's agency."""

from typing import Any

from smartgov.platform.testing import Probe
from smartgov.warehouse.models import Table
from smartgov.warehouse.services import database_create, table_create

#: URLs that need arguments.
PROBES: dict[str, Probe] = {
    "warehouse:database": Probe(kwargs={"code": "ho_tich"}),
    "warehouse:table": Probe(kwargs={"database": "ho_tich", "code": "khai_sinh"}),
    "api:warehouse_table": Probe(kwargs={"database": "ho_tich", "code": "khai_sinh"}),
    # loads, runs, versions (a queued run of the table: ``RUN``) and queries
    "warehouse:upload": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh"}),
    "warehouse:versions": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh"}),
    "warehouse:restore": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh", "version": 0}, method="post"),
    "warehouse:run": Probe(kwargs={"run": "RUN"}),
    "warehouse:run-status": Probe(kwargs={"run": "RUN"}),
    "warehouse:run-rejected": Probe(kwargs={"run": "RUN"}),
    "warehouse:run-original": Probe(kwargs={"run": "RUN"}),
    "warehouse:query-export": Probe(method="post"),
    "warehouse:query-save": Probe(method="post"),
    "warehouse:query-delete": Probe(kwargs={"query_id": 999}, method="post"),
    "api:warehouse_upload": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh"}, method="post"),
    "api:warehouse_runs": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh"}),
    "api:warehouse_run": Probe(kwargs={"run_id": "RUN"}),
    "api:warehouse_versions": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh"}),
    "api:warehouse_restore": Probe(kwargs={"database": "ho_tich", "table": "khai_sinh", "version": 0}, method="post"),
    "api:warehouse_query": Probe(method="post", body='{"sql": "SELECT 1 AS mot"}'),
    "api:warehouse_export": Probe(method="post", body='{"sql": "SELECT 1 AS mot", "format": "csv"}'),
    "api:warehouse_saved_query_create": Probe(method="post", body='{"title": "Thử", "sql": "SELECT 1"}'),
    "api:warehouse_saved_query": Probe(kwargs={"query_id": 999}),
    "api:warehouse_saved_query_update": Probe(
        kwargs={"query_id": 999}, method="put", body='{"title": "Thử", "sql": "SELECT 1"}'
    ),
    "api:warehouse_saved_query_delete": Probe(kwargs={"query_id": 999}, method="delete"),
}


def world(base: dict[str, Any]) -> dict[str, Any]:
    """The civil-status database of the test agency and its birth-registration table (personal data)."""
    database = database_create(actor=None, code="ho_tich", name="Cơ sở dữ liệu hộ tịch", owner=base["agency"])
    table_create(
        actor=None,
        database=database,
        code="khai_sinh",
        name="Đăng ký khai sinh",
        classification=Table.Classification.PERSONAL,
        columns=[{"name": "so_dang_ky", "type": "text"}, {"name": "ho_ten", "type": "text", "personal": True}],
    )
    return _runs_world(base)


def _runs_world(base: dict[str, Any]) -> dict[str, Any]:
    """A queued run of the birth-registration table (nothing stored: its downloads answer 404)."""
    from smartgov.warehouse.models import IngestionRun

    run = IngestionRun.objects.create(table=Table.objects.get(database__code="ho_tich", code="khai_sinh"))
    return {"RUN": str(run.uuid)}
