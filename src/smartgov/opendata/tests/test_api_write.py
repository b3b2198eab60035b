"""The CKAN Action API's write actions: a token whose account may publish for the agency (in either header), every
refusal answered with CKAN's error type, the per-field Validation Errors, and the uploads."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartgov.opendata.models import Dataset
from smartgov.platform.models import AuditEntry, OutboxEvent

pytestmark = pytest.mark.django_db

NEW = {
    "name": "truong-mam-non",
    "title": "Danh sách trường mầm non",
    "owner_org": "000.00.09.H31",
    "notes": "Trường mầm non công lập và tư thục.",
    "tags": [{"name": "mầm non"}, {"name": "giáo dục"}],
    "groups": [{"name": "giao-duc"}],
    "extras": [{"key": "đơn vị", "value": "trường"}],
    "license_id": "ODbL-1.0",
    "frequency": "yearly",
    "warehouse_table": "giao_duc.truong_hoc",
    "resources": [{"name": "CSV", "url": "https://dulieu.haiphong.gov.vn/mam-non.csv"}],
}


def call(name, data, *, token=None, header="X-CKAN-API-Key"):
    headers = {header: token} if token else {}
    return Client().post(f"/api/3/action/{name}", json.dumps(data), content_type="application/json", headers=headers)


def result(response):
    assert response.status_code == 200, response.content
    return response.json()["result"]


@pytest.mark.parametrize("header", ["X-CKAN-API-Key", "Authorization", "Bearer"])
def test_a_steward_creates_a_dataset_with_a_token_in_either_header(od, od_token, header):
    token = od_token(od.steward, "opendata.write")
    if header == "Bearer":
        header, token = "Authorization", f"Bearer {token}"
    created = result(call("package_create", NEW, token=token, header=header))
    assert created["name"] == "truong-mam-non" and created["owner_org"] == "000.00.09.H31"
    assert sorted(t["name"] for t in created["tags"]) == ["giáo dục", "mầm non"]
    assert created["warehouse_table"] == "giao_duc.truong_hoc" and created["frequency"] == "yearly"
    assert created["resources"][0]["format"] == "CSV"
    dataset = Dataset.objects.get(name="truong-mam-non")
    assert dataset.created_by == od.steward
    assert AuditEntry.objects.filter(action="opendata.dataset.create", object_id=str(dataset.pk)).exists()
    assert OutboxEvent.objects.filter(topic="opendata.dataset.created").count() >= 1


def test_writes_need_a_publishers_token(od, od_token):
    anonymous = call("package_create", NEW)
    assert anonymous.status_code == 403
    assert anonymous.json()["error"]["__type"] == "Authorization Error"
    for user, scope in (
        (od.specialist, "opendata.write"),  # staff of the agency, but not a data steward
        (od.other_steward, "opendata.write"),  # a steward of another agency
        (od.citizen, "opendata.write"),
        (od.steward, "opendata.read dossiers.write"),  # the right person, a token without the scope
    ):
        response = call("package_create", NEW, token=od_token(user, scope))
        assert response.status_code == 403, (user, scope)
        assert response.json()["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.filter(name="truong-mam-non").exists()
    # a signed-in browser session is not a token
    client = Client()
    client.force_login(od.steward)  # its second factor not yet given: the API answers, never redirects
    assert client.get("/api/3/action/package_list").status_code == 200
    session = client.post("/api/3/action/package_create", json.dumps(NEW), content_type="application/json")
    assert session.status_code == 403
    admin = call("package_create", NEW, token=od_token(od.admin, "opendata.write"))
    assert admin.status_code == 200


def test_validation_errors_name_every_field(od, od_token):
    token = od_token(od.steward, "opendata.write")
    bad = {
        "name": "Tên Có Dấu",
        "owner_org": "000.00.99.H31",
        "license_id": "giay-phep-la",
        "private": "co le",
        "state": "deleted",
        "frequency": "hourly",
        "tags": [{"name": "x"}, {"name": "a,b"}],
        "groups": [{"name": "khong-co"}],
        "extras": [{"key": "title", "value": "x"}],
        "warehouse_table": "bang khong hop le",
        "resources": [{"url": "javascript:alert(1)"}],
        "title": "t" * 501,
    }
    response = call("package_create", bad, token=token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    for field in ("name", "owner_org", "license_id", "private", "state", "frequency", "tags", "groups", "extras",
                  "warehouse_table", "resources", "title"):  # fmt: skip
        assert field in error, field
        assert isinstance(error[field], list) and error[field]
    taken = call("package_create", {**NEW, "name": "co-so-y-te"}, token=token)
    assert taken.status_code == 409 and "name" in taken.json()["error"]
    missing = call("package_create", {"title": "Không tên"}, token=token)
    assert set(missing.json()["error"]) >= {"name", "owner_org"}
    for value in (None, [], "x", 12):
        response = Client().post(
            "/api/3/action/package_create",
            json.dumps({"name": "ok-name", "owner_org": "000.00.09.H31", "tags": value, "extras": value or 5}),
            content_type="application/json",
            headers={"X-CKAN-API-Key": token},
        )
        assert response.status_code in (200, 409), value
        Dataset.objects.filter(name="ok-name").delete()


def test_update_patch_and_delete(od, od_token):
    token = od_token(od.steward, "opendata.write")
    public = od.datasets["public"]
    patched = result(call("package_patch", {"id": "co-so-y-te", "title": "Cơ sở y tế (cập nhật)"}, token=token))
    assert patched["title"] == "Cơ sở y tế (cập nhật)"
    assert patched["notes"].startswith("Bệnh viện") and patched["num_resources"] == 1  # the rest kept
    updated = result(
        call("package_update", {"id": str(public.uuid), "title": "Cơ sở y tế", "tags": [{"name": "y tế"}]}, token=token)
    )
    assert updated["notes"] == "" and [t["name"] for t in updated["tags"]] == ["y tế"]
    assert updated["num_resources"] == 1  # resources kept when not given
    replaced = result(call("package_update", {"id": "co-so-y-te", "resources": []}, token=token))
    assert replaced["num_resources"] == 0
    renamed = result(call("package_patch", {"id": "co-so-y-te", "name": "co-so-kham-chua-benh"}, token=token))
    assert renamed["id"] == str(public.uuid)
    assert call("package_patch", {"id": "co-so-kham-chua-benh", "name": "ho-so-y-te"}, token=token).status_code == 409
    other = od_token(od.other_steward, "opendata.write")
    refused = call("package_patch", {"id": "co-so-kham-chua-benh", "title": "x"}, token=other)
    assert refused.status_code == 403
    # a private dataset of another agency is not found at all (its name cannot be probed)
    assert call("package_patch", {"id": "noi-bo", "title": "x"}, token=other).status_code == 404
    # the publisher reaches its own private dataset with a write-only token
    assert result(call("package_patch", {"id": "noi-bo", "notes": "ghi chú"}, token=token))["private"] is True
    # moving a dataset to an agency one may not publish for is refused
    assert call("package_patch", {"id": "noi-bo", "owner_org": "000.00.10.H31"}, token=token).status_code == 403
    assert result(call("package_delete", {"id": "co-so-kham-chua-benh"}, token=token)) is None
    assert call("package_show", {"id": "co-so-kham-chua-benh"}).status_code == 404
    assert result(call("package_delete", {"id": "co-so-kham-chua-benh"}, token=token)) is None  # twice: once
    assert OutboxEvent.objects.filter(topic="opendata.dataset.deleted").count() == 1
    assert call("package_create", {**NEW, "name": "co-so-kham-chua-benh"}, token=token).status_code == 409
    assert call("package_delete", {"id": "khong-co"}, token=token).status_code == 404


def test_resources(od, od_token):
    token = od_token(od.steward, "opendata.write")
    created = result(
        call(
            "resource_create",
            {"package_id": "ho-so-y-te", "name": "Bảng tổng hợp", "url": "https://dulieu.haiphong.gov.vn/a.xlsx"},
            token=token,
        )
    )
    assert created["format"] == "XLSX" and created["position"] == 1
    shown = result(call("package_show", {"id": "ho-so-y-te"}))
    assert [r["name"] for r in shown["resources"]] == ["Bảng", "Bảng tổng hợp"]
    patched = result(call("resource_patch", {"id": created["id"], "description": "Theo quý"}, token=token))
    assert patched["description"] == "Theo quý" and patched["name"] == "Bảng tổng hợp"
    updated = result(
        call("resource_update", {"id": created["id"], "url": "https://dulieu.haiphong.gov.vn/b.csv"}, token=token)
    )
    assert updated["name"] == "" and updated["format"] == "CSV"
    first = shown["resources"][0]["id"]
    assert result(call("resource_delete", {"id": first}, token=token)) is None
    assert result(call("resource_show", {"id": created["id"]}))["position"] == 0
    assert call("resource_show", {"id": first}).status_code == 404
    for bad in ({"package_id": "ho-so-y-te"}, {"package_id": "ho-so-y-te", "url": "file:///etc/passwd"}):
        response = call("resource_create", bad, token=token)
        assert response.status_code == 409 and "url" in response.json()["error"]
    assert call("resource_create", {"package_id": "khong-co", "url": "https://a.vn"}, token=token).status_code == 404
    other = od_token(od.other_steward, "opendata.write")
    assert call("resource_delete", {"id": created["id"]}, token=other).status_code == 403
    assert call("resource_update", {"id": "khong-phai-uuid"}, token=token).status_code == 404


def test_an_uploaded_file_is_served_as_a_download(od, od_token, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    token = od_token(od.steward, "opendata.write")
    upload = SimpleUploadedFile("co so y te.csv", "ma,ten\n1,Bệnh viện Việt Tiệp\n".encode(), "text/csv")
    response = Client().post(
        "/api/3/action/resource_create",
        {"package_id": "co-so-y-te", "name": "Tệp tải lên", "upload": upload},
        headers={"Authorization": token},
    )
    created = result(response)
    assert created["url_type"] == "upload" and created["format"] == "CSV"
    path = created["url"].removeprefix("http://testserver")
    download = Client().get(path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).decode() == "ma,ten\n1,Bệnh viện Việt Tiệp\n"
    assert Client().get(path.replace(".csv", ".html")).status_code == 404
    settings.OPENDATA_UPLOAD_MAX_BYTES = 10
    too_big = Client().post(
        "/api/3/action/resource_create",
        {"package_id": "co-so-y-te", "upload": SimpleUploadedFile("a.csv", b"x" * 11)},
        headers={"Authorization": token},
    )
    assert too_big.status_code == 409 and "upload" in too_big.json()["error"]
    settings.OPENDATA_BODY_MAX_BYTES = 100
    far_too_big = Client().post(
        "/api/3/action/resource_create",
        {"package_id": "co-so-y-te", "upload": SimpleUploadedFile("a.csv", b"x" * 1000)},
        headers={"Authorization": token},
    )
    assert far_too_big.status_code == 400  # refused by its length, before the file is read


def test_the_rate_limit_holds(od, settings):
    from django.core.cache import cache

    cache.clear()
    settings.OPENDATA_API_RATE = 3
    client = Client()
    statuses = [client.get("/api/3/action/package_list").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/api/3/action/package_list")
    assert refused.json()["error"]["__type"] == "Too Many Requests" and refused["Retry-After"] == "60"
    cache.clear()


def test_wrong_tokens_are_limited(od, od_token, settings):
    from django.core.cache import cache

    cache.clear()
    settings.OPENDATA_TOKEN_TRIES = 2
    statuses = [call("package_list", {}, token=f"doan-{i}").status_code for i in range(3)]
    assert statuses == [403, 403, 429]
    assert call("package_list", {}, token=od_token(od.steward)).status_code == 429  # the right one too, meanwhile
    cache.clear()
