"""Fixtures of the warehouse's tests: three departments (the owner of the tables, one granted, one not), their
people with roles, and one table of each classification owned by the first, with a personal-data column."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from smartgov.identity.services import role_grant
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.warehouse.models import Table
from smartgov.warehouse.services import database_create, grant_add, table_create

COLUMNS = [
    {"name": "so_dang_ky", "type": "text", "required": True, "unique": True},
    {"name": "ho_ten", "type": "text", "personal": True},
    {"name": "ngay_sinh", "type": "date", "personal": True},
    {"name": "ma_xa", "type": "text", "reference": "communes"},
]


@pytest.fixture
def wh(db):
    """``owner`` (Sở Tư pháp) keeps ``tables[classification]``; ``granted`` (Sở Y tế) is granted the restricted and
    personal ones (personal data on the personal one); ``other`` (Sở Xây dựng) is not. ``people`` holds, per agency,
    a specialist, a leader and a data steward; plus a platform administrator, a citizen and staff without a role."""
    agencies = {}
    for key, code, name in (
        ("owner", "000.00.04.H31", "Sở Tư pháp"),
        ("granted", "000.00.09.H31", "Sở Y tế"),
        ("other", "000.00.07.H31", "Sở Xây dựng"),
    ):
        agencies[key], _ = agency_upsert(actor=None, data=AgencyData(code=code, name=name, kind="department"))
    users = get_user_model().objects
    people: dict[str, dict[str, object]] = {}
    for key, agency in agencies.items():
        people[key] = {}
        for role in ("specialist", "leader", "data_steward"):
            user = users.create_user(username=f"{role}.{key}", kind="staff", full_name=f"{role} {key}")
            role_grant(actor=None, user=user, role=role, agency=agency)
            people[key][role] = user
    admin = users.create_user(username="quantri.kho", kind="staff")
    role_grant(actor=None, user=admin, role="platform_admin")
    citizen = users.create_user(username="031195009999", kind="citizen", personal_id="031195009999")
    nobody = users.create_user(username="canbo.khong", kind="staff")
    database = database_create(actor=None, code="ho_tich", name="Cơ sở dữ liệu hộ tịch", owner=agencies["owner"])
    tables = {}
    for classification in Table.Classification.values:
        table = table_create(
            actor=None,
            database=database,
            code=f"khai_sinh_{classification}",
            name=f"Khai sinh ({classification})",
            description="Đăng ký khai sinh trên địa bàn thành phố",
            classification=classification,
            status=Table.Status.PUBLISHED,
            columns=COLUMNS,
        )
        Table.objects.filter(pk=table.pk).update(current_version=0, rows=3)
        table.refresh_from_db()
        tables[classification] = table
    grant_add(actor=None, table=tables["restricted"], agency=agencies["granted"], purpose="Khám chữa bệnh")
    grant_add(actor=None, table=tables["personal"], agency=agencies["granted"], purpose="Tiêm chủng", personal=True)
    return SimpleNamespace(
        agencies=agencies,
        people=people,
        admin=admin,
        citizen=citizen,
        nobody=nobody,
        database=database,
        tables=tables,
    )


@pytest.fixture
def wh_login():
    """``wh_login(user)``: a browser signed in as ``user`` (a civil servant past the second factor)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(user: object) -> Client:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        if getattr(user, "kind", "") == "staff":
            session = client.session
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return login
