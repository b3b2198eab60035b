"""The pages: the upload form (one run for a double submit), the run page (progress, then the report with the
rejected rows in Vietnamese and the downloads), the versions with "restore this version", and the query page
(tables listed with masked columns marked, results, the chart, exports, saved queries); errors in the page with a
4xx status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartgov.platform.testing import form_keys_in
from smartgov.warehouse.models import IngestionRun, SavedQuery
from smartgov.warehouse.tests.loads import browser_of, messy_csv

UPLOAD = "/can-bo/kho-du-lieu/bang/ho_tich/khai_sinh/nap-du-lieu/"
QUERY = "/can-bo/kho-du-lieu/truy-van/"
COUNT = "SELECT phuong, count(*) AS so_ca FROM ho_tich.khai_sinh GROUP BY phuong ORDER BY phuong"


@pytest.fixture
def steward(ops):
    return browser_of(ops.steward)


def _post_upload(client, key, data=None, name="khai_sinh.csv"):
    return client.post(
        UPLOAD, {"file": SimpleUploadedFile(name, messy_csv() if data is None else data), "mode": "overwrite",
                 "form_key": key},
    )  # fmt: skip


def test_upload_then_the_run_page_reports_in_vietnamese(ops, steward, django_capture_on_commit_callbacks):
    form = steward.get(UPLOAD)
    assert form.status_code == 200 and 'type="file"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post_upload(steward, form_keys_in(form)[0])
    assert answer.status_code == 302
    run = IngestionRun.objects.get()
    assert answer["Location"] == reverse("warehouse:run", args=[run.uuid])
    page = steward.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<progress" in html and 'value="100"' in html
    assert "Ngày không hợp lệ" in html or "31/02/2025" in html
    assert "31/02/2025" in html and "ba cân" in html and "<script" in html and "run.js" in html
    assert reverse("warehouse:run-rejected", args=[run.uuid]) in html
    status = steward.get(reverse("warehouse:run-status", args=[run.uuid])).json()
    assert status["done"] and status["rows_accepted"] == 3 and status["percent"] == 100
    rejected = steward.get(reverse("warehouse:run-rejected", args=[run.uuid]))
    text = b"".join(rejected.streaming_content).decode("utf-8-sig")
    assert rejected.status_code == 200 and len(text.strip().splitlines()) == 6 and "31/02/2025" in text
    original = steward.get(reverse("warehouse:run-original", args=[run.uuid]))
    assert (
        original["Content-Disposition"].startswith("attachment") and b"".join(original.streaming_content) == messy_csv()
    )


def test_a_double_submit_of_the_upload_form_makes_one_run(ops, steward, django_capture_on_commit_callbacks):
    key = form_keys_in(steward.get(UPLOAD))[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_upload(steward, key)
        second = _post_upload(steward, key)
    assert first.status_code == 302 and second.status_code == 303
    assert IngestionRun.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "status"),
    [(b"", "a.csv", 400), (bytes(range(256)) * 8, "a.csv", 415), (b"\x7fELF" + b"\x00" * 64, "report.csv", 415)],
    ids=["empty", "garbage", "renamed-executable"],
)
def test_a_refused_file_is_said_in_the_page_with_a_4xx(ops, steward, data, name, status):
    answer = _post_upload(steward, form_keys_in(steward.get(UPLOAD))[0], data, name)
    assert answer.status_code == status
    assert 'role="alert"' in answer.content.decode() or "errorlist" in answer.content.decode()
    assert IngestionRun.objects.count() == 0


@pytest.mark.parametrize("who", ["officer", "leader", "outsider"])
def test_only_the_tables_stewards_open_its_upload_and_runs(ops, who, steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post_upload(steward, form_keys_in(steward.get(UPLOAD))[0])
    run = IngestionRun.objects.get()
    other = browser_of(getattr(ops, who))
    assert other.get(UPLOAD).status_code == 403
    assert other.get(reverse("warehouse:run", args=[run.uuid])).status_code == 403
    assert other.get(reverse("warehouse:run-original", args=[run.uuid])).status_code == 403


def test_versions_page_and_restore_with_confirmation(ops, steward, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _post_upload(steward, form_keys_in(steward.get(UPLOAD))[0])
    versions = reverse("warehouse:versions", args=["ho_tich", "khai_sinh"])
    page = steward.get(versions).content.decode()
    restore = reverse("warehouse:restore", args=["ho_tich", "khai_sinh", 0])
    assert restore in page and "khai_sinh.csv" in page
    confirm = steward.get(restore)
    assert confirm.status_code == 200
    done = steward.post(restore, {"form_key": form_keys_in(confirm)[0]})
    assert done.status_code == 302 and done["Location"] == versions
    ops.births.refresh_from_db()
    assert ops.births.current_version == 2
    assert steward.get(reverse("warehouse:restore", args=["ho_tich", "khai_sinh", 7])).status_code == 404
    reader = browser_of(ops.officer).get(versions)
    assert reader.status_code == 200 and restore not in reader.content.decode()
    assert browser_of(ops.officer).get(restore).status_code == 403


def test_the_query_page_lists_runs_charts_exports_and_saves(ops, steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post_upload(steward, form_keys_in(steward.get(UPLOAD))[0])
    officer = browser_of(ops.officer)
    page = officer.get(QUERY).content.decode()
    assert "ho_tich.khai_sinh" in page and "ho_ten" in page and 'class="badge"' in page  # masked marked
    answer = officer.post(QUERY, {"sql": COUNT})
    html = answer.content.decode()
    assert answer.status_code == 200 and "<svg" in html and "Lê Chân" in html
    line = officer.post(
        QUERY, {"sql": COUNT, "chart": "line", "chart_x": "phuong", "chart_y": "so_ca"}
    ).content.decode()
    assert "<path" in line and "<circle" in line
    export = officer.post(reverse("warehouse:query-export"), {"sql": COUNT, "format": "xlsx"})
    assert export.status_code == 200 and b"".join(export.streaming_content)[:2] == b"PK"
    form = {
        "sql": COUNT,
        "title": "Theo phường",
        "chart": "bar",
        "chart_x": "phuong",
        "chart_y": "so_ca",
        "shared": "on",
    }
    saved = officer.post(reverse("warehouse:query-save"), form)
    assert saved.status_code == 302
    item = SavedQuery.objects.get()
    opened = officer.get(f"{QUERY}?luu={item.pk}").content.decode()
    assert "Theo phường" in opened and "<svg" in opened
    assert "Theo phường" in browser_of(ops.leader).get(QUERY).content.decode()  # shared with the agency
    assert "Theo phường" not in browser_of(ops.outsider).get(QUERY).content.decode()
    # a link cannot delete, export or save: those are posted by their forms only
    assert officer.get(reverse("warehouse:query-delete", args=[item.pk])).status_code == 405
    assert officer.get(reverse("warehouse:query-export"), {"sql": COUNT}).status_code == 405
    assert SavedQuery.objects.exists()
    assert officer.post(reverse("warehouse:query-delete", args=[item.pk])).status_code == 302
    assert not SavedQuery.objects.exists()


@pytest.mark.parametrize(
    ("sql", "status"),
    [("DROP TABLE ho_tich.khai_sinh", 400), ("SELECT * FROM read_csv('/etc/passwd')", 400),
     ("SELECT * FROM ho_tich.khong_co", 404), ("SELECT 1 " + " " * 20_001, 400)],
    ids=["drop", "read-csv", "unknown", "huge"],
)  # fmt: skip
def test_query_errors_are_shown_in_the_page_with_a_4xx(ops, sql, status):
    answer = browser_of(ops.officer).post(QUERY, {"sql": sql})
    assert answer.status_code == status and 'role="alert"' in answer.content.decode()


def test_the_pages_are_not_for_citizens_or_visitors(ops):
    from django.test import Client

    assert browser_of(ops.citizen).get(QUERY).status_code == 403
    assert Client().get(QUERY).status_code == 302


def test_a_run_in_progress_has_a_refresh_link_and_a_failed_one_says_why(
    ops, steward, django_capture_on_commit_callbacks
):
    from smartgov.warehouse.services.ingestion import run_upload

    queued = run_upload(
        actor=ops.steward, table=ops.births, upload=SimpleUploadedFile("k.csv", messy_csv()), mode="overwrite"
    )  # fmt: skip  (not executed: no commit callback ran)
    page = steward.get(reverse("warehouse:run", args=[queued.uuid])).content.decode()
    assert 'value="0"' in page and reverse("warehouse:run", args=[queued.uuid]) + '">' in page  # the refresh link
    assert 'data-done="false"' in page and "report-heading" not in page
    with django_capture_on_commit_callbacks(execute=True):
        failed = run_upload(actor=ops.steward, table=ops.births, upload=SimpleUploadedFile("h.csv", b"ma,ten\n1,An\n"),
                            mode="overwrite")  # fmt: skip
    page = steward.get(reverse("warehouse:run", args=[failed.uuid])).content.decode()
    assert 'role="alert"' in page and 'data-done="true"' in page
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.error.split(".")[0] in page
