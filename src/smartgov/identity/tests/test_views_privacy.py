"""Personal data: consents per purpose, the person's copy of their data, correction and deletion requests
handled by data stewards, and the log of staff looking at someone's data."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_application_model

from smartgov.identity.domain.privacy import PURPOSES
from smartgov.identity.models import ConsentRecord, DataRequest, PersonalDataAccess
from smartgov.identity.services import role_grant
from smartgov.platform.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user(
        username="031195001234",
        password="Mat-khau-dai-2026",
        full_name="Nguyễn Thị Mai",
        personal_id="031195001234",
        email="mai@example.vn",
        phone="0912345678",
        kind="citizen",
    )


@pytest.fixture
def me(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def steward(small_units):
    from smartgov.platform.services.org import AgencyData, agency_upsert

    operator, _ = agency_upsert(
        actor=None, data=AgencyData(code="000.00.10.H31", name="Sở Khoa học và Công nghệ", kind="department")
    )
    user = get_user_model().objects.create_user(
        username="quanly.dulieu", password="x", kind="staff", full_name="Trần Văn Bình"
    )
    role_grant(actor=None, user=user, role="data_steward", agency=operator)
    return user


def _steward_client(steward) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(steward)
    device = TOTPDevice.objects.create(user=steward, name="app", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # the second factor passed
    session.save()
    return client


def test_consent_is_given_withdrawn_and_provable(me, citizen):
    page = me.get("/tai-khoan/dong-y/")
    assert page.status_code == 200 and "Chưa đồng ý" in page.content.decode()
    me.post("/tai-khoan/dong-y/", {"purpose": "notifications", "give": "1"})
    me.post("/tai-khoan/dong-y/", {"purpose": "notifications", "give": "1"})  # a double click
    assert ConsentRecord.objects.filter(user=citizen).count() == 1
    me.post("/tai-khoan/dong-y/", {"purpose": "notifications", "give": "0"})
    given, withdrawn = ConsentRecord.objects.filter(user=citizen).order_by("decided_at", "pk")
    assert (given.action, withdrawn.action) == ("given", "withdrawn")
    assert given.notice_digest == PURPOSES["notifications"].digest() and len(given.notice_digest) == 64
    assert given.ip_address == "127.0.0.1"
    assert AuditEntry.objects.filter(action="identity.consent.given", object_id=str(given.pk)).exists()
    assert me.post("/tai-khoan/dong-y/", {"purpose": "selling-my-data", "give": "1"}).status_code == 302
    assert ConsentRecord.objects.filter(user=citizen).count() == 2


def test_my_data_download_holds_everything_and_no_secrets(me, citizen):
    me.post("/tai-khoan/dong-y/", {"purpose": "surveys", "give": "1"})
    app = get_application_model().objects.create(
        name="Cổng dịch vụ công", client_type="confidential", authorization_grant_type="authorization-code"
    )
    from datetime import timedelta

    from django.utils import timezone

    get_access_token_model().objects.create(
        user=citizen, application=app, token="secret-access-token-value", expires=timezone.now() + timedelta(hours=1)
    )
    answer = me.get("/tai-khoan/du-lieu-cua-toi/tai-ve/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/json")
    assert "attachment" in answer["Content-Disposition"]
    body = answer.content.decode()
    data = json.loads(body)
    assert data["account"]["personal_id"] == "031195001234"
    assert data["account"]["full_name"] == "Nguyễn Thị Mai"
    assert "Nguyễn Thị Mai" in body  # UTF-8, not \\u escapes
    assert data["consents"][0]["purpose"] == "surveys"
    assert data["sign_in"]["systems_signed_in_to"] == ["Cổng dịch vụ công"]
    assert "secret-access-token-value" not in body and "pbkdf2" not in body and "argon2" not in body
    assert Client().get("/tai-khoan/du-lieu-cua-toi/tai-ve/").status_code == 302  # signed-in only


def test_correction_request_is_answered_by_a_data_steward(me, citizen, steward):
    sent = me.post(
        "/tai-khoan/du-lieu-cua-toi/",
        {"kind": "correction", "full_name": "Nguyễn Thị Mai Anh", "email": "", "phone": "", "reason": "Sai tên"},
    )
    assert sent.status_code == 302
    twice = me.post("/tai-khoan/du-lieu-cua-toi/", {"kind": "correction", "full_name": "X", "reason": ""})
    assert twice.status_code == 400 and DataRequest.objects.count() == 1  # one waiting request of a kind
    request = DataRequest.objects.get()

    officer = _steward_client(steward)
    assert "/quan-ly/yeu-cau-du-lieu/" in officer.get("/tai-khoan/").content.decode()  # stewards find their queue
    assert "/quan-ly/yeu-cau-du-lieu/" not in me.get("/tai-khoan/").content.decode()
    queue = officer.get("/quan-ly/yeu-cau-du-lieu/").content.decode()
    assert "031*******34" in queue and "031195001234" not in queue  # masked in the list
    assert PersonalDataAccess.objects.count() == 0  # a list is not a look at anyone's data
    detail = officer.get(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/")
    assert detail.status_code == 200 and "031195001234" in detail.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.viewer, access.subject) == (steward, citizen)

    refused = officer.post(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/", {"decision": "refuse", "answer": ""})
    assert refused.status_code == 400  # a refusal needs a reason
    done = officer.post(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/", {"decision": "accept", "answer": "Đã sửa"})
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.full_name == "Nguyễn Thị Mai Anh"
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by == steward
    again = officer.post(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/", {"decision": "refuse", "answer": "x"})
    assert again.status_code == 400  # already handled: nothing changes
    request.refresh_from_db()
    assert request.status == "done"

    mine = me.get("/tai-khoan/du-lieu-cua-toi/").content.decode()
    assert "Trần Văn Bình" in mine  # the person sees who looked at their data


def test_deletion_request_erases_the_account(me, citizen, steward):
    me.post("/tai-khoan/du-lieu-cua-toi/", {"kind": "deletion", "reason": "Không dùng nữa"})
    request = DataRequest.objects.get(kind="deletion")
    officer = _steward_client(steward)
    officer.post(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/", {"decision": "accept", "answer": ""})
    citizen.refresh_from_db()
    assert not citizen.is_active and citizen.personal_id is None and citizen.email == "" and citizen.full_name == ""
    assert not citizen.has_usable_password()
    assert me.get("/tai-khoan/").status_code == 302  # the session ended with the account
    erase = AuditEntry.objects.get(action="identity.account.erase")
    assert "031195001234" not in json.dumps([erase.object_repr, erase.changes])


def test_only_data_stewards_reach_the_queue(me, citizen, steward):
    me.post("/tai-khoan/du-lieu-cua-toi/", {"kind": "deletion", "reason": ""})
    request = DataRequest.objects.get()
    assert "/quan-ly/yeu-cau-du-lieu/" not in me.get("/tai-khoan/").content.decode()  # no link to a refused page
    assert me.get("/quan-ly/yeu-cau-du-lieu/").status_code == 403
    assert me.get(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/").status_code == 403
    assert me.post(f"/quan-ly/yeu-cau-du-lieu/{request.pk}/", {"decision": "accept"}).status_code == 403
    citizen.refresh_from_db()
    assert citizen.is_active
    assert _steward_client(steward).get("/quan-ly/yeu-cau-du-lieu/999999/").status_code == 404


def test_the_person_cancels_a_waiting_request(me, citizen):
    me.post("/tai-khoan/du-lieu-cua-toi/", {"kind": "deletion", "reason": ""})
    request = DataRequest.objects.get()
    assert me.post(f"/tai-khoan/du-lieu-cua-toi/yeu-cau/{request.pk}/huy/").status_code == 302
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_staff_opening_a_citizen_in_the_admin_is_logged(citizen, steward):
    steward.is_staff = steward.is_superuser = True
    steward.save()
    officer = _steward_client(steward)
    listing = officer.get("/admin/identity/user/").content.decode()
    assert "031*******34" in listing and "031195001234" not in listing
    assert officer.get(f"/admin/identity/user/{citizen.pk}/change/").status_code == 200
    assert PersonalDataAccess.objects.filter(subject=citizen, viewer=steward, place="admin: account").exists()
