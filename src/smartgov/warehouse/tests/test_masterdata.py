"""Master data (danh mục dùng chung): the files, the tables written from them and from the platform, the codes
ingestion checks "reference" rules against."""

import csv
import unicodedata

import pytest

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AdminUnit
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.warehouse import masterdata
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import IngestionRun, Table


@pytest.fixture
def storage(settings, tmp_path):
    settings.WAREHOUSE_STORAGE_URL = (tmp_path / "warehouse").as_uri()
    masterdata.reference_cache_clear()
    return settings.WAREHOUSE_STORAGE_URL


@pytest.fixture
def science(hai_phong):
    agency, _ = agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.06.H31", name="Sở Khoa học và Công nghệ", kind="department"),
    )
    return agency


def _rows(name):
    with (masterdata.DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_54_ethnic_groups_with_their_official_codes():
    rows = _rows("dan_toc.csv")
    codes = [r["code"] for r in rows]
    assert codes == [f"{n:02d}" for n in range(1, 55)]  # 01–54, each once, in order
    assert len({r["name"] for r in rows}) == 54
    names = {r["code"]: r["name"] for r in rows}
    assert (names["01"], names["02"], names["03"], names["04"], names["05"]) == ("Kinh", "Tày", "Thái", "Hoa", "Khơ-me")
    assert [names[f"{n:02d}"] for n in range(6, 11)] == ["Mường", "Nùng", "Hmông", "Dao", "Gia-rai"]
    assert (names["17"], names["52"], names["53"], names["54"]) == ("Chăm", "Brâu", "Ơ Đu", "Rơ-măm")
    for name in ("dan_toc.csv", "ton_giao.csv", "nghe_nghiep.csv"):
        text = (masterdata.DATA / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), name  # composed Vietnamese, as typed and searched


def test_religions_and_occupations():
    religions = {r["code"]: r["name"] for r in _rows("ton_giao.csv")}
    assert len(religions) == 17 and religions["00"] == "Không theo tôn giáo"
    assert {"Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo"} <= set(religions.values())
    occupations = _rows("nghe_nghiep.csv")
    level1 = {r["code"]: r["name"] for r in occupations if r["level"] == "1"}
    assert list(level1) == [str(n) for n in range(10)]
    assert (level1["0"], level1["9"]) == ("Lực lượng vũ trang", "Lao động giản đơn")
    level2 = [r for r in occupations if r["level"] == "2"]
    assert all(r["code"].startswith(r["parent"]) and len(r["code"]) == 2 for r in level2)
    assert {r["code"] for r in level2} >= {"01", "11", "21", "22", "96"}
    assert len({r["code"] for r in occupations}) == len(occupations)


@pytest.mark.django_db
def test_load_writes_each_set_once_and_again_only_when_it_changed(storage, science):
    results = masterdata.masterdata_load()
    assert set(results) == set(masterdata.REFERENCES) and all(r.changed for r in results.values())
    table = Table.objects.get(database__code="danh_muc", code="dan_toc")
    assert (table.owner, table.classification, table.source, table.status) == (science, "open", "master", "published")
    assert table.rows == 54 and table.current_version is not None
    assert IngestionRun.objects.filter(table=table, kind="master", status="succeeded").count() == 1
    nationalities = dataset(storage_from_settings(), "danh_muc/quoc_tich").to_table().to_pylist()
    viet_nam = next(r for r in nationalities if r["code"] == "VN")
    assert (viet_nam["alpha3"], viet_nam["numeric"], viet_nam["name_vi"]) == ("VNM", "704", "Việt Nam")
    assert len(nationalities) == 249
    again = masterdata.masterdata_load()
    assert not any(r.changed for r in again.values())  # same content: no new version
    assert IngestionRun.objects.filter(table=table).count() == 1
    agency_upsert(actor=None, data=AgencyData(code="000.00.99.H31", name="Sở Mới", kind="department"))
    third = masterdata.masterdata_load()
    assert [name for name, r in third.items() if r.changed] == ["agencies"]


@pytest.mark.django_db
def test_reference_values_for_ingestion(storage, science, small_units):
    with pytest.raises(DomainError):
        masterdata.reference_values("communes")  # not loaded yet: said, not an empty set
    masterdata.masterdata_load()
    assert masterdata.reference_values("ethnic_groups") == frozenset(f"{n:02d}" for n in range(1, 55))
    assert {"10507", "11311", "11953"} <= masterdata.reference_values("communes")
    # every current province the platform holds (the suite may hold more than the fixture's Hai Phong)
    provinces = AdminUnit.objects.filter(generation=AdminUnit.Generation.CURRENT, level=AdminUnit.Level.PROVINCE)
    assert "31" in masterdata.reference_values("provinces")
    assert masterdata.reference_values("provinces") == frozenset(provinces.values_list("code", flat=True))
    assert "VN" in masterdata.reference_values("nationalities")
    assert {"0", "01", "96"} <= masterdata.reference_values("occupations")
    assert "000.00.06.H31" in masterdata.reference_values("agencies")
    with pytest.raises(DomainError):
        masterdata.reference_values("planets")
    # reloaded with a new agency (as another process would): the new version is read, not the cached one
    agency_upsert(actor=None, data=AgencyData(code="000.00.98.H31", name="Sở Khác", kind="department"))
    masterdata.masterdata_load()
    assert "000.00.98.H31" in masterdata.reference_values("agencies")


@pytest.mark.django_db
def test_the_owner(storage, hai_phong, settings):
    assert masterdata.masterdata_owner().code == "000.00.00.H31"  # without a department: the People's Committee
    settings.WAREHOUSE_MASTERDATA_OWNER = "000.00.77.H31"
    with pytest.raises(DomainError):
        masterdata.masterdata_owner()
