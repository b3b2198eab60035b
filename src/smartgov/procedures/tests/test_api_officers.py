"""The officers' moves, declared once (domain/moves.py): the same table answers the API's list of moves, the
API's one move endpoint, the page's buttons and the services' guard; unknown move 404, no role 403, a token
without the scope 403, wrong state 409, a missing input 400, and nothing changes on a refusal."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from smartgov.identity import authz
from smartgov.procedures.domain.moves import MOVES, POLICY, SCOPE, moves_allowed
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier
from smartgov.procedures.services import moves
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def _token(user, scope: str) -> Client:
    app = get_application_model().objects.create(
        name="Phần mềm một cửa", client_type="confidential", authorization_grant_type="client-credentials"
    )
    get_access_token_model().objects.create(
        user=user, application=app, token=f"t-{scope}", scope=scope, expires=timezone.now() + timedelta(minutes=5)
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer t-{scope}")


def test_every_move_has_its_service():
    assert set(moves._SERVICES) == set(MOVES)


def test_the_moves_listed_are_those_the_role_may_make_now(hp):
    dossier = submitted(hp)
    names = {m["name"] for m in staff_client(hp.officer).get(f"{API}/queue/{dossier.pk}/moves").json()}
    assert names == {"accept", "request_supplement", "refuse"}
    listed = staff_client(hp.leader).get(f"{API}/queue/{dossier.pk}/moves").json()
    assert [m["name"] for m in listed] == ["request_supplement"]  # a leader neither accepts nor refuses
    assert listed[0]["label"] == "Yêu cầu bổ sung"  # in the user's language
    assert listed[0]["inputs"] == [
        {"name": "reason", "kind": "longtext", "label": "Nội dung cần bổ sung (mẫu 02, chỉ một lần)", "required": True}
    ]
    assert staff_client(hp.other_officer).get(f"{API}/queue/{dossier.pk}/moves").status_code == 403
    assert staff_client(hp.mai).get(f"{API}/queue/{dossier.pk}/moves").status_code == 403


def test_one_endpoint_makes_every_move_and_refuses_clearly(hp):
    dossier = submitted(hp)
    officer, leader = staff_client(hp.officer), staff_client(hp.leader)
    url = f"{API}/queue/{dossier.pk}/moves"
    unknown = officer.post(f"{url}/launch", {}, "application/json")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/problem+json"
    forbidden = leader.post(f"{url}/accept", {}, "application/json")
    assert forbidden.status_code == 403
    assert forbidden.json()["title"].startswith("Hồ sơ này do Ủy ban nhân dân phường Thành Đông xử lý")
    wrong_state = officer.post(f"{url}/return_result", {}, "application/json")
    assert wrong_state.status_code == 409 and "Mới nộp" in wrong_state.json()["title"]
    no_reason = officer.post(f"{url}/refuse", {"reason": " "}, "application/json")
    assert no_reason.status_code == 400 and no_reason.json()["title"] == "Hãy nêu lý do từ chối."
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED  # nothing changed

    assert officer.post(f"{url}/accept", {"note": "Đủ"}, "application/json").json()["status"] == Status.ACCEPTED
    no_agency = officer.post(f"{url}/transfer", {}, "application/json")
    assert no_agency.status_code == 400 and no_agency.json()["title"] == "Hãy chọn cơ quan nhận hồ sơ."
    unknown_agency = officer.post(f"{url}/transfer", {"to_agency": "000.00.99.H31"}, "application/json")
    assert unknown_agency.status_code == 400
    bad_amount = officer.post(f"{url}/request_payment", {"amount_vnd": -5}, "application/json")
    assert bad_amount.status_code == 422
    handed = officer.post(f"{url}/transfer", {"to_agency": "000.00.02.H31"}, "application/json").json()
    assert handed["status"] == Status.PROCESSING and handed["current_agency"] == "000.00.02.H31"
    dept = staff_client(hp.dept_leader)
    assigned = dept.post(f"{url}/assign", {"specialist": hp.dept_specialist.username}, "application/json")
    assert assigned.status_code == 200, assigned.content
    paused = staff_client(hp.dept_specialist).post(f"{url}/pause", {"reason": "Chờ xác minh"}, "application/json")
    assert paused.json()["paused"] is True
    again = staff_client(hp.dept_specialist).post(f"{url}/pause", {"reason": "Lần nữa"}, "application/json")
    assert again.status_code == 409 and "tạm dừng" in again.json()["title"]
    names = [m["name"] for m in dept.get(f"{url}").json()]
    assert "resume" in names and "pause" not in names  # the page and the API offer what the guard allows


def test_a_token_needs_the_scope_to_make_a_move(hp):
    dossier = submitted(hp)
    without = _token(hp.officer, "openid queue.read")  # reads the queue, may not move
    refused = without.post(f"{API}/queue/{dossier.pk}/moves/accept", {}, "application/json")
    assert refused.status_code == 403 and SCOPE in refused.json()["title"]
    assert without.get(f"{API}/queue/{dossier.pk}/moves").json() == []
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    with_scope = _token(hp.officer, f"openid {SCOPE}")
    assert with_scope.post(f"{API}/queue/{dossier.pk}/moves/accept", {}, "application/json").status_code == 200


def test_the_move_policy_is_registered_with_identity(hp):
    dossier = submitted(hp)
    assert authz.policies()[POLICY].scope == SCOPE
    assert authz.permitted(hp.officer, POLICY, (dossier, "accept"))
    assert not authz.permitted(hp.specialist, POLICY, (dossier, "accept"))
    assert not authz.permitted(authz.Principal(hp.officer, scopes=frozenset({"openid"})), POLICY, (dossier, "accept"))
    assert [m.name for m in moves_allowed(hp.specialist, dossier)] == ["request_supplement"]


def test_the_page_offers_the_moves_of_the_table_and_makes_them_through_the_same_door(hp):
    dossier = submitted(hp)
    leader = staff_client(hp.leader)
    page = leader.get(f"/mot-cua/{dossier.pk}/").content.decode()
    assert f'action="/mot-cua/{dossier.pk}/request_supplement/"' in page
    assert f"/mot-cua/{dossier.pk}/accept/" not in page  # not the leader's move
    refused = leader.post(f"/mot-cua/{dossier.pk}/accept/", follow=True).content.decode()
    assert "bạn không có vai trò ở đó" in refused  # the page says why: no role there that may accept
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    assert leader.post(f"/mot-cua/{dossier.pk}/launch/").status_code == 404
    officer = staff_client(hp.officer)
    missing = officer.post(f"/mot-cua/{dossier.pk}/refuse/", {"reason": ""}, follow=True)
    assert "Hãy nêu lý do từ chối." in missing.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    done = officer.post(f"/mot-cua/{dossier.pk}/request_supplement/", {"reason": "Thiếu giấy chứng sinh"})
    assert done.status_code == 302 and Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED


def test_hostile_move_inputs_are_refused_with_a_4xx(hp):
    dossier = submitted(hp)
    officer = staff_client(hp.officer)
    url = f"{API}/queue/{dossier.pk}/moves"
    for body in (
        {"note": "x" * 4001},
        {"reason": "x" * 100_000},
        {"to_agency": "0" * 65},
        {"specialist": "u" * 151},
        {"amount_vnd": 10**30},
        {"version": "NaN"},
        {"new_due_at": "not a date"},
    ):
        answer = officer.post(f"{url}/accept", body, "application/json")
        assert answer.status_code == 422, (body, answer.status_code)
    assert officer.post(f"{url}/{'m' * 5000}", {}, "application/json").status_code == 404
    assert officer.post(f"{url}/accept", b"\xff\xfe", "application/json").status_code in (400, 422)
    assert officer.post(f"{API}/queue/{10**20}/moves/accept", {}, "application/json").status_code in (404, 422)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
