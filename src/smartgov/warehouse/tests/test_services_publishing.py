"""Publishing a table: the catalog rows made the first time, a version per publish, the declared schema held."""

import pyarrow as pa
import pytest

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AuditEntry, OutboxEvent
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Column, IngestionRun, SharedDatabase, Table
from smartgov.warehouse.services.publishing import arrow_schema, table_publish

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"name": "code", "type": "text", "description": "Mã", "required": True, "unique": True},
    {"name": "amount", "type": "integer", "description": "Số tiền"},
    {"name": "citizen_id", "type": "text", "description": "Số định danh", "personal": True},
]


@pytest.fixture
def storage(settings, tmp_path):
    settings.WAREHOUSE_STORAGE_URL = (tmp_path / "warehouse").as_uri()
    return storage_from_settings()


def _reader(rows, columns=COLUMNS, batch=2):
    schema = arrow_schema(columns)
    table = pa.Table.from_pylist(rows, schema=schema)
    return pa.RecordBatchReader.from_batches(schema, table.to_batches(max_chunksize=batch))


def _publish(agency, rows, columns=COLUMNS, **extra):
    return table_publish(
        database_code="thu_nghiem",
        database_name="Thử nghiệm",
        table_code="khoan_thu",
        name="Khoản thu",
        owner=agency,
        classification="personal",
        frequency="daily",
        source="publisher",
        columns=columns,
        batches=_reader(rows, columns),
        description="Các khoản thu",
        origin="Hệ thống thử",
        **extra,
    )


ROWS = [{"code": f"K{n}", "amount": n * 1000, "citizen_id": f"0311950{n:05d}"} for n in range(5)]


def test_first_publish_creates_the_catalog_and_a_version(storage, hp):
    result = _publish(hp.centre, ROWS)
    table = Table.objects.get(database__code="thu_nghiem", code="khoan_thu")
    assert SharedDatabase.objects.get(code="thu_nghiem").owner == hp.centre
    assert (table.status, table.rows, table.current_version, table.source) == (
        "published",
        5,
        result.version,
        "publisher",
    )
    columns = list(Column.objects.filter(table=table).values_list("name", "type", "personal", "required", "unique"))
    assert columns == [
        ("code", "text", False, True, True),
        ("amount", "integer", False, False, False),
        ("citizen_id", "text", True, False, False),
    ]
    run = IngestionRun.objects.get(table=table)
    assert (run.kind, run.status, run.rows_accepted, run.version, run.mode) == (
        "publisher",
        "succeeded",
        5,
        0,
        "overwrite",
    )
    written = dataset(storage, table.storage_key, result.version).to_table().to_pylist()
    assert sorted(written, key=lambda r: r["code"]) == ROWS
    assert AuditEntry.objects.filter(action="warehouse.version.publish", object_id=str(table.pk)).exists()
    event = OutboxEvent.objects.get(topic="warehouse.version.published")
    assert event.payload == {"table": "thu_nghiem.khoan_thu", "version": 0, "rows": 5, "run": str(run.uuid)}


def test_a_second_publish_is_a_new_version_the_first_kept(storage, hp):
    first = _publish(hp.centre, ROWS)
    second = _publish(hp.centre, ROWS[:2])
    assert second.version == first.version + 1
    table = Table.objects.get(code="khoan_thu")
    assert (table.current_version, table.rows) == (second.version, 2)
    assert dataset(storage, table.storage_key, second.version).count_rows() == 2
    assert dataset(storage, table.storage_key, first.version).count_rows() == 5  # time travel: nothing lost
    assert IngestionRun.objects.filter(table=table, status="succeeded").count() == 2


def test_the_declared_schema_is_held(storage, hp):
    _publish(hp.centre, ROWS)
    renamed = [dict(COLUMNS[0]), dict(COLUMNS[1], name="so_tien"), dict(COLUMNS[2])]
    with pytest.raises(DomainError) as refused:
        _publish(hp.centre, [{"code": "K", "so_tien": 1, "citizen_id": "x"}], renamed)
    assert refused.value.code == "schema"
    unflagged = [dict(COLUMNS[0]), dict(COLUMNS[1]), dict(COLUMNS[2], personal=False)]
    with pytest.raises(DomainError):  # a personal-data column may not silently lose its flag
        _publish(hp.centre, ROWS, unflagged)
    table = Table.objects.get(code="khoan_thu")
    assert (table.current_version, table.rows) == (0, 5)
    assert IngestionRun.objects.filter(table=table).count() == 1


def test_rows_that_do_not_match_their_declaration_are_refused_before_anything_is_written(storage, hp):
    wrong = pa.schema([("code", pa.string()), ("amount", pa.string()), ("citizen_id", pa.string())])
    reader = pa.RecordBatchReader.from_batches(wrong, [])
    with pytest.raises(DomainError):
        table_publish(
            database_code="thu_nghiem",
            database_name="Thử nghiệm",
            table_code="khoan_thu",
            name="Khoản thu",
            owner=hp.centre,
            classification="personal",
            frequency="daily",
            source="publisher",
            columns=COLUMNS,
            batches=reader,
        )
    assert not Table.objects.filter(code="khoan_thu").exists()


def test_same_digest_writes_nothing(storage, hp):
    first = _publish(hp.centre, ROWS, digest="abc", kind="master")
    again = _publish(hp.centre, ROWS, digest="abc", kind="master")
    assert (again.changed, again.version, again.run) == (False, first.version, None)
    assert _publish(hp.centre, ROWS[:1], digest="abd", kind="master").version == first.version + 1


def test_a_failed_write_leaves_a_failed_run_and_no_version(storage, hp):
    schema = arrow_schema(COLUMNS)

    def broken():
        yield pa.RecordBatch.from_pylist(ROWS[:2], schema=schema)
        raise OSError("disk full")

    with pytest.raises(Exception, match="disk full"):  # as the engine reports it
        table_publish(
            database_code="thu_nghiem",
            database_name="Thử nghiệm",
            table_code="khoan_thu",
            name="Khoản thu",
            owner=hp.centre,
            classification="personal",
            frequency="daily",
            source="publisher",
            columns=COLUMNS,
            batches=pa.RecordBatchReader.from_batches(schema, broken()),
        )
    run = IngestionRun.objects.get(table__code="khoan_thu")
    assert run.status == "failed" and "disk full" in run.error
    assert Table.objects.get(code="khoan_thu").current_version is None
