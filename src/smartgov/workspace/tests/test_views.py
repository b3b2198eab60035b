"""The officers' workspace: where staff land, their queue's parts, indicators and notifications, and the search over
their agencies' dossiers (scoped, masked, logged, bounded)."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from smartgov.identity.selectors import personal_data_accesses_of
from smartgov.identity.services import role_grant
from smartgov.platform.testing import search_refuses_quickly
from smartgov.procedures.selectors import dossiers_search_for_staff
from smartgov.workspace.tests.clients import signed_in

pytestmark = pytest.mark.django_db
# other apps' rows the tests set up or read directly (their services would take a whole workflow to get there)
Dossier = apps.get_model("procedures", "Dossier")
Notification = apps.get_model("notifications", "Notification")


def _views(viewer, subject) -> list:
    return [a for a in personal_data_accesses_of(user=subject, limit=100) if a.viewer_id == viewer.pk]


def test_signing_in_leads_staff_to_their_workspace_and_citizens_home(hp, password):
    hp.officer.set_password(password)
    hp.officer.save()
    officer = signed_in(hp.officer)
    assert officer.get("/bat-dau/")["Location"] == "/can-bo/"
    assert signed_in(hp.mai).get("/bat-dau/")["Location"] == "/"
    # the sign-in form itself leads to the landing page, which picks the person's home
    citizen = signed_in(hp.mai)
    citizen.logout()
    hp.mai.set_password(password)
    hp.mai.save()
    answer = citizen.post("/dang-nhap/", {"username": hp.mai.username, "password": password})
    assert answer.status_code == 302 and answer["Location"] == "/bat-dau/"


def test_the_workspace_is_for_civil_servants(client, hp):
    assert client.get("/can-bo/").status_code == 302  # a visitor signs in first
    assert signed_in(hp.mai).get("/can-bo/").status_code == 403
    assert signed_in(hp.mai).get("/can-bo/tim-ho-so/?q=mai").status_code == 403


def _dossiers(hp, submit_dossier):
    """One dossier in each part of the ward's queue, and one in another ward's."""
    now = timezone.now()
    new = submit_dossier(hp)
    late, soon, paused, fee = (submit_dossier(hp) for _ in range(4))
    Dossier.objects.filter(pk=late.pk).update(status=4, due_at=now - timedelta(hours=2))
    Dossier.objects.filter(pk=soon.pk).update(status=4, due_at=now + timedelta(hours=5))
    Dossier.objects.filter(pk=paused.pk).update(status=4, due_at=now - timedelta(days=3), paused_at=now)
    Dossier.objects.filter(pk=fee.pk).update(status=6, due_at=now + timedelta(days=9))
    Dossier.objects.filter(pk=new.pk).update(due_at=now + timedelta(days=9))
    elsewhere = submit_dossier(hp, applicant=hp.binh, agency=hp.other_ward)
    Dossier.objects.filter(pk=elsewhere.pk).update(status=4, due_at=now - timedelta(hours=2))
    return {"new": new, "late": late, "due_soon": soon, "paused": paused, "awaiting_fee": fee}


def test_home_counts_each_part_of_the_queue_and_links_to_it(hp, submit_dossier):
    made = _dossiers(hp, submit_dossier)
    officer = signed_in(hp.officer)
    page = officer.get("/can-bo/").content.decode()
    for name in made:
        assert f'href="/mot-cua/?nhom={name}"><span class="ws-count-n">1</span>' in page, name
    assert "ws-count-alert" in page  # something is late
    for name, dossier in made.items():
        listed = officer.get("/mot-cua/", {"nhom": name}).content.decode()
        assert dossier.code in listed, name
        others = [d.code for n, d in made.items() if n != name]
        assert not any(code in listed for code in others), name
    assert officer.get("/mot-cua/", {"nhom": "everything"}).status_code == 400


def test_home_shows_indicators_and_latest_notifications(hp, submit_dossier):
    submit_dossier(hp)
    Notification.objects.create(
        user=hp.leader, title="Hồ sơ sắp đến hạn", body="…", url="/mot-cua/", created_at=timezone.now()
    )
    page = signed_in(hp.leader).get("/can-bo/").content.decode()
    assert "Chỉ số của cơ quan năm" in page and "Tỷ lệ đúng hạn" in page
    assert "Hồ sơ sắp đến hạn" in page and "1 chưa đọc" in page
    # a data steward handles no dossier: no queue, no indicators, but notifications and tools
    steward = hp.officer2
    steward.roles.all().delete()
    role_grant(actor=None, user=steward, role="data_steward", agency=hp.ward)
    page = signed_in(steward).get("/can-bo/").content.decode()
    assert "ws-counts" not in page and "Chỉ số" not in page
    assert "/quan-ly/yeu-cau-du-lieu/" in page


def test_search_finds_by_code_unaccented_name_and_personal_id_in_own_agencies_only(hp, submit_dossier):
    mine = submit_dossier(hp)
    theirs = submit_dossier(hp, applicant=hp.binh, agency=hp.other_ward)
    officer = signed_in(hp.officer)

    def found(query: str, client=officer) -> set[str]:
        answer = client.get("/can-bo/tim-ho-so/", {"q": query})
        assert answer.status_code == 200
        assert "no-store" in answer["Cache-Control"]
        return set(re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', answer.content.decode()))

    for query in (mine.code, mine.code.lower()[:18], "nguyen thi mai", "NGUYEN mai", "Nguyễn Thị", "031195001234"):
        assert mine.code in found(query), query
    assert mine.code not in found("tran van binh")
    for query in (theirs.code, "tran van binh", "030088004321"):  # another ward's dossier is not searched
        assert theirs.code not in found(query), query
    assert theirs.code in found("tran van binh", signed_in(hp.other_officer))
    assert mine.code not in found("0311950012")  # a number is matched whole, never by its start


def test_search_masks_names_and_ids_and_logs_the_view(hp, submit_dossier):
    mine = submit_dossier(hp)
    before = len(_views(hp.officer, hp.mai))
    page = signed_in(hp.officer).get("/can-bo/tim-ho-so/", {"q": "mai"}).content.decode()
    assert mine.code in page
    assert "Nguyễn Thị Mai" not in page and "Nguyễn T. M." in page
    assert "031195001234" not in page and "031*******34" in page
    logged = _views(hp.officer, hp.mai)
    assert before == 0 and [(a.place, a.reason) for a in logged] == [("dossier search", "mai")]
    signed_in(hp.officer).get("/can-bo/tim-ho-so/", {"q": "khong ai ten nay"})
    assert len(_views(hp.officer, hp.mai)) == 1  # nothing found, nothing logged


def test_search_is_bounded(hp, submit_dossier, rf):
    for _ in range(3):
        submit_dossier(hp)
    request = rf.get("/can-bo/tim-ho-so/")
    request.user = hp.officer
    answer = dossiers_search_for_staff(request=request, query="mai", limit=2)
    assert len(answer.dossiers) == 2 and answer.more
    assert not dossiers_search_for_staff(request=request, query="mai", limit=3).more
    officer = signed_in(hp.officer)
    search_refuses_quickly(officer, "/can-bo/tim-ho-so/", "nguyen " * 40)
    assert "quá dài" in officer.get("/can-bo/tim-ho-so/", {"q": "a" * 201}).content.decode()
    assert officer.get("/can-bo/tim-ho-so/", {"q": "  "}).status_code == 200  # an empty search lists nothing


def test_the_menus_read_the_persons_roles_once(hp, django_assert_max_num_queries):
    officer = signed_in(hp.leader)
    officer.get("/dich-vu-cong/")  # warm: the session, the locality
    with django_assert_max_num_queries(12):  # session, account, device, locality, roles once, the page's own
        answer = officer.get("/")
    assert 'class="ws-nav"' in answer.content.decode()
