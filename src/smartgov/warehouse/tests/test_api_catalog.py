"""The catalog's API: paged search, a table (grants only to its stewards), databases, progress; who may call it and
with which access-token scope."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

pytestmark = pytest.mark.django_db


def token_client(user, scope: str) -> Client:
    token = get_access_token_model().objects.create(
        user=user, token=f"tok-{user.pk}-{scope}", scope=scope, expires=timezone.now() + timedelta(hours=1)
    )
    return Client(headers={"Authorization": f"Bearer {token.token}"})


def test_tables_are_searched_and_paged(wh, wh_login):
    client = wh_login(wh.people["other"]["specialist"])
    answer = client.get("/api/v1/warehouse/tables", {"q": "khai sinh", "limit": 2, "offset": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert body["items"][0]["name"] == "ho_tich.khai_sinh_personal"
    only = client.get("/api/v1/warehouse/tables", {"classification": "restricted"}).json()
    assert [t["code"] for t in only["items"]] == ["khai_sinh_restricted"]


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"offset": 2**70}, {"status": "x"}])
def test_bad_paging_is_a_4xx(wh, wh_login, query):
    assert wh_login(wh.people["owner"]["leader"]).get("/api/v1/warehouse/tables", query).status_code in (400, 422)


def test_a_table_shows_its_grants_only_to_its_stewards(wh, wh_login):
    path = "/api/v1/warehouse/tables/ho_tich/khai_sinh_personal"
    steward = wh_login(wh.people["owner"]["data_steward"]).get(path).json()
    assert [c["name"] for c in steward["columns"]] == ["so_dang_ky", "ho_ten", "ngay_sinh", "ma_xa"]
    assert steward["grants"][0]["agency"] == "000.00.09.H31" and steward["grants"][0]["personal"] is True
    assert steward["access"] == {"readable": True, "personal": True, "steward": True}
    other = wh_login(wh.people["other"]["leader"]).get(path).json()
    assert other["grants"] is None and other["access"] == {"readable": False, "personal": False, "steward": False}
    assert wh_login(wh.people["other"]["leader"]).get("/api/v1/warehouse/tables/ho_tich/khong_co").status_code == 404


def test_citizens_and_people_without_a_role_are_refused_the_catalog(wh, wh_login):
    for user in (wh.citizen, wh.nobody):
        client = wh_login(user)
        assert client.get("/api/v1/warehouse/tables").status_code == 403
        assert client.get("/api/v1/warehouse/databases").status_code == 403
    assert Client().get("/api/v1/warehouse/tables").status_code == 401


def test_databases_and_progress(wh, wh_login):
    client = wh_login(wh.people["granted"]["specialist"])
    databases = client.get("/api/v1/warehouse/databases").json()
    assert databases == [
        {
            "code": "ho_tich",
            "name": "Cơ sở dữ liệu hộ tịch",
            "description": "",
            "owner": "000.00.04.H31",
            "owner_name": "Sở Tư pháp",
            "status": "building",
            "tables": 4,
            "published": 4,
        }
    ]
    progress = client.get("/api/v1/warehouse/progress").json()
    assert (progress["tables"], progress["databases_covered"], progress["departments_providing"]) == (4, 1, 1)
    assert progress["departments_total"] == 3


def test_an_access_token_needs_the_read_scope(wh):
    user = wh.people["owner"]["specialist"]
    assert token_client(user, "warehouse.read").get("/api/v1/warehouse/tables").status_code == 200
    refused = token_client(user, "dossiers.read").get("/api/v1/warehouse/tables")
    assert refused.status_code == 403
    assert json.loads(refused.content)["code"] == "insufficient_scope"
