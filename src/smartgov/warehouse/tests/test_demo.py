"""The demo's catalog: loaded fast, in realistic states, the published tables holding rows; a second run changes
nothing."""

import time

import pytest

from smartgov.platform.demo import DemoContext, DemoReport
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.warehouse import demo
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import IngestionRun, SharedDatabase, Table
from smartgov.warehouse.selectors import progress_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(db, settings, tmp_path):
    settings.WAREHOUSE_STORAGE_URL = tmp_path.as_uri()
    import json

    from smartgov.platform.demo import DATA_FILE

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for code, kind, name, *_rest in data["agencies"]:
        agency_upsert(actor=None, data=AgencyData(code=code, name=name, kind=kind))
    return data


def test_the_demo_catalog(departments):
    context = DemoContext(data=departments, password="x", progress=False, report=DemoReport())
    started = time.monotonic()
    assert demo._load(context) > 0
    assert time.monotonic() - started < 10
    assert SharedDatabase.objects.count() >= 20
    assert Table.objects.count() >= 50
    published = Table.objects.filter(status=Table.Status.PUBLISHED)
    assert published.count() >= 25
    for table in published.select_related("database"):
        assert table.current_version is not None and table.rows > 0, table
        assert dataset(storage_from_settings(), table.storage_key).count_rows() == table.rows
    assert IngestionRun.objects.count() == published.count()
    figures = progress_figures()
    assert figures.departments_providing >= 10 and figures.departments_total == 15
    assert figures.open_datasets >= 8
    assert Table.objects.filter(classification="personal", status="published").exists()
    assert demo._load(context) == 0
