"""The API of loads and queries: a data steward's token uploads (multipart) and follows the run, lists and restores
versions; a reader without the right gets masked columns and a refused restricted table, as on the page; scopes
are enforced; hostile input is a 4xx problem with a title."""

import pytest

from smartgov.warehouse.models import IngestionRun, SavedQuery
from smartgov.warehouse.tests.loads import bearer_of, browser_of, messy_csv

API = "/api/v1/warehouse"
COUNT = "SELECT phuong, count(*) AS so_ca FROM ho_tich.khai_sinh GROUP BY phuong ORDER BY phuong"


@pytest.fixture
def steward_api(ops):
    return bearer_of(ops.steward, "warehouse.read warehouse.write")


def _upload(client, data=None, name="khai_sinh.csv", mode="overwrite", table="ho_tich/khai_sinh"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"{API}/tables/{table}/runs",
        {"file": SimpleUploadedFile(name, messy_csv() if data is None else data), "mode": mode},
    )


def _problem(answer, status):
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["title"]
    return answer.json()


def test_a_steward_uploads_follows_the_run_and_restores_with_a_token(
    ops, steward_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = _upload(steward_api)
    assert started.status_code == 202, started.content
    run = steward_api.get(f"{API}/runs/{started.json()['id']}").json()
    assert (run["status"], run["progress"], run["rows_accepted"], run["rows_rejected"]) == ("succeeded", 1.0, 3, 5)
    assert {r["code"] for r in run["reasons"]} == {"date", "columns", "type", "unique", "required"}
    assert run["rejections"][0] == {
        "row": 3, "column": "ngay_sinh", "reason": "date", "label": run["rejections"][0]["label"], "value": "31/02/2025"
    }  # fmt: skip
    assert run["rejections"][0]["label"] != "date"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(steward_api, b"so_giay,ho_ten,ngay_sinh,can_nang,phuong\nKS-9,An,01/01/2025,3000,X\n", mode="append")
    versions = steward_api.get(f"{API}/tables/ho_tich/khai_sinh/versions").json()
    assert [v["version"] for v in versions] == [1, 0] and versions[0]["current"] and versions[1]["run"] == run["id"]
    restored = steward_api.post(f"{API}/tables/ho_tich/khai_sinh/versions/0/restore")
    assert restored.status_code == 201 and restored.json()["version"] == 2 and restored.json()["kind"] == "restore"
    _problem(steward_api.post(f"{API}/tables/ho_tich/khai_sinh/versions/99/restore"), 404)
    listed = steward_api.get(f"{API}/tables/ho_tich/khai_sinh/runs").json()
    assert [r["kind"] for r in listed] == ["restore", "upload", "upload"]


def test_tokens_need_their_scope_and_people_their_role(ops, django_capture_on_commit_callbacks):
    reader = bearer_of(ops.steward, "warehouse.read")
    _problem(_upload(reader), 403)  # no warehouse.write
    officer = bearer_of(ops.officer, "warehouse.read warehouse.write")
    _problem(_upload(officer), 403)  # not a data steward
    _problem(_upload(bearer_of(ops.outsider, "warehouse.write")), 403)
    assert IngestionRun.objects.count() == 0
    assert (
        browser_of(ops.citizen).post(f"{API}/query", {"sql": COUNT}, content_type="application/json").status_code == 403
    )
    from django.test import Client

    assert Client().post(f"{API}/query", {"sql": COUNT}, content_type="application/json").status_code == 401


def test_a_reader_gets_masked_columns_and_a_refused_restricted_table(
    ops, steward_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(steward_api)
    officer = bearer_of(ops.officer, "warehouse.read")
    answer = officer.post(
        f"{API}/query",
        {"sql": "SELECT so_giay, ho_ten FROM ho_tich.khai_sinh ORDER BY 1"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["columns"] == ["so_giay", "ho_ten"] and body["rows"][0] == ["KS-001", "***"]
    assert body["masked"] == ["ho_tich.khai_sinh.ho_ten"] and body["truncated"] is False
    counted = officer.post(f"{API}/query", {"sql": COUNT, "max_rows": 1}, content_type="application/json").json()
    assert counted["rows"] == [["Lê Chân", 2]] and counted["truncated"] is True
    outsider = bearer_of(ops.outsider, "warehouse.read")
    refused = _problem(outsider.post(f"{API}/query", {"sql": COUNT}, content_type="application/json"), 403)
    assert "ho_tich.khai_sinh" in refused["title"]
    page = browser_of(ops.outsider).post("/can-bo/kho-du-lieu/truy-van/", {"sql": COUNT})
    assert page.status_code == 403 and "ho_tich.khai_sinh" in page.content.decode()  # the same on the page
    exported = officer.post(f"{API}/query/export", {"sql": COUNT, "format": "csv"}, content_type="application/json")
    assert exported.status_code == 200 and exported["Content-Disposition"].startswith("attachment")
    assert "Lê Chân" in b"".join(exported.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"sql": "DROP TABLE ho_tich.khai_sinh"}', 400),
        ('{"sql": "SELECT * FROM read_csv(\'/etc/passwd\')"}', 400),
        ('{"sql": "SELECT 1", "max_rows": NaN}', 400),
        ('{"sql": "SELECT 1", "max_rows": 1e999}', 400),
        ('{"sql": "' + "x" * 20_001 + '"}', 422),
        ('{"sql": 5}', 422),
        ("[1, 2", 400),
    ],
    ids=["drop", "read-csv", "nan", "infinity", "huge", "not-text", "broken-json"],
)
def test_hostile_query_bodies_are_4xx_problems(ops, body, status):
    answer = bearer_of(ops.steward, "warehouse.read").post(f"{API}/query", body, content_type="application/json")
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("data", "name", "status"),
    [(b"", "a.csv", 400), (bytes(range(256)) * 8, "a.csv", 415), (b"\x00" * 100, "\x00", 400)],
    ids=["empty", "garbage", "nul-name"],
)
def test_hostile_uploads_are_4xx_problems(ops, steward_api, data, name, status):
    _problem(_upload(steward_api, data, name=name), status)
    assert IngestionRun.objects.count() == 0


def test_saved_queries_through_the_api(ops):
    officer = bearer_of(ops.officer, "warehouse.read")
    body = {
        "title": "Theo phường",
        "sql": COUNT,
        "chart": "bar",
        "chart_x": "phuong",
        "chart_y": "so_ca",
        "shared": True,
    }
    created = officer.post(f"{API}/saved-queries", body, content_type="application/json")
    assert created.status_code == 201, created.content
    saved = created.json()
    assert saved["mine"] and saved["chart"] == "bar"
    colleague = bearer_of(ops.leader, "warehouse.read")
    assert [s["id"] for s in colleague.get(f"{API}/saved-queries").json()] == [saved["id"]]
    assert colleague.get(f"{API}/saved-queries/{saved['id']}").json()["mine"] is False
    _problem(colleague.delete(f"{API}/saved-queries/{saved['id']}"), 403)
    _problem(bearer_of(ops.outsider, "warehouse.read").get(f"{API}/saved-queries/{saved['id']}"), 404)
    changed = officer.put(
        f"{API}/saved-queries/{saved['id']}", {"title": "Mới", "sql": COUNT}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Mới"
    assert officer.delete(f"{API}/saved-queries/{saved['id']}").status_code == 204
    assert not SavedQuery.objects.exists()
