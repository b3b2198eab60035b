"""The demo's datasets (loaded once, answered by the Action API), the person's copy of their data and its erasure,
and the services' own rules outside the API."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from smartgov.opendata import demo
from smartgov.opendata.domain.validation import Invalid
from smartgov.opendata.models import Dataset, Group
from smartgov.opendata.services import dataset_create, dataset_update, group_create
from smartgov.platform.demo import DATA_FILE, DemoContext, DemoReport
from smartgov.platform.personal_data import personal_data_erase, personal_data_sections
from smartgov.platform.services.org import AgencyData, agency_upsert

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_the_api_answers(db):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for code, kind, name, *_rest in data["agencies"]:
        agency_upsert(actor=None, data=AgencyData(code=code, name=name, kind=kind))
    context = DemoContext(data=data, password="x", progress=False, report=DemoReport())
    assert demo._load(context) == len(demo.THEMES) + len(demo.DATASETS)
    assert demo._load(context) == 0
    found = Client().get("/api/3/action/package_search", {"q": "truong hoc", "facet.field": '["groups"]'}).json()
    assert found["result"]["results"][0]["name"] == "truong-hoc"
    fdi = Client().get("/api/3/action/package_search", {"q": "dau tu", "fq": "groups:dau-tu"}).json()["result"]
    assert {d["name"] for d in fdi["results"]} == {"du-an-fdi", "du-an-dau-tu-cong"}
    assert Dataset.objects.get(name="co-so-kham-chua-benh").warehouse_table == "co_so_y_te.co_so_kham_chua_benh"


def test_the_creator_gets_a_copy_and_erasure_keeps_the_dataset(od):
    dataset = dataset_create(actor=od.steward, values={"name": "cua-toi", "owner_org": od.health.code})
    sections = personal_data_sections(od.steward)
    assert sections["opendata_datasets_created"][0]["name"] == "cua-toi"
    personal_data_erase(od.steward)
    dataset.refresh_from_db()
    assert dataset.created_by is None


def test_services_check_who_acts(od):
    with pytest.raises(PermissionDenied):
        dataset_create(actor=od.specialist, values={"name": "khong-duoc", "owner_org": od.health.code})
    with pytest.raises(PermissionDenied):
        dataset_update(actor=od.other_steward, dataset=od.datasets["public"], values={"title": "x"}, partial=True)
    with pytest.raises(PermissionDenied):
        group_create(actor=od.steward, name="moi-truong", title="Môi trường")
    assert group_create(actor=od.admin, name="moi-truong", title="Môi trường").title == "Môi trường"
    with pytest.raises(Invalid) as taken:
        group_create(actor=None, name="y-te", title="Y tế")
    assert "name" in taken.value.fields
    assert Group.objects.count() == 3


def test_text_is_stored_in_nfc(od):
    decomposed = "Danh sa\u0301ch tru\u031bo\u031b\u0300ng ho\u0323c"
    dataset = dataset_create(actor=None, values={"name": "nfd", "title": decomposed, "owner_org": od.health.code,
                                                 "tags": [{"name": "tru\u031bo\u031b\u0300ng"}]})  # fmt: skip
    assert dataset.title == "Danh sách trường học"
    assert list(dataset.tags.values_list("name", flat=True)) == ["trường"]


def test_an_unchanged_update_writes_nothing(od):
    from smartgov.platform.models import OutboxEvent

    before = OutboxEvent.objects.filter(topic="opendata.dataset.updated").count()
    dataset_update(
        actor=od.steward, dataset=od.datasets["public"], values={"title": "Danh sách cơ sở y tế"}, partial=True
    )
    assert OutboxEvent.objects.filter(topic="opendata.dataset.updated").count() == before
