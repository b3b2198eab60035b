"""Loading a table (services/ingestion.py): who may, every refusal of a file, a messy CSV end to end (the report
names each rejected row and its reason; the good rows become a version), versions kept and restored, a failed
load that writes nothing, columns inferred and declared, a run executed in a thread of the process."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from smartgov.platform.errors import Conflict, DomainError, Forbidden, NotFound
from smartgov.platform.models import AuditEntry, OutboxEvent
from smartgov.warehouse.engine import tables as delta
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.models import Column, IngestionRun
from smartgov.warehouse.services import ingestion
from smartgov.warehouse.tests.loads import messy_csv


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the platform answers in Vietnamese by default)."""
    with translation.override("en"):
        yield


GOOD = "so_giay,ho_ten,ngay_sinh,can_nang,phuong\nKS-101,Đặng Thu Hà,01/04/2025,3000,Lê Chân\n".encode()


def _nameless(data: bytes) -> io.BytesIO:
    """A file a client sent without a name (Django's uploaded files always have one)."""
    upload = io.BytesIO(data)
    upload.name = ""
    return upload


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    """``load(actor, table, data, name=…, mode=…)``: run_upload, then the run executed (inline) after the commit."""

    def run(actor, table, data, name="khai_sinh.csv", mode="overwrite"):
        with django_capture_on_commit_callbacks(execute=True):
            upload = SimpleUploadedFile(name, data) if name else _nameless(data)
            started = ingestion.run_upload(actor=actor, table=table, upload=upload, mode=mode)
        return IngestionRun.objects.get(pk=started.pk)

    return run


def test_a_messy_csv_is_loaded_and_its_report_names_every_rejected_row(ops, load):
    run = load(ops.steward, ops.births, messy_csv())
    assert run.status == "succeeded", run.error
    assert (run.rows_read, run.rows_accepted, run.rows_rejected) == (8, 3, 5)
    assert run.report["lines_redecoded"] == 2  # the two Windows-1258 lines
    assert run.report["reasons"] == {"date": 1, "columns": 1, "type": 1, "unique": 1, "required": 1}
    named = {(r["row"], r["reason"]) for r in run.report["rejections"]}
    assert named == {(3, "date"), (4, "columns"), (5, "type"), (6, "unique"), (7, "required")}
    by_row = {r["row"]: r for r in run.report["rejections"]}
    assert by_row[3]["column"] == "ngay_sinh" and by_row[3]["value"] == "31/02/2025"
    assert by_row[5]["column"] == "can_nang" and by_row[5]["value"] == "ba cân"
    assert ingestion.reason_label("date") != "date"  # translated for the page
    ops.births.refresh_from_db()
    assert (ops.births.current_version, ops.births.rows, ops.births.status) == (run.version, 3, "published")
    rows = delta.dataset(storage_from_settings(), "ho_tich/khai_sinh", run.version).to_table().to_pylist()
    assert sorted(r["ho_ten"] for r in rows) == ["Hoàng Thị Giang", "Nguyễn Văn An", "Trần Thị Bình"]
    assert storage_from_settings().exists(run.original_uri) and run.original_bytes == len(messy_csv())
    event = OutboxEvent.objects.get(topic="warehouse.version.published")
    assert event.payload == {"table": "ho_tich.khai_sinh", "version": run.version, "rows": 3, "run": str(run.uuid)}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"warehouse.run.upload", "warehouse.run.succeed"} <= actions


def test_versions_are_kept_queryable_and_an_older_one_is_restored(ops, load):
    first = load(ops.steward, ops.births, messy_csv())
    second = load(ops.steward, ops.births, GOOD, mode="append")
    assert second.status == "succeeded" and second.version == first.version + 1
    ops.births.refresh_from_db()
    assert ops.births.rows == 4
    storage = storage_from_settings()
    assert delta.dataset(storage, "ho_tich/khai_sinh", first.version).count_rows() == 3
    restored = ingestion.version_restore(actor=ops.steward, table=ops.births, version=first.version)
    assert restored.kind == "restore" and restored.version == second.version + 1
    ops.births.refresh_from_db()
    assert (ops.births.current_version, ops.births.rows) == (restored.version, 3)
    assert delta.dataset(storage, "ho_tich/khai_sinh").count_rows() == 3
    assert AuditEntry.objects.filter(action="warehouse.version.restore").count() == 1
    with pytest.raises(Conflict):
        ingestion.version_restore(actor=ops.steward, table=ops.births, version=restored.version)
    with pytest.raises(NotFound):
        ingestion.version_restore(actor=ops.steward, table=ops.births, version=99)
    with pytest.raises(Forbidden):
        ingestion.version_restore(actor=ops.officer, table=ops.births, version=first.version)


@pytest.mark.parametrize("who", ["officer", "leader", "outsider", "citizen"])
def test_only_the_owner_agencys_data_steward_or_an_administrator_loads(ops, load, who):
    with pytest.raises(Forbidden):
        load(getattr(ops, who), ops.births, GOOD)
    assert IngestionRun.objects.count() == 0
    assert load(ops.admin, ops.births, GOOD).status == "succeeded"


