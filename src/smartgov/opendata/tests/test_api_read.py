"""The CKAN Action API's read actions, as a CKAN client calls them: the envelope, both prefixes with and without a
trailing slash, GET and POST, the visibility of private datasets and drafts, and every bad value answered with
CKAN's error types."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def call(client, name, data=None, *, method="post", prefix="/api/3/action/", headers=None):
    path = f"{prefix}{name}"
    if method == "get":
        return client.get(path, data or {}, headers=headers or {})
    return client.post(path, json.dumps(data or {}), content_type="application/json", headers=headers or {})


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=" + response.wsgi_request.path.strip("/").split("/")[-1])
    return body["result"]


@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_address_answers_without_a_redirect(od, prefix, slash, method):
    client = Client()
    path = f"{prefix}package_list{slash}"
    response = client.get(path) if method == "get" else client.post(path, "{}", content_type="application/json")
    assert response.status_code == 200
    assert response.json()["result"] == ["co-so-y-te", "ho-so-y-te", "truong-hoc"]


def test_package_show_by_name_and_by_id(od):
    client = Client()
    shown = ok(call(client, "package_show", {"id": "co-so-y-te"}, method="get"))
    assert shown["title"] == "Danh sách cơ sở y tế"
    assert shown["owner_org"] == "000.00.09.H31"
    assert shown["organization"]["name"] == "000-00-09-h31"
    assert shown["organization"]["title"] == "Sở Y tế"
    assert [t["name"] for t in shown["tags"]] == ["bệnh viện", "y tế"]
    assert shown["tags"][0]["display_name"] == "bệnh viện"
    assert [g["name"] for g in shown["groups"]] == ["y-te"]
    assert shown["extras"] == [{"key": "nguồn", "value": "Sở Y tế"}]
    assert shown["license_id"] == "CC-BY-4.0" and shown["license_title"] == "Creative Commons Ghi công 4.0"
    assert shown["private"] is False and shown["state"] == "active" and shown["isopen"] is True
    assert shown["num_resources"] == 1 and shown["num_tags"] == 2
    assert shown["resources"][0]["format"] == "CSV"
    assert shown["resources"][0]["package_id"] == shown["id"]
    assert shown["metadata_created"] and shown["metadata_modified"]
    assert ok(call(client, "package_show", {"id": shown["id"]}))["name"] == "co-so-y-te"
    resource = ok(call(client, "resource_show", {"id": shown["resources"][0]["id"]}, method="get"))
    assert resource["url"] == "https://dulieu.haiphong.gov.vn/co-so-y-te.csv"


def test_not_found_and_missing_id(od):
    client = Client()
    response = call(client, "package_show", {"id": "khong-co"})
    assert response.status_code == 404
    assert response.json()["success"] is False
    assert response.json()["error"]["__type"] == "Not Found Error"
    missing = call(client, "package_show", {})
    assert missing.status_code == 409
    assert missing.json()["error"] == {"__type": "Validation Error", "id": ["Thiếu giá trị"]}
    for name in ("resource_show", "organization_show", "group_show"):
        assert call(client, name, {"id": "khong-co"}).status_code == 404, name


def test_private_and_draft_datasets_are_seen_only_by_the_agencys_staff(od, od_token):
    anonymous = Client()
    for name in ("noi-bo", "nhap"):
        assert call(anonymous, "package_show", {"id": name}).status_code == 404
    specialist = {"Authorization": od_token(od.specialist, "opendata.read")}
    assert ok(call(anonymous, "package_show", {"id": "noi-bo"}, headers=specialist))["private"] is True
    assert ok(call(anonymous, "package_show", {"id": "nhap"}, headers=specialist))["state"] == "draft"
    # another agency's steward, a citizen, and a token without the scope see nothing private
    for headers in (
        {"X-CKAN-API-Key": od_token(od.other_steward)},
        {"X-CKAN-API-Key": od_token(od.citizen)},
        {"Authorization": f"Bearer {od_token(od.specialist, 'dossiers.read')}"},
    ):
        assert call(anonymous, "package_show", {"id": "noi-bo"}, headers=headers).status_code == 404
        found = ok(call(anonymous, "package_search", {"include_private": True, "rows": 100}, headers=headers))
        assert "noi-bo" not in [d["name"] for d in found["results"]]
    search = ok(
        call(anonymous, "package_search", {"include_private": True, "include_drafts": True}, headers=specialist)
    )
    assert {"noi-bo", "nhap"} <= {d["name"] for d in search["results"]}
    assert "noi-bo" not in ok(call(anonymous, "package_list"))
    admin = {"Authorization": od_token(od.admin, "opendata.read")}
    assert ok(call(anonymous, "package_show", {"id": "noi-bo"}, headers=admin))["name"] == "noi-bo"


def test_answers_to_a_token_are_never_cached(od, od_token):
    response = call(Client(), "package_list", headers={"X-CKAN-API-Key": od_token(od.specialist)})
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_or_expired_token_is_an_authorization_error(od, od_token):
    for token in ("khong-phai-token", od_token(od.steward, expired=True)):
        response = call(Client(), "package_list", headers={"X-CKAN-API-Key": token})
        assert response.status_code == 403
        assert response.json()["error"]["__type"] == "Authorization Error"


def test_search_matches_vietnamese_with_or_without_diacritics(od):
    client = Client()
    for q in ("hồ sơ", "ho so", "HO SO", "hô sơ"[:0] + "ho so kham", "Hồ Sơ"):
        found = ok(call(client, "package_search", {"q": q}, method="get"))
        assert found["count"] == 1, q
        assert found["results"][0]["name"] == "ho-so-y-te"
    decomposed = "ho\u0302\u0300 so\u031b"  # hồ sơ typed in NFD
    assert ok(call(client, "package_search", {"q": decomposed}))["count"] == 1
    # a word in the title ranks higher than one in the description
    ranked = ok(call(client, "package_search", {"q": "y te"}))
    assert [d["name"] for d in ranked["results"]][:1] == ["co-so-y-te"]
    assert ok(call(client, "package_search", {"q": "benh vien"}))["results"][0]["name"] == "co-so-y-te"
    assert ok(call(client, "package_search", {"q": "so y te"}))["count"] == 2  # the organization's name


def test_search_filters_sorts_pages_and_facets(od):
    client = Client()
    by_org = ok(call(client, "package_search", {"fq": "organization:000-00-09-h31"}))
    assert {d["name"] for d in by_org["results"]} == {"co-so-y-te", "ho-so-y-te"}
    assert ok(call(client, "package_search", {"fq": 'tags:"trường học"'}))["count"] == 1
    assert ok(call(client, "package_search", {"fq": "groups:y-te"}))["count"] == 1
    assert ok(call(client, "package_search", {"fq": "res_format:json"}))["results"][0]["name"] == "ho-so-y-te"
    assert ok(call(client, "package_search", {"fq": "license_id:CC0-1.0"}))["count"] == 1
    assert ok(call(client, "package_search", {"fq": "-organization:000.00.09.H31"}))["count"] == 1
    assert ok(call(client, "package_search", {"fq": "groups:(y-te OR giao-duc)"}))["count"] == 2
    assert ok(call(client, "package_search", {"q": "tags:trường học"}))["count"] == 0  # an unquoted value is one word
    titles = ok(call(client, "package_search", {"sort": "title_string asc"}))["results"]
    assert [d["title"] for d in titles] == sorted(d["title"] for d in titles)
    page = ok(call(client, "package_search", {"sort": "name asc", "rows": 1, "start": 1}, method="get"))
    assert page["count"] == 3 and [d["name"] for d in page["results"]] == ["ho-so-y-te"]
    assert ok(call(client, "package_search", {"rows": 0}))["results"] == []
    faceted = ok(
        call(
            client,
            "package_search",
            {"facet.field": '["organization", "tags", "res_format", "license_id", "groups"]', "facet.limit": 10},
            method="get",
        )
    )
    assert faceted["facets"]["organization"] == {"000-00-09-h31": 2, "000-00-10-h31": 1}
    assert faceted["facets"]["res_format"] == {"CSV": 1, "JSON": 1}
    assert faceted["search_facets"]["organization"]["items"][0] == {
        "name": "000-00-09-h31",
        "display_name": "Sở Y tế",
        "count": 2,
    }
    limited = ok(call(client, "package_search", {"facet.field": ["tags"], "facet.limit": 1, "facet.mincount": 1}))
    assert len(limited["facets"]["tags"]) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rows": -1}, "rows"),
        ({"rows": 10**9}, "rows"),
        ({"rows": 1001}, "rows"),
        ({"rows": "mười"}, "rows"),
        ({"rows": 2.5}, "rows"),
        ({"rows": True}, "rows"),
        ({"start": "NaN"}, "start"),
        ({"start": -5}, "start"),
        ({"start": "1e999"}, "start"),
        ({"start": 2**64}, "start"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "đăng ký khai sinh " * 500}, "q"),
        ({"q": " ".join(f"tu{i}" for i in range(900))}, "q"),
        ({"q": ["danh", "sách"]}, "q"),
        ({"fq": "password:secret"}, "fq"),
        ({"fq": "free text"}, "fq"),
        ({"sort": "notes asc"}, "sort"),
        ({"sort": "name sideways"}, "sort"),
        ({"facet.field": '["creator_user_id"]'}, "facet.field"),
        ({"facet.field": "[not json"}, "facet.field"),
        ({"facet.limit": "Infinity"}, "facet.limit"),
        ({"include_private": "perhaps"}, "include_private"),
    ],
)
def test_absurd_search_values_are_validation_errors(od, data, field):
    response = call(Client(), "package_search", data)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert field in error


def test_absurd_values_in_a_query_string_too(od):
    client = Client()
    for params in ({"rows": "NaN"}, {"rows": "-1"}, {"rows": str(10**9)}, {"start": "Infinity"}):
        response = call(client, "package_search", params, method="get")
        assert response.status_code == 409, params


def test_oversized_search_is_refused_quickly(od):
    import time

    client = Client()
    call(client, "package_search", {"q": "thanh dong"})
    started = time.monotonic()
    response = call(client, "package_search", {"q": "đăng ký khai sinh " * 500}, method="get")
    assert response.status_code == 409
    assert time.monotonic() - started < 1


def test_bad_requests(od):
    client = Client()
    not_json = client.post("/api/3/action/package_search", "{not json", content_type="application/json")
    assert not_json.status_code == 400
    assert not_json.json()["error"]["__type"] == "Bad Request"
    assert not_json.json()["success"] is False
    for body in (
        "[1, 2]",
        '"text"',
        '{"rows": NaN}',
        "[" * 100_000,
        '{"id": "co-so\\u0000-y-te"}',
        '{"q": "\\ud800"}',
        '{"\\ud800": 1}',
        b"\xff\xfe{}",
    ):
        response = client.post("/api/3/action/package_search", body, content_type="application/json")
        assert response.status_code == 400, body[:20]
    form = client.post("/api/3/action/package_show", {"id": "co-so\x00-y-te"})
    assert form.status_code == 400
    unknown = call(client, "khong_co_hanh_dong")
    assert unknown.status_code == 400
    assert "Không có thao tác tên là: khong_co_hanh_dong" in unknown.json()["error"]["message"]
    assert call(client, "package_create", {}, method="get").status_code == 400
    put = client.put("/api/3/action/package_list")
    assert put.status_code == 405
    big = client.post(
        "/api/3/action/package_search", json.dumps({"q": "x" * 2_000_000}), content_type="application/json"
    )
    assert big.status_code == 400


def test_organizations_groups_tags_licences_status_help(od):
    client = Client()
    assert {"000-00-09-h31", "000-00-10-h31"} <= set(ok(call(client, "organization_list")))
    full = ok(call(client, "organization_list", {"all_fields": True, "sort": "package_count desc"}))
    assert full[0]["name"] == "000-00-09-h31" and full[0]["package_count"] == 2
    org = ok(call(client, "organization_show", {"id": "000.00.09.H31", "include_datasets": True}, method="get"))
    assert org["title"] == "Sở Y tế" and {d["name"] for d in org["packages"]} == {"co-so-y-te", "ho-so-y-te"}
    assert ok(call(client, "organization_show", {"id": "000-00-09-h31"}))["package_count"] == 2
    assert ok(call(client, "group_list")) == ["giao-duc", "y-te"]
    assert ok(call(client, "group_list", {"all_fields": True}))[1]["title"] == "Y tế"
    group = ok(call(client, "group_show", {"id": "y-te", "include_datasets": "true"}, method="get"))
    assert [d["name"] for d in group["packages"]] == ["co-so-y-te"]
    assert ok(call(client, "tag_list")) == ["bệnh viện", "trường học", "y tế"]
    assert ok(call(client, "tag_list", {"query": "truong"})) == ["trường học"]
    licences = ok(call(client, "license_list", method="get"))
    assert {"CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0"} <= {licence["id"] for licence in licences}
    assert all({"id", "title", "url", "od_conformance"} <= licence.keys() for licence in licences)
    status = ok(call(client, "status_show", method="get"))
    assert status["ckan_version"].startswith("2.") and status["site_url"] == "http://testserver"
    assert "id" in ok(call(client, "help_show", {"name": "package_show"}, method="get"))
    assert call(client, "help_show", {"name": "khong_co"}).status_code == 404
    assert call(client, "organization_list", {"sort": "secret asc"}).status_code == 409
    assert call(client, "package_list", {"limit": 10**6}).status_code == 409


def test_search_and_show_cost_a_fixed_number_of_queries(od, django_assert_max_num_queries):
    from smartgov.opendata.services import dataset_create

    for number in range(30):
        dataset_create(
            actor=None,
            values={
                "name": f"bo-du-lieu-{number}",
                "title": f"Bộ dữ liệu số {number}",
                "owner_org": "000.00.09.H31",
                "tags": [{"name": f"thẻ {number}"}],
                "groups": [{"name": "y-te"}],
                "extras": [{"key": "k", "value": "v"}],
                "resources": [{"url": f"https://a.vn/{number}.csv"}, {"url": f"https://a.vn/{number}.json"}],
            },
        )
    client = Client()
    call(client, "package_list")  # warm: the first request loads the site
    with django_assert_max_num_queries(12):
        found = ok(call(client, "package_search", {"q": "bo du lieu", "rows": 100, "facet.field": ["tags", "groups"]}))
    assert found["count"] == 30 and len(found["results"]) == 30
    with django_assert_max_num_queries(8):
        ok(call(client, "organization_show", {"id": "000.00.09.H31", "include_datasets": True}))
