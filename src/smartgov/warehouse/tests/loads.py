"""Helpers and the fixture ``ops`` (offered by conftest.py) of the ingestion, version and query tests: the
Department of Justice owns ``ho_tich`` (a personal-data table of births with declared columns, and a shared statistics
table without), the Department of Health is another agency; a data steward, an officer and a leader of Justice, an
officer of Health, a platform administrator and a citizen. Runs execute inline (``WAREHOUSE_RUN_INLINE``) on a
storage of the test's own."""

import unicodedata
from types import SimpleNamespace
from typing import Any

import pytest

from smartgov.identity.authz import Role
from smartgov.platform.models import Agency
from smartgov.warehouse.models import Column, SharedDatabase, Table

#: A messy export of a district's birth register: a UTF-8 header and rows, two rows pasted from an old Windows-1258
#: file, a row with a field too many, a date that does not exist, a weight that is no number, a duplicated
#: certificate number, a missing name.
MESSY_ROWS = [
    ("so_giay", "ho_ten", "ngay_sinh", "can_nang", "phuong"),
    ("KS-001", "Nguyễn Văn An", "03/01/2025", "3200", "Lê Chân"),
    ("KS-002", "Trần Thị Bình", "15/02/2025", "2950", "Ngô Quyền"),
    ("KS-003", "Phạm Đức Cường", "31/02/2025", "3100", "Hồng Bàng"),  # 31 February
    ("KS-004", "Lê Thị Dung", "20/03/2025", "ba cân", "Lê Chân"),  # not a number
    ("KS-002", "Vũ Văn Em", "21/03/2025", "3050", "Kiến An"),  # certificate number again
    ("KS-006", "", "22/03/2025", "3300", "Lê Chân"),  # no name
    ("KS-007", "Hoàng Thị Giang", "23/03/2025", "3150", "Lê Chân"),
]

#: The combining tone marks Windows-1258 writes after a letter.
TONES = "\u0300\u0301\u0303\u0309\u0323"


def messy_csv() -> bytes:
    lines = []
    for number, row in enumerate(MESSY_ROWS):
        line = ",".join(row) + "\r\n"
        # rows 2 and 7 (1-based data rows) as an old Excel wrote them
        lines.append(windows_1258(line) if number in (2, 7) else line.encode())
    lines.insert(4, "KS-099,Đỗ Hữu Thừa,01/01/2025,3000,Lê Chân,thừa\r\n".encode())  # a field too many (data row 4)
    return b"".join(lines)


def windows_1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes it: letters with a tone as the base letter (â, ơ, ư… are in the code page)
    followed by a combining tone mark."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


@pytest.fixture
def ops(db: Any, settings: Any, tmp_path: Any, identity_factories: Any, grant_role: Any) -> SimpleNamespace:
    settings.WAREHOUSE_STORAGE_URL = (tmp_path / "warehouse").as_uri()
    settings.WAREHOUSE_RUN_INLINE = True
    justice = Agency.objects.create(code="000.00.04.H31", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    health = Agency.objects.create(code="000.00.05.H31", name="Sở Y tế", kind=Agency.Kind.DEPARTMENT)
    people = SimpleNamespace(
        steward=identity_factories.Staff(username="quanly.tuphap"),
        officer=identity_factories.Staff(username="chuyenvien.tuphap"),
        leader=identity_factories.Staff(username="lanhdao.tuphap"),
        outsider=identity_factories.Staff(username="chuyenvien.yte"),
        admin=identity_factories.Staff(username="quantri"),
        citizen=identity_factories.Citizen(),
    )
    grant_role(people.steward, Role.DATA_STEWARD, justice)
    grant_role(people.officer, Role.SPECIALIST, justice)
    grant_role(people.leader, Role.LEADER, justice)
    grant_role(people.outsider, Role.SPECIALIST, health)
    grant_role(people.admin, Role.PLATFORM_ADMIN)
    database = SharedDatabase.objects.create(code="ho_tich", name="Cơ sở dữ liệu hộ tịch", owner=justice)
    births = Table.objects.create(
        database=database,
        code="khai_sinh",
        name="Đăng ký khai sinh",
        owner=justice,
        steward=people.steward,
        classification=Table.Classification.PERSONAL,
    )
    declared: list[tuple[str, str, dict[str, Any]]] = [
        ("so_giay", "text", {"required": True, "unique": True}),
        ("ho_ten", "text", {"required": True, "personal": True}),
        ("ngay_sinh", "date", {"required": True}),
        ("can_nang", "integer", {"minimum": 500, "maximum": 7000}),
        ("phuong", "text", {}),
    ]
    for position, (name, kind, rules) in enumerate(declared, start=1):
        Column.objects.create(table=births, position=position, name=name, type=kind, **rules)
    statistics = Table.objects.create(
        database=database,
        code="thong_ke",
        name="Thống kê khai sinh theo phường",
        owner=justice,
        classification=Table.Classification.SHARED,
    )
    return SimpleNamespace(
        justice=justice, health=health, database=database, births=births, statistics=statistics, **people.__dict__
    )


def browser_of(user: Any) -> Any:
    """Django's test client signed in as ``user``, second factor passed (as a civil servant's browser)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)[0].persistent_id
    session.save()
    return client


def bearer_of(user: Any, scope: str) -> Any:
    """Django's test client with an access token of ``user`` holding ``scope`` (a third-party system)."""
    import uuid
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, get_application_model

    app, _created = get_application_model().objects.get_or_create(
        client_id="kho-du-lieu-tests",
        defaults={"name": "Hệ thống báo cáo", "client_type": "confidential",
                  "authorization_grant_type": "client-credentials", "algorithm": "RS256"},
    )  # fmt: skip
    token = f"tok-{uuid.uuid4().hex}"
    get_access_token_model().objects.create(
        user=user, application=app, token=token, scope=scope, expires=timezone.now() + timedelta(minutes=5)
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