ZIP_BOMB = io.BytesIO()
with zipfile.ZipFile(ZIP_BOMB, "w", zipfile.ZIP_DEFLATED) as _bomb:
    _bomb.writestr("[Content_Types].xml", "<Types/>")
    _bomb.writestr("xl/workbook.xml", "<workbook/>")
    _bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 400, "empty"),
        (bytes(range(256)) * 64, 415, "unsupported_type"),  # binary garbage
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, 415, "unsupported_type"),  # a renamed executable
        (ZIP_BOMB.getvalue(), 422, "zip_bomb"),
        (b"PAR1 cut short", 422, "damaged"),
    ],
    ids=["empty", "garbage", "executable", "zip-bomb", "parquet-cut"],
)
def test_files_that_are_not_data_are_refused_with_a_message(ops, load, data, status, code):
    with pytest.raises(DomainError) as refused:
        load(ops.steward, ops.births, data, name="khai_sinh.csv")
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.message
    assert IngestionRun.objects.count() == 0


def test_a_file_over_the_limit_and_an_unknown_mode_are_refused(ops, load, settings):
    settings.WAREHOUSE_UPLOAD_MAX_BYTES = 20
    with pytest.raises(DomainError) as refused:
        load(ops.steward, ops.births, GOOD)
    assert refused.value.status == 413
    settings.WAREHOUSE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as refused:
        load(ops.steward, ops.births, GOOD, mode="drop")
    assert refused.value.code == "mode"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("", "upload.csv"),
        ("\x00", "upload.csv"),
        ("../../etc/passwd", "passwd"),
        ("a" * 5000 + ".csv", "a" * 116 + ".csv"),
    ],
)
def test_the_originals_name_is_made_safe(ops, load, name, kept):
    run = load(ops.steward, ops.births, GOOD, name=name)
    assert run.original_name == kept and run.status == "succeeded"


def test_a_file_that_cannot_be_loaded_fails_the_run_and_writes_nothing(ops, load):
    run = load(ops.steward, ops.births, b"so_giay,ho_ten,ngay_sinh,can_nang,phuong\n")  # a header, no rows
    assert run.status == "failed" and run.version is None
    assert "nothing was written" in run.error
    ops.births.refresh_from_db()
    assert ops.births.current_version is None and ops.births.status == "planned"
    assert not delta.table_exists(storage_from_settings(), "ho_tich/khai_sinh")
    wrong = load(ops.steward, ops.births, b"ma,ten\n1,An\n")  # not the declared columns
    assert wrong.status == "failed" and wrong.error


def test_a_table_without_declared_columns_gets_the_inferred_ones(ops, load):
    data = "phuong,nam,so_ca\nLê Chân,2025,120\nNgô Quyền,2025,98\n".encode()
    run = load(ops.steward, ops.statistics, data, name="thong_ke.csv")
    assert run.status == "succeeded", run.error
    columns = list(Column.objects.filter(table=ops.statistics).order_by("position").values_list("name", "type"))
    assert columns == [("phuong", "text"), ("nam", "integer"), ("so_ca", "integer")]


def test_json_and_parquet_are_recognised_by_their_content(ops, load):
    import pyarrow as pa
    import pyarrow.parquet as pq

    json_run = load(ops.steward, ops.statistics, b'[{"phuong": "Le Chan", "so_ca": 3}]', name="x.csv")
    assert (json_run.format, json_run.status) == ("json", "succeeded")
    buffer = io.BytesIO()
    pq.write_table(pa.table({"phuong": ["Le Chan"], "so_ca": ["4"]}), buffer)
    parquet_run = load(ops.steward, ops.statistics, buffer.getvalue(), name="x.json")
    assert (parquet_run.format, parquet_run.status) == ("parquet", "succeeded"), parquet_run.error


def test_a_run_is_executed_once(ops, load):
    run = load(ops.steward, ops.births, GOOD)
    assert ingestion.run_execute(run.pk) is None  # a second delivery of the task does nothing
    assert IngestionRun.objects.get(pk=run.pk).version == run.version


@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_process_a_thread_runs_the_load_and_writes_its_progress(ops, settings):
    settings.WAREHOUSE_RUN_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data = b"so_giay,ho_ten,ngay_sinh,can_nang,phuong\n" + b"".join(
        f"KS-{n:05d},Nguyen Van {n},01/01/2025,3000,Le Chan\n".encode() for n in range(2000)
    )
    run = ingestion.run_upload(
        actor=ops.steward, table=ops.births, upload=SimpleUploadedFile("k.csv", data), mode="overwrite"
    )
    assert ingestion.run_wait(run.pk, timeout=60)
    run.refresh_from_db()
    assert (run.status, run.rows_accepted, run.bytes_done) == ("succeeded", 2000, len(data))


def test_a_nul_character_deep_in_a_file_is_written_out_in_the_report(ops, load):
    padding = "".join(f"KS-{n:06d},Nguyen Van {n},01/01/2025,3000,Le Chan\n" for n in range(3000)).encode()
    data = b"so_giay,ho_ten,ngay_sinh,can_nang,phuong\n" + padding + b"KS-X,An,01/01/2025,ba\x00muoi,Le Chan\n"
    run = load(ops.steward, ops.births, data)
    assert run.status == "succeeded" and run.rows_rejected == 1, run.error
    assert "\x00" not in str(run.report) and run.report["rejections"][0]["value"] == "ba\\x00muoi"
