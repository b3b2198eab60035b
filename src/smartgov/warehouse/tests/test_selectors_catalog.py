"""The catalog's selectors: the policy of docs/warehouse.md for every role × classification × the owner, a granted
and another agency; grants_for agrees with it in few queries; the search; the progress figures."""

import pytest

from smartgov.platform.errors import DomainError, Forbidden
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.platform.testing import search_refuses_quickly
from smartgov.warehouse.models import SharedDatabase, Table
from smartgov.warehouse.selectors import Access, catalog_search, grants_for, progress_figures, table_access
from smartgov.warehouse.services import database_create, table_create

pytestmark = pytest.mark.django_db

CLASSES = ["open", "shared", "restricted", "personal"]
ROLES = ["specialist", "leader", "data_steward"]
PERSONAL = frozenset({"ho_ten", "ngay_sinh"})


def expected(agency: str, role: str, classification: str) -> Access:
    """The policy table of docs/warehouse.md, written out."""
    if agency == "owner":
        return Access(readable=True, personal=role in ("leader", "data_steward"), steward=role == "data_steward")
    if agency == "granted":
        # granted the restricted table (no personal data) and the personal one (with personal data)
        return Access(readable=True, personal=classification == "personal", steward=False)
    return Access(readable=classification in ("open", "shared"), personal=False, steward=False)


@pytest.mark.parametrize("classification", CLASSES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("agency", ["owner", "granted", "other"])
def test_the_policy_matrix(wh, agency, role, classification):
    assert table_access(wh.people[agency][role], wh.tables[classification]) == expected(agency, role, classification)


@pytest.mark.parametrize("classification", CLASSES)
def test_the_platform_administrator_may_do_everything_and_outsiders_nothing(wh, classification):
    table = wh.tables[classification]
    assert table_access(wh.admin, table) == Access(readable=True, personal=True, steward=True)
    for outsider in (wh.citizen, wh.nobody):
        assert table_access(outsider, table) == Access()


@pytest.mark.parametrize("role", ["soc_analyst", "ioc_operator", "catalog_steward"])
def test_a_role_held_across_the_platform_is_not_a_role_in_every_agency(wh, role):
    from django.contrib.auth import get_user_model

    from smartgov.identity.services import role_grant

    holder = get_user_model().objects.create_user(username=f"{role}.kho", kind="staff")
    role_grant(actor=None, user=holder, role=role)
    assert table_access(holder, wh.tables["restricted"]) == Access()
    assert table_access(holder, wh.tables["personal"]) == Access()
    assert table_access(holder, wh.tables["shared"]) == Access(readable=True)


@pytest.mark.parametrize("agency", ["owner", "granted", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_grants_for_agrees_with_table_access(wh, agency, role, django_assert_max_num_queries):
    user = wh.people[agency][role]
    with django_assert_max_num_queries(4):
        granted = grants_for(user)
    found = {table.code: masked for table, masked in granted}
    want = {}
    for classification in CLASSES:
        access = expected(agency, role, classification)
        if access.readable:
            want[f"khai_sinh_{classification}"] = frozenset() if access.personal else PERSONAL
    assert found == want


def test_grants_for_offers_only_tables_with_a_version(wh):
    table_create(actor=None, database=wh.database, code="chua_co", name="Chưa có dữ liệu", classification="open")
    assert "chua_co" not in {t.code for t, _ in grants_for(wh.admin)}
    assert grants_for(wh.citizen) == [] and grants_for(wh.nobody) == []


def test_search_without_diacritics_and_filters(wh):
    user = wh.people["other"]["specialist"]
    table_create(actor=None, database=wh.database, code="ket_hon", name="Đăng ký kết hôn", classification="shared")
    assert [t.code for t in catalog_search(user, "dang ky KET HON")] == ["ket_hon"]
    assert [t.code for t in catalog_search(user, "ho tich ket")] == ["ket_hon"]  # the database's name
    assert {t.code for t in catalog_search(user, "", classification="personal")} == {"khai_sinh_personal"}
    assert catalog_search(user, "", department="000.00.07.H31").count() == 0
    assert catalog_search(user, "", status="planned").count() == 1  # ket_hon: planned by default
    with pytest.raises(DomainError):
        catalog_search(user, "khai " * 50)
    with pytest.raises(Forbidden):
        catalog_search(wh.citizen, "")


def test_the_search_refuses_a_flood_quickly(wh, wh_login):
    client = wh_login(wh.people["other"]["specialist"])
    search_refuses_quickly(client, "/can-bo/kho-du-lieu/", "khai sinh " * 200)
    search_refuses_quickly(client, "/api/v1/warehouse/tables", "khai sinh " * 200)


def test_progress_figures(wh):
    # one more department with a published table in another database, and a department with a planned table only
    health = wh.agencies["granted"]
    construction = wh.agencies["other"]
    agency_upsert(actor=None, data=AgencyData(code="000.00.30.H31", name="Công an thành phố", kind="unit"))
    vaccines = database_create(actor=None, code="tiem_chung", name="Tiêm chủng", owner=health)
    table_create(actor=None, database=vaccines, code="mui_tiem", name="Mũi tiêm", status="published", open_dataset=True)
    table_create(actor=None, database=vaccines, code="lich", name="Lịch tiêm", status="collecting")
    permits = database_create(actor=None, code="giay_phep", name="Giấy phép xây dựng", owner=construction)
    table_create(actor=None, database=permits, code="giay_phep", name="Giấy phép", status="planned")
    database_create(actor=None, code="cu", name="Cũ", owner=construction, status=SharedDatabase.Status.RETIRED)
    Table.objects.filter(code="khai_sinh_open").update(open_dataset=True, rows=10)
    figures = progress_figures()
    assert figures.tables == 5  # four in ho_tich, one in tiem_chung
    assert figures.tables_total == 7
    assert (figures.databases_covered, figures.databases_total) == (2, 3)  # the retired one is not counted
    assert (figures.departments_providing, figures.departments_total) == (2, 3)  # the police is not a department
    assert figures.open_datasets == 2
    assert figures.rows == 10 + 3 * 3
    assert figures.by_status == {"planned": 1, "collecting": 1, "published": 5, "retired": 0}
    assert figures.by_classification["shared"] == 4 and sum(figures.by_classification.values()) == 7
    per = {d.code: d for d in figures.departments}
    assert (per["000.00.09.H31"].published, per["000.00.09.H31"].collecting, per["000.00.09.H31"].databases) == (
        1,
        1,
        1,
    )
    assert per["000.00.07.H31"].planned == 1 and per["000.00.07.H31"].published == 0
    assert figures.departments[0].code == "000.00.04.H31"  # the most published first


def test_progress_figures_take_few_queries(wh, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        progress_figures()
