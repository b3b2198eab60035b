"""Fixtures of the open data portal's tests: two departments, their people, themes, and datasets of each kind
(public, private, draft), plus access tokens for the CKAN API."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartgov.identity.services import role_grant
from smartgov.opendata.services import dataset_create, group_create
from smartgov.platform.services.org import AgencyData, agency_upsert


@pytest.fixture
def od_token() -> Callable[..., str]:
    """``od_token(user, scope="opendata.read opendata.write")``: a valid access token of ``user`` with ``scope``."""
    from oauth2_provider.models import get_access_token_model

    counter = iter(range(10**6))

    def make(user: Any, scope: str = "opendata.read opendata.write", *, expired: bool = False) -> str:
        value = f"od-{user.pk}-{next(counter)}-{scope.replace(' ', '+')}"
        hours = -1 if expired else 1
        get_access_token_model().objects.create(
            user=user, token=value, scope=scope, expires=timezone.now() + timedelta(hours=hours)
        )
        return value

    return make


@pytest.fixture
def od(db: Any) -> SimpleNamespace:
    """``health`` (Sở Y tế, 000.00.09.H31) and ``education`` (Sở Giáo dục và Đào tạo, 000.00.10.H31); ``steward``,
    ``specialist`` of health, ``other_steward`` of education, ``admin`` (platform), ``citizen``; themes ``y-te`` and
    ``giao-duc``; datasets ``co-so-y-te`` (public, "Danh sách cơ sở y tế", with a CSV resource), ``ho-so-y-te``
    (public, "Thống kê hồ sơ khám chữa bệnh"), ``truong-hoc`` (education, public), ``noi-bo`` (health, private) and
    ``nhap`` (health, draft)."""
    health, _ = agency_upsert(actor=None, data=AgencyData(code="000.00.09.H31", name="Sở Y tế", kind="department"))
    education, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.10.H31", name="Sở Giáo dục và Đào tạo", kind="department")
    )
    users = get_user_model().objects
    steward = users.create_user(username="dulieu.syt", kind="staff", full_name="Nguyễn Thị Dữ Liệu")
    role_grant(actor=None, user=steward, role="data_steward", agency=health)
    specialist = users.create_user(username="chuyenvien.syt", kind="staff")
    role_grant(actor=None, user=specialist, role="specialist", agency=health)
    other_steward = users.create_user(username="dulieu.sgd", kind="staff")
    role_grant(actor=None, user=other_steward, role="data_steward", agency=education)
    admin = users.create_user(username="quantri.od", kind="staff")
    role_grant(actor=None, user=admin, role="platform_admin")
    citizen = users.create_user(username="031195008888", kind="citizen", personal_id="031195008888")
    y_te = group_create(actor=None, name="y-te", title="Y tế")
    giao_duc = group_create(actor=None, name="giao-duc", title="Giáo dục")
    datasets = {
        "public": dataset_create(
            actor=None,
            values={
                "name": "co-so-y-te",
                "title": "Danh sách cơ sở y tế",
                "notes": "Bệnh viện, trạm y tế xã, phòng khám trên địa bàn thành phố Hải Phòng.",
                "owner_org": health.code,
                "tags": [{"name": "y tế"}, {"name": "bệnh viện"}],
                "groups": [{"name": "y-te"}],
                "extras": [{"key": "nguồn", "value": "Sở Y tế"}],
                "frequency": "monthly",
                "resources": [{"name": "Danh sách", "url": "https://dulieu.haiphong.gov.vn/co-so-y-te.csv"}],
            },
        ),
        "dossiers": dataset_create(
            actor=None,
            values={
                "name": "ho-so-y-te",
                "title": "Thống kê hồ sơ khám chữa bệnh",
                "owner_org": health.code,
                "license_id": "CC0-1.0",
                "resources": [{"name": "Bảng", "url": "https://dulieu.haiphong.gov.vn/ho-so.json", "format": "JSON"}],
            },
        ),
        "schools": dataset_create(
            actor=None,
            values={
                "name": "truong-hoc",
                "title": "Danh sách trường học",
                "owner_org": education.code,
                "tags": [{"name": "trường học"}],
                "groups": [{"name": "giao-duc"}],
            },
        ),
        "private": dataset_create(
            actor=None,
            values={"name": "noi-bo", "title": "Dữ liệu nội bộ", "owner_org": health.code, "private": True},
        ),
        "draft": dataset_create(
            actor=None, values={"name": "nhap", "title": "Bản nháp", "owner_org": health.code, "state": "draft"}
        ),
    }
    return SimpleNamespace(
        health=health,
        education=education,
        steward=steward,
        specialist=specialist,
        other_steward=other_steward,
        admin=admin,
        citizen=citizen,
        groups={"y-te": y_te, "giao-duc": giao_duc},
        datasets=datasets,
    )
