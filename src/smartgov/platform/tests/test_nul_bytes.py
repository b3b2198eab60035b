"""A NUL byte, which PostgreSQL can neither store nor compare, is refused with a 400 before it reaches a query
(issue 13, finding 17: schemathesis found `GET /api/v1/procedures/procedures?agency=%00` answering 500 on
PostgreSQL): in a query string or a path, of the API (problem details) and of the pages, and in a JSON body."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures/procedures?agency=%00",
        "/api/v1/procedures/procedures?q=d%C3%A2n%00",
        "/api/v1/procedures/procedures/1.001193%00",
        "/api/v1/platform/agencies/000.21.07.H31%00",
    ],
)
def test_the_api_refuses_a_nul_in_the_url(client, url):
    answer = client.get(url)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "nul"


def test_a_page_refuses_a_nul_in_the_query(client):
    answer = client.get("/dich-vu-cong/?q=%00")
    assert answer.status_code == 400
    assert "text/html" in answer["Content-Type"]


def test_the_api_refuses_a_nul_in_a_json_body(client, django_user_model):
    citizen = django_user_model.objects.create_user(username="031195001299", kind="citizen", full_name="Mai")
    client.force_login(citizen)
    answer = client.post("/api/v1/procedures/dossiers", {"procedure": "1.001193\u0000"}, "application/json")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
