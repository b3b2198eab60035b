"""The catalog's services: who may, what is refused as bad input, the audit rows and the events."""

import pytest
from django.utils import translation

from smartgov.platform.errors import Conflict, DomainError, Forbidden
from smartgov.platform.models import AuditEntry, OutboxEvent
from smartgov.warehouse.models import Column, Table, TableGrant
from smartgov.warehouse.services import (
    database_create,
    database_update,
    grant_add,
    grant_remove,
    table_create,
    table_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the platform answers in Vietnamese by default)."""
    with translation.override("en"):
        yield


def test_a_steward_of_the_owner_creates_a_table_with_its_columns_audited_and_published(wh):
    steward = wh.people["owner"]["data_steward"]
    table = table_create(
        actor=steward,
        database=wh.database,
        code="khai_tu",
        name="Đăng ký khai tử",
        classification="personal",
        columns=[{"name": "so_dang_ky", "type": "text", "required": True}, {"name": "ho_ten", "personal": True}],
    )
    assert [(c.position, c.name, c.type, c.personal) for c in table.columns.order_by("position")] == [
        (1, "so_dang_ky", "text", False),
        (2, "ho_ten", "text", True),
    ]
    entry = AuditEntry.objects.get(action="warehouse.table.create", object_id=str(table.pk))
    assert entry.actor_id == steward.pk and entry.changes["columns"] == [None, ["so_dang_ky", "ho_ten"]]
    event = OutboxEvent.objects.get(topic="warehouse.table.created", aggregate_id=str(table.pk))
    assert event.payload["name"] == "ho_tich.khai_tu" and event.payload["owner"] == "000.00.04.H31"


@pytest.mark.parametrize(
    ("agency", "role"),
    [("owner", "specialist"), ("owner", "leader"), ("other", "data_steward"), ("granted", "data_steward")],
)
def test_only_the_owners_stewards_write_the_catalog(wh, agency, role):
    actor = wh.people[agency][role]
    table = wh.tables["shared"]
    with pytest.raises(Forbidden):
        table_create(actor=actor, database=wh.database, code="moi", name="Mới")
    with pytest.raises(Forbidden):
        table_update(actor=actor, table=table, name="Đổi tên")
    with pytest.raises(Forbidden):
        grant_add(actor=actor, table=table, agency=wh.agencies["other"], purpose="Thử")
    with pytest.raises(Forbidden):
        database_create(actor=actor, code="moi", name="Mới", owner=wh.agencies["owner"])
    assert Table.objects.filter(code="moi").count() == 0


def test_a_steward_cannot_hand_a_table_to_an_agency_they_do_not_steward(wh):
    with pytest.raises(Forbidden):
        table_update(actor=wh.people["owner"]["data_steward"], table=wh.tables["open"], owner=wh.agencies["other"])
    assert table_update(actor=wh.admin, table=wh.tables["open"], owner=wh.agencies["other"]) == {
        "owner": [wh.agencies["owner"].pk, wh.agencies["other"].pk]
    }


def test_nobody_without_a_role_and_a_citizen_are_refused(wh):
    for actor in (wh.citizen, wh.nobody):
        with pytest.raises(Forbidden):
            database_update(actor=actor, database=wh.database, name="X")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([{"name": "Ho Ten"}], "lower-case"),
        ([{"name": "họ_tên"}], "lower-case"),
        ([{"name": "a"}, {"name": "a"}], "twice"),
        ([{"name": "a", "type": "money"}], "unknown type"),
        ([{"name": "a", "type": "integer", "minimum": 10, "maximum": 1}], "minimum is above"),
        ([{"name": "a", "minimum": "nan"}], "finite"),
        ([{"name": "a", "maximum": "1e999"}], "finite"),
        ([{"name": "a", "minimum": "abc"}], "number"),
        ([{"name": "a", "pattern": "([0-9]"}], "regular expression"),
        ([{"name": "a", "reference": "Xã phường"}], "code"),
        ([{"name": "a", "personal": "yes"}], "true or false"),
        ([{"name": "a", "colour": "red"}], "unknown keys"),
        (["a"], "not an object"),
        ([{"name": f"c{i}"} for i in range(1001)], "at most"),
    ],
)
def test_bad_columns_are_refused_with_a_message(wh, columns, message):
    steward = wh.people["owner"]["data_steward"]
    with pytest.raises(DomainError, match=message):
        table_create(actor=steward, database=wh.database, code="sai", name="Sai", columns=columns)
    with pytest.raises(DomainError, match=message):
        table_update(actor=steward, table=wh.tables["open"], columns=columns)
    assert not Table.objects.filter(code="sai").exists()
    assert wh.tables["open"].columns.count() == 4


def test_a_reference_is_any_master_data_code_for_now(wh):
    table = table_create(
        actor=None, database=wh.database, code="ref", name="Ref", columns=[{"name": "ma_xa", "reference": "communes"}]
    )
    assert table.columns.get().reference == "communes"


def test_bad_table_fields_are_refused(wh):
    steward = wh.people["owner"]["data_steward"]
    with pytest.raises(DomainError):
        table_create(actor=steward, database=wh.database, code="Bad-Code", name="X")
    with pytest.raises(DomainError):
        table_create(actor=steward, database=wh.database, code="ok", name="X", classification="secret")
    with pytest.raises(DomainError, match="Unknown fields"):
        table_create(actor=steward, database=wh.database, code="ok", name="X", rows=5)
    with pytest.raises(DomainError):
        table_update(actor=steward, table=wh.tables["open"], frequency="hourly")
    with pytest.raises(DomainError):
        database_create(actor=steward, code="1abc", name="X", owner=wh.agencies["owner"])


def test_codes_are_unique(wh):
    with pytest.raises(Conflict):
        table_create(actor=None, database=wh.database, code="khai_sinh_open", name="Trùng")
    with pytest.raises(Conflict):
        database_create(actor=None, code="ho_tich", name="Trùng", owner=wh.agencies["owner"])


def test_an_update_audits_and_publishes_only_a_real_change(wh):
    steward = wh.people["owner"]["data_steward"]
    table = wh.tables["shared"]
    before = OutboxEvent.objects.filter(topic="warehouse.table.updated").count()
    assert table_update(actor=steward, table=table, name=table.name) == {}
    assert OutboxEvent.objects.filter(topic="warehouse.table.updated").count() == before
    changes = table_update(
        actor=steward, table=table, description="Mới", columns=[{"name": "so_dang_ky"}, {"name": "ghi_chu"}]
    )
    assert set(changes) == {"description", "columns"}
    assert [c["name"] for c in changes["columns"][1]] == ["so_dang_ky", "ghi_chu"]
    assert list(Column.objects.filter(table=table).values_list("name", flat=True)) == ["so_dang_ky", "ghi_chu"]
    event = OutboxEvent.objects.filter(topic="warehouse.table.updated").latest("occurred_at")
    assert event.payload["fields"] == ["columns", "description"]
    assert AuditEntry.objects.filter(action="warehouse.table.update", object_id=str(table.pk)).count() == 1


def test_grants_are_added_once_and_removed(wh):
    steward = wh.people["owner"]["data_steward"]
    table = wh.tables["restricted"]
    grant = grant_add(actor=steward, table=table, agency=wh.agencies["other"], purpose="Cấp phép xây dựng")
    with pytest.raises(Conflict):
        grant_add(actor=steward, table=table, agency=wh.agencies["other"], purpose="Lần nữa")
    with pytest.raises(DomainError):
        grant_add(actor=steward, table=table, agency=wh.agencies["owner"], purpose="Chính mình")
    with pytest.raises(DomainError):
        grant_add(actor=steward, table=table, agency=wh.agencies["other"], purpose="   ")
    with pytest.raises(Forbidden):
        grant_remove(actor=wh.people["other"]["data_steward"], grant=grant)
    grant_remove(actor=steward, grant=grant)
    assert not TableGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action__in=["warehouse.grant.add", "warehouse.grant.remove"]).count() >= 2
