"""Citizens and businesses register themselves; bad identifiers and duplicates are refused clearly."""

import pytest
from django.contrib.auth import get_user_model

from smartgov.platform.models import AuditEntry, OutboxEvent

pytestmark = pytest.mark.django_db
GOOD = {
    "kind": "citizen",
    "identifier": "031 195 001 234",
    "full_name": "Nguyễn Thị Mai",
    "birth_date": "1995-03-02",
    "email": "mai@example.vn",
    "phone": "0912345678",
    "password": "Hai-Phong-2026!",
    "password_again": "Hai-Phong-2026!",
}


def test_citizen_registers_and_is_signed_in(client):
    response = client.post("/dang-ky/", GOOD)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="031195001234")
    assert (user.personal_id, user.kind, user.full_name) == ("031195001234", "citizen", "Nguyễn Thị Mai")
    assert user.check_password("Hai-Phong-2026!")
    assert client.session["_auth_user_id"] == str(user.pk)
    entry = AuditEntry.objects.get(action="identity.account.register")
    assert entry.object_repr == "031*******34"
    assert "Hai-Phong" not in str(entry.changes)
    assert OutboxEvent.objects.filter(topic="identity.account.registered").exists()


def test_business_registers_with_its_tax_code(client):
    data = {**GOOD, "kind": "business", "identifier": "0200123457", "birth_date": "", "full_name": "Công ty Cảng Xanh"}
    assert client.post("/dang-ky/", data).status_code == 302
    assert get_user_model().objects.get(username="0200123457").tax_code == "0200123457"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"identifier": "0311950012"}, "identifier", "12 chữ số"),
        ({"identifier": "003195001234"}, "identifier", "mã tỉnh"),
        ({"birth_date": "1996-03-02"}, "identifier", "năm sinh 1995"),
        ({"birth_date": ""}, "birth_date", "ngày sinh"),
        ({"kind": "business", "identifier": "0200123458"}, "identifier", "Mã số thuế không hợp lệ"),
        ({"phone": "12345"}, "phone", "số điện thoại"),
        ({"password_again": "something-else-1"}, "password_again", "không khớp"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "mật khẩu"),
    ],
)
def test_bad_input_is_explained_in_vietnamese_and_nothing_created(client, change, field, message):
    response = client.post("/dang-ky/", {**GOOD, **change})
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not get_user_model().objects.exists()


def test_second_registration_with_the_same_identifier_is_refused(client):
    client.post("/dang-ky/", GOOD)
    client.logout()
    again = client.post("/dang-ky/", {**GOOD, "full_name": "Kẻ giả mạo"})
    assert again.status_code == 400
    assert "đã tồn tại" in again.content.decode()
    assert get_user_model().objects.get().full_name == "Nguyễn Thị Mai"


def test_personal_ids_never_reach_logs_security_events_or_the_audit_log(client, caplog):
    import json
    import logging

    from smartgov.identity.models import SecurityEvent
    from smartgov.platform.models import AuditEntry

    caplog.set_level(logging.DEBUG)
    number = GOOD["identifier"]
    client.post("/dang-ky/", GOOD)
    client.post("/dang-xuat/")
    client.post("/dang-nhap/", {"username": number, "password": "wrong-password"})
    signed_in = client.post("/dang-nhap/", {"username": number, "password": GOOD["password"]})
    assert signed_in.status_code == 302  # the number as people type it, with spaces
    client.post("/quen-mat-khau/", {"identifier": number})
    client.get("/tai-khoan/du-lieu-cua-toi/")
    assert SecurityEvent.objects.count() >= 3 and AuditEntry.objects.exists()
    logged = "\n".join(record.getMessage() + json.dumps(record.__dict__, default=str) for record in caplog.records)
    assert number not in logged
    events = json.dumps(list(SecurityEvent.objects.values("username", "details")), default=str)
    assert number not in events
    audit = json.dumps(list(AuditEntry.objects.values("object_repr", "changes", "actor_label")), default=str)
    assert number not in audit
