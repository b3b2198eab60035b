"""Locality, agencies and positions: services, API and pages."""

import pytest
from django.contrib.auth import get_user_model

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency, AuditEntry, OutboxEvent
from smartgov.platform.selectors.org import locality_get
from smartgov.platform.services.org import AgencyData, agency_upsert, locality_set, position_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(small_units):
    return small_units["hai_phong"]


@pytest.fixture
def city_committee(province):
    agency, _ = agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.00.00.H31",
            name="Ủy ban nhân dân thành phố Hải Phòng",
            kind="peoples_committee",
            admin_unit=province,
        ),
    )
    return agency


def test_agency_create_writes_audit_and_event(city_committee):
    agency, changed = agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department", parent_code="000.00.00.H31"),
    )
    assert changed
    assert agency.parent == city_committee
    assert agency.search_name == "so tu phap"
    entry = AuditEntry.objects.filter(action="platform.agency.create", object_id=str(agency.pk)).get()
    assert entry.changes["name"] == [None, "Sở Tư pháp"]
    assert OutboxEvent.objects.filter(topic="platform.agency.created", aggregate_id=str(agency.pk)).exists()


def test_agency_upsert_again_changes_nothing(city_committee):
    data = AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department", parent_code="000.00.00.H31")
    agency_upsert(actor=None, data=data)
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    _agency, changed = agency_upsert(actor=None, data=data)
    assert not changed
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (audits, events)


def test_agency_update_records_the_difference(city_committee):
    data = AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department")
    agency, _ = agency_upsert(actor=None, data=data)
    agency_upsert(
        actor=None, data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department", phone="0225 3842 000")
    )
    entry = AuditEntry.objects.filter(action="platform.agency.update").get()
    assert entry.changes == {"phone": ["", "0225 3842 000"]}
    agency.refresh_from_db()
    assert agency.phone == "0225 3842 000"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (AgencyData(code="", name="Sở X", kind="department"), DomainError),
        (AgencyData(code="000.00.99.H31", name="Sở X", kind="ministry"), DomainError),
        (AgencyData(code="000.00.99.H31", name="Sở X", kind="department", parent_code="nope"), NotFound),
    ],
)
def test_agency_bad_input_is_refused_and_nothing_written(city_committee, data, error):
    count = Agency.objects.count()
    with pytest.raises(error):
        agency_upsert(actor=None, data=data)
    assert Agency.objects.count() == count


def test_locality_must_be_a_current_province(small_units):
    ward = small_units["thanh_dong"]
    with pytest.raises(DomainError):
        locality_set(actor=None, province=ward, name="x", name_en="x", agency_id_suffix="H31", portal_name="x")


def test_locality_set_is_single_and_cached(province):
    locality, changed = locality_set(
        actor=None,
        province=province,
        name="Thành phố Hải Phòng",
        name_en="Hai Phong City",
        agency_id_suffix="H31",
        portal_name="Cổng DVC",
    )
    assert changed
    assert locality_get() == locality
    _again, changed = locality_set(
        actor=None,
        province=province,
        name="Thành phố Hải Phòng",
        name_en="Hai Phong City",
        agency_id_suffix="H31",
        portal_name="Cổng DVC",
    )
    assert not changed
    locality_set(
        actor=None,
        province=province,
        name="Thành phố Hải Phòng",
        name_en="Hai Phong City",
        agency_id_suffix="H31",
        portal_name="Cổng Dịch vụ công",
    )
    assert locality_get().portal_name == "Cổng Dịch vụ công"


def test_position_assign_is_idempotent(city_committee):
    user = get_user_model().objects.create_user(username="lanhdao", password="x-very-long-pass", kind="staff")
    position, created = position_assign(
        actor=None, user=user, agency=city_committee, title="Phó Chủ tịch", is_leader=True
    )
    assert created and position.is_leader
    _position, changed = position_assign(
        actor=None, user=user, agency=city_committee, title="Phó Chủ tịch", is_leader=True
    )
    assert not changed
    with pytest.raises(DomainError):
        position_assign(actor=None, user=user, agency=city_committee, title="  ")


def test_agency_api_lists_and_searches_without_diacritics(client, city_committee):
    agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department", parent_code="000.00.00.H31"),
    )
    body = client.get("/api/v1/platform/agencies", {"q": "so tu phap"}).json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == "000.00.04.H31"
    assert body["items"][0]["parent_code"] == "000.00.00.H31"
    detail = client.get("/api/v1/platform/agencies/000.00.00.H31").json()
    assert detail["admin_unit_code"] == "31"


def test_agency_api_errors_are_problem_details(client, city_committee):
    missing = client.get("/api/v1/platform/agencies/000.00.77.H31")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert "000.00.77.H31" in missing.json()["title"]
    bad = client.get("/api/v1/platform/agencies", {"limit": 5000})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"


def test_agency_pages(client, city_committee):
    agency_upsert(
        actor=None,
        data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department", parent_code="000.00.00.H31"),
    )
    listing = client.get("/co-quan/", {"q": "tu phap"})
    assert listing.status_code == 200
    assert "Sở Tư pháp" in listing.text
    assert "Ủy ban nhân dân thành phố Hải Phòng" not in listing.text
    detail = client.get("/co-quan/000.00.00.H31/")
    assert detail.status_code == 200
    assert "Sở Tư pháp" in detail.text  # children listed
    assert client.get("/co-quan/nope/").status_code == 404
    assert client.get("/co-quan/", {"kind": "<script>", "page": "x"}).status_code == 200
