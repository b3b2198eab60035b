"""Governed query (services/queries.py): names resolved against the catalog, each table's access checked, personal
data masked for those not entitled, every engine refusal a translated 4xx, every query audited; saved queries
belong to their owner and shared ones reach the owner's agency only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.models import AuditEntry
from smartgov.warehouse.selectors.queries import saved_queries_for
from smartgov.warehouse.services import ingestion, queries
from smartgov.warehouse.tests.loads import messy_csv

COUNT = "SELECT phuong, count(*) AS so_ca FROM ho_tich.khai_sinh GROUP BY phuong ORDER BY phuong"


@pytest.fixture
def loaded(ops, django_capture_on_commit_callbacks):
    """The births table loaded from the messy CSV (3 rows), and the statistics table (inferred columns)."""
    with django_capture_on_commit_callbacks(execute=True):
        ingestion.run_upload(
            actor=ops.steward, table=ops.births, upload=SimpleUploadedFile("k.csv", messy_csv()), mode="overwrite"
        )
        data = "phuong,so_ca\nLê Chân,120\nNgô Quyền,98\n".encode()
        ingestion.run_upload(
            actor=ops.steward, table=ops.statistics, upload=SimpleUploadedFile("t.csv", data), mode="overwrite"
        )
    return ops


def test_a_group_by_answers_and_is_audited(loaded):
    answer = queries.query_execute(loaded.officer, COUNT)
    assert answer.result.columns == ["phuong", "so_ca"]
    assert answer.result.rows == [("Lê Chân", 2), ("Ngô Quyền", 1)]
    entry = AuditEntry.objects.filter(action="warehouse.query.run").latest("id")
    assert entry.changes["tables"] == ["ho_tich.khai_sinh"] and entry.changes["rows"] == 2


def test_personal_data_is_masked_unless_the_reader_is_entitled(loaded):
    sql = "SELECT ho_ten FROM ho_tich.khai_sinh ORDER BY so_giay"
    officer = queries.query_execute(loaded.officer, sql)
    assert {row[0] for row in officer.result.rows} == {"***"}
    assert officer.masked_columns == ["ho_tich.khai_sinh.ho_ten"] and not officer.shows_personal_data
    for entitled in (loaded.leader, loaded.steward, loaded.admin):
        answer = queries.query_execute(entitled, sql)
        assert answer.result.rows[0] == ("Nguyễn Văn An",) and answer.masked_columns == []
    shown = AuditEntry.objects.filter(action="warehouse.query.run").latest("id").changes
    assert shown["personal_shown"] == {"ho_tich.khai_sinh": ["ho_ten"]} and shown["masked"] == {"ho_tich.khai_sinh": []}


def test_a_restricted_table_is_refused_by_name_to_another_agency(loaded):
    with pytest.raises(Forbidden) as refused:
        queries.query_execute(loaded.outsider, COUNT)
    assert "ho_tich.khai_sinh" in refused.value.message
    assert queries.query_execute(loaded.outsider, "SELECT * FROM ho_tich.thong_ke").result.rows  # shared: allowed
    assert AuditEntry.objects.filter(action="warehouse.query.refuse").exists()
    with pytest.raises(Forbidden):
        queries.query_execute(loaded.citizen, "SELECT * FROM ho_tich.thong_ke")


@pytest.mark.parametrize(
    ("sql", "status"),
    [
        ("SELECT * FROM ho_tich.khong_co", 404),
        ("SELECT * FROM khong_co", 404),
        ("DROP TABLE ho_tich.khai_sinh", 400),
        ("SELECT 1; DROP TABLE ho_tich.khai_sinh", 400),
        ("SELECT * FROM read_csv('/etc/passwd')", 400),
        ("SELECT * FROM 'file:///etc/passwd'", 404),  # a name that is no table of the catalog
        ("INSTALL httpfs", 400),
        ("SELEC * FORM", 400),
        ("", 400),
        ("SELECT 1 -- " + "x" * 20_001, 400),
        ("SELECT '\x00'", 400),
    ],
    ids=["unknown", "no-schema", "drop", "two", "read-csv", "file-url", "install", "syntax", "empty", "huge", "nul"],
)
def test_every_hostile_or_broken_query_is_a_4xx_with_a_message(loaded, sql, status):
    with pytest.raises(DomainError) as refused:
        queries.query_execute(loaded.steward, sql)
    assert refused.value.status == status and refused.value.message


def test_an_export_is_a_file_of_the_format_asked(loaded):
    target, extension, media_type = queries.query_export(loaded.officer, COUNT, "csv")
    text = target.read().decode("utf-8-sig")
    assert extension == "csv" and media_type.startswith("text/csv")
    assert text.splitlines()[0].replace('"', "") == "phuong,so_ca" and "Lê Chân" in text
    target, extension, _media = queries.query_export(loaded.officer, COUNT, "parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(io.BytesIO(target.read())).num_rows == 2
    target, extension, _media = queries.query_export(loaded.officer, COUNT, "xlsx")
    assert target.read(2) == b"PK"
    with pytest.raises(DomainError):
        queries.query_export(loaded.officer, COUNT, "exe")
    assert AuditEntry.objects.filter(action="warehouse.query.export").count() == 3


def test_saved_queries_belong_to_their_owner_and_shared_ones_reach_the_agency(ops):
    mine = queries.saved_query_create(actor=ops.officer, title="Khai sinh theo phường", sql=COUNT, chart="bar",
                                      chart_x="phuong", chart_y="so_ca", shared=True)  # fmt: skip
    private = queries.saved_query_create(actor=ops.officer, title="Nháp", sql="SELECT 1")
    assert set(saved_queries_for(ops.officer)) == {mine, private}
    assert list(saved_queries_for(ops.leader)) == [mine]  # a colleague of the same agency: the shared one
    assert list(saved_queries_for(ops.outsider)) == []
    with pytest.raises(Forbidden):
        queries.saved_query_update(actor=ops.leader, query_id=mine.pk, title="x", sql="SELECT 2")
    with pytest.raises(Forbidden):
        queries.saved_query_delete(actor=ops.leader, query_id=mine.pk)
    with pytest.raises(NotFound):
        queries.saved_query_delete(actor=ops.officer, query_id=999_999)
    with pytest.raises(DomainError):
        queries.saved_query_create(actor=ops.officer, title="", sql=COUNT)
    with pytest.raises(DomainError):
        queries.saved_query_create(actor=ops.officer, title="t", sql=COUNT, chart="pie")
    changed = queries.saved_query_update(actor=ops.officer, query_id=mine.pk, title="Mới", sql=COUNT, shared=False)
    assert changed.title == "Mới" and list(saved_queries_for(ops.leader)) == []
    queries.saved_query_delete(actor=ops.officer, query_id=private.pk)
    assert list(saved_queries_for(ops.officer)) == [mine]
