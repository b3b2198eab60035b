"""The catalog's pages for each role, and the public progress page."""

import re

import pytest
from django.test import Client

from smartgov.warehouse.models import IngestionRun
from smartgov.warehouse.tests.factories import RunFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("agency", ["owner", "granted", "other"])
@pytest.mark.parametrize("role", ["specialist", "leader", "data_steward"])
def test_every_civil_servant_reads_the_catalog(wh, wh_login, agency, role):
    client = wh_login(wh.people[agency][role])
    page = client.get("/can-bo/kho-du-lieu/", {"q": "khai sinh", "phan-loai": "personal"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "ho_tich.khai_sinh_personal" in text and "ho_tich.khai_sinh_open" not in text
    assert client.get("/can-bo/kho-du-lieu/co-so-du-lieu/").status_code == 200
    assert client.get("/can-bo/kho-du-lieu/co-so-du-lieu/ho_tich/").status_code == 200
    table = client.get("/can-bo/kho-du-lieu/bang/ho_tich/khai_sinh_personal/")
    assert table.status_code == 200
    body = table.content.decode()
    assert "ho_ten" in body and "Khám chữa bệnh" not in body
    # the grants are listed to the owner's stewards only
    assert ("Tiêm chủng" in body) == (agency == "owner" and role == "data_steward")


def test_citizens_and_visitors_do_not_see_the_catalog(wh, wh_login):
    assert wh_login(wh.citizen).get("/can-bo/kho-du-lieu/").status_code == 403
    assert wh_login(wh.nobody).get("/can-bo/kho-du-lieu/bang/ho_tich/khai_sinh_open/").status_code == 403
    visitor = Client().get("/can-bo/kho-du-lieu/")
    assert visitor.status_code == 302 and visitor["Location"].startswith("/dang-nhap/")


def test_unknown_table_and_database_are_404(wh, wh_login):
    client = wh_login(wh.admin)
    assert client.get("/can-bo/kho-du-lieu/bang/ho_tich/khong_co/").status_code == 404
    assert client.get("/can-bo/kho-du-lieu/co-so-du-lieu/khong_co/").status_code == 404


def test_bad_filters_are_ignored_and_a_long_query_is_400(wh, wh_login):
    client = wh_login(wh.admin)
    assert (
        client.get("/can-bo/kho-du-lieu/", {"phan-loai": "<script>", "trang-thai": "x", "page": "-1"}).status_code
        == 200
    )
    assert client.get("/can-bo/kho-du-lieu/", {"q": "a " * 20}).status_code == 400


def test_the_table_page_lists_the_last_runs(wh, wh_login):
    RunFactory.create(table=wh.tables["open"], original_name="khai-sinh-2026.csv", rows_accepted=1234, version=3)
    RunFactory.create(table=wh.tables["open"], status=IngestionRun.Status.FAILED, rows_accepted=0, version=None)
    body = wh_login(wh.people["other"]["specialist"]).get("/can-bo/kho-du-lieu/bang/ho_tich/khai_sinh_open/")
    text = body.content.decode()
    assert re.search(r">1[.,]?234<", text)
    assert text.count('<th scope="row">') >= 2 + 4  # two runs, four columns


def test_the_progress_page_is_public_with_its_figures_and_chart(wh):
    page = Client().get("/kho-du-lieu/tien-do/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "Sở Tư pháp" in text
    assert "<script>" not in text
