"""Administrative units: the official data loads completely; old→new lookups; search without diacritics."""

from collections import Counter

import pytest

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AdminUnit, AdminUnitSuccession, AuditEntry
from smartgov.platform.selectors.units import (
    legacy_units_without_successor,
    unit_counts,
    unit_predecessors,
    unit_search,
    unit_successors,
)
from smartgov.platform.services.units import units_load, units_succession_review

pytestmark = pytest.mark.django_db
CURRENT, LEGACY = AdminUnit.Generation.CURRENT, AdminUnit.Generation.LEGACY


def test_current_generation_34_provinces_3321_communes(loaded_units):
    current = AdminUnit.objects.filter(generation=CURRENT)
    assert current.filter(level=1).count() == 34
    communes = current.filter(level=3)
    assert communes.count() == 3321
    assert Counter(communes.values_list("kind", flat=True)) == {"commune": 2621, "ward": 687, "special_zone": 13}
    assert not current.filter(level=2).exists(), "no district level after 1 July 2025"


def test_hai_phong_has_114_units(loaded_units):
    assert unit_counts(province_code="31") == {"commune": 67, "special_zone": 2, "ward": 45}
    zones = AdminUnit.objects.filter(generation=CURRENT, parent__code="31", kind="special_zone")
    assert sorted(zones.values_list("name", flat=True)) == ["Đặc khu Bạch Long Vĩ", "Đặc khu Cát Hải"]


def test_legacy_generation_and_both_old_provinces_lead_to_hai_phong(loaded_units):
    legacy = AdminUnit.objects.filter(generation=LEGACY)
    assert (legacy.filter(level=1).count(), legacy.filter(level=2).count(), legacy.filter(level=3).count()) == (
        63,
        696,
        10051,
    )
    old_provinces = set(
        AdminUnitSuccession.objects.filter(successor__parent__code="31", successor__generation=CURRENT).values_list(
            "predecessor__parent__parent__code", flat=True
        )
    )
    assert old_provinces == {"30", "31"}  # old Hai Duong and old Hai Phong
    assert [e.successor.code for e in unit_successors(code="30", level=1)] == ["31"]
    assert [e.successor.code for e in unit_successors(code="31", level=1)] == ["31"]


def test_split_units_are_flagged_for_review(loaded_units):
    partial = AdminUnitSuccession.objects.filter(is_partial=True)
    assert partial.values("predecessor").distinct().count() == 573
    assert partial.count() == 1105
    assert not partial.filter(needs_review=False).exists()
    assert not AdminUnitSuccession.objects.filter(is_partial=False, needs_review=True).exists()
    assert legacy_units_without_successor().count() == 28


def test_hai_duong_ward_lookup(loaded_units):
    (edge,) = unit_successors(code="10507")
    assert edge.predecessor.name == "Phường Cẩm Thượng"
    assert edge.predecessor.parent.parent.name == "Tỉnh Hải Dương"
    assert (edge.successor.name, edge.successor.code, edge.successor.parent.code) == (
        "Phường Thành Đông",
        "10507",
        "31",
    )
    assert not edge.is_partial


def test_split_hai_duong_ward_has_several_flagged_successors(loaded_units):
    edges = unit_successors(code="10528")  # Phường Trần Phú, Hải Dương city
    assert edges[0].predecessor.name == "Phường Trần Phú"
    assert sorted(e.successor.name for e in edges) == ["Phường Lê Thanh Nghị", "Phường Tân Hưng"]
    assert all(e.is_partial and e.needs_review for e in edges)
    assert unit_successors(code="99999") is None


def test_predecessors_of_a_current_ward(loaded_units):
    names = {e.predecessor.name for e in unit_predecessors(code="10507")}
    assert "Phường Cẩm Thượng" in names


@pytest.mark.parametrize("query", ["thanh dong", "Thành Đông", "THANH ĐÔNG", "Phường Thành Đông", "phuong thanh dong"])
def test_search_with_or_without_diacritics(loaded_units, query):
    found = list(unit_search(query=query, generation=CURRENT, parent_code="31"))
    assert found[0].name == "Phường Thành Đông"


def test_second_load_changes_nothing_and_keeps_reviews(loaded_units):
    edge = AdminUnitSuccession.objects.filter(needs_review=True).first()
    units_succession_review(actor=None, succession_id=edge.pk, note="Theo địa chỉ thường trú")
    audits = AuditEntry.objects.count()
    report = units_load()
    assert report.changed == 0
    assert AuditEntry.objects.count() == audits
    edge.refresh_from_db()
    assert edge.needs_review is False
    with pytest.raises(DomainError):
        units_succession_review(actor=None, succession_id=edge.pk)


def test_api_search_and_lookup(client, loaded_units):
    found = client.get("/api/v1/platform/units", {"q": "cat hai", "generation": "2025"}).json()
    assert found[0]["name"] == "Đặc khu Cát Hải"
    assert found[0]["parent_code"] == "31"
    edges = client.get("/api/v1/platform/units/legacy/10528/successors").json()
    assert {e["successor"]["name"] for e in edges} == {"Phường Lê Thanh Nghị", "Phường Tân Hưng"}
    assert all(e["needs_review"] for e in edges)
    assert client.get("/api/v1/platform/units/2025/31").json()["name"] == "Thành phố Hải Phòng"
    preds = client.get("/api/v1/platform/units/2025/10507/predecessors").json()
    assert "Phường Cẩm Thượng" in {e["predecessor"]["name"] for e in preds}


def test_api_errors(client, small_units):
    missing = client.get("/api/v1/platform/units/legacy/00000/successors")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/platform/units", {"limit": 1000}).status_code == 422
    assert client.get("/api/v1/platform/units/1999/31").status_code == 422


def test_pages(client, small_units):
    listing = client.get("/don-vi-hanh-chinh/", {"q": "thanh dong"})
    assert listing.status_code == 200
    assert "Phường Thành Đông" in listing.text
    lookup = client.get("/don-vi-hanh-chinh/tra-cuu/", {"q": "cam thuong"})
    assert lookup.status_code == 200
    assert "Phường Cẩm Thượng" in lookup.text and "Phường Thành Đông" in lookup.text
    nothing = client.get("/don-vi-hanh-chinh/tra-cuu/", {"q": "khong ton tai"})
    assert nothing.status_code == 200
    assert "khong ton tai" in nothing.text
    detail = client.get("/don-vi-hanh-chinh/legacy/10507/")
    assert detail.status_code == 200 and "Phường Thành Đông" in detail.text
    assert client.get("/don-vi-hanh-chinh/2025/10507/").status_code == 200
    assert client.get("/don-vi-hanh-chinh/nam/10507/").status_code == 404
    assert client.get("/don-vi-hanh-chinh/2025/00000/").status_code == 404


def test_split_lookup_page_warns(client, loaded_units):
    page = client.get("/don-vi-hanh-chinh/tra-cuu/", {"q": "10528"})
    assert "Phường Lê Thanh Nghị" in page.text
    assert "notice" in page.text  # the split warning
