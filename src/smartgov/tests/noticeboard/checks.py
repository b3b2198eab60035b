"""What the notice board proves, run by ``smartgov/tests/test_contract.py`` in a process where it is installed
(``SMARTGOV_EXTRA_APPS=smartgov.tests.noticeboard``): every part of the app contract plugs in by itself."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.services import role_grant
from smartgov.platform.contract import contract_apps
from smartgov.platform.demo import demo_steps
from smartgov.platform.frontdoor import FrontDoor
from smartgov.platform.personal_data import personal_data_sections
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.tests.noticeboard.models import NoticeRead
from smartgov.tests.noticeboard.services import notice_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(db):
    agency, _ = agency_upsert(actor=None, data=AgencyData(code="000.00.10.H31", name="Sở Tư pháp", kind="department"))
    user = get_user_model().objects.create_user(username="lanhdao.bangtin", kind="staff")
    role_grant(actor=None, user=user, role="leader", agency=agency)
    return user


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_it_is_installed_by_one_line():
    assert "noticeboard" in [config.label for config in contract_apps()]


def test_its_settings_and_scheduled_jobs(settings):
    assert settings.SMARTGOV_NOTICEBOARD_PAGE_SIZE == 20
    assert settings.CELERY_BEAT_SCHEDULE["noticeboard-tidy"]["task"] == "smartgov.tests.noticeboard.tasks.tidy"
    assert "outbox-sweep" in settings.CELERY_BEAT_SCHEDULE  # the others' jobs are still there


def test_its_pages_and_its_api(client):
    assert reverse("noticeboard:board") == "/bang-tin/"
    assert client.get("/bang-tin/").status_code == 200
    assert client.get("/api/v1/noticeboard/notices").json() == []
    paths = json.loads(client.get("/api/v1/openapi.json").content)["paths"]
    assert "/api/v1/noticeboard/notices" in paths


def test_its_menu_follows_its_access_rules(client, leader):
    anonymous = client.get("/").content.decode()
    assert 'href="/bang-tin/"' in anonymous and 'href="/bang-tin/dang/"' not in anonymous
    assert client.get("/bang-tin/dang/").status_code == 302  # a visitor is sent to sign in
    staff = _signed_in(leader).get("/").content.decode()
    assert 'href="/bang-tin/dang/"' in staff


def test_its_services_events_handlers_and_personal_data(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_post(actor=leader, title="Lịch tiếp công dân")
    assert NoticeRead._default_manager.filter(notice=notice).exists()  # its subscriber got the event
    assert personal_data_sections(leader)["notices_posted"][0]["title"] == "Lịch tiếp công dân"


def test_its_demo_step_runs_after_the_accounts():
    names = [name for name, _step in demo_steps()]
    assert names.index("noticeboard.notices") > names.index("identity.accounts")


def test_its_front_door_address_never_reaches_django():
    def django_app(environ, start_response):
        raise AssertionError("Django must not see the board's plain address")

    seen = []
    body = FrontDoor(django_app)({"PATH_INFO": "/bang-tin-tho"}, lambda status, headers: seen.append(status))
    assert seen == ["200 OK"] and b"".join(body).decode() == "Bảng tin"


def test_its_notices_travel_in_a_merge_of_localities(leader, tmp_path):
    from smartgov.platform.merge import archive_open, merge_export, merge_import, merge_plan
    from smartgov.tests.noticeboard.models import Notice

    order = [planned.spec.label for planned in merge_plan().order]
    assert order.index("noticeboard.notice") > order.index("identity.user")
    notice_post(actor=leader, title="Lịch tiếp dân", body="Thứ Năm")
    archive = merge_export(out=tmp_path / "archive", locality="30")
    assert archive.manifest["parts"]["noticeboard"]["models"] == ["noticeboard.notice"]
    Notice.objects.all().delete()
    report = merge_import(archive=archive_open(tmp_path / "archive"), accept_conflicts=True)
    assert report.models["noticeboard.notice"].created == 1
    assert Notice.objects.get().posted_by == leader  # the account was matched by its name, the notice re-created
