"""Bad input is a clean 4xx with a message, never a 500 (issue 13, finding 8): an offset beyond any integer, a
page body over the size limit (413), JSON numbers that are not finite (the API's parser; procedures' tests post
them, and an API body over the limit, to a real endpoint)."""

import json

import pytest
from django.test import Client, RequestFactory

from smartgov.platform.api.pagination import MAX_OFFSET
from smartgov.platform.api.site import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("offset", ["34355533169809391616", str(MAX_OFFSET + 1), "-1"])
def test_an_offset_out_of_bounds_is_422_problem_details(client, offset):
    answer = client.get("/api/v1/platform/agencies", {"offset": offset})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["loc"][-1] == "offset"


def test_an_offset_within_bounds_answers(client):
    assert client.get("/api/v1/platform/agencies", {"offset": MAX_OFFSET}).json()["items"] == []


def test_a_page_body_over_the_limit_is_413(settings):
    """The CSRF check reads the form, Django raises RequestDataTooBig and hands it to handler400: 413."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    body = b"csrfmiddlewaretoken=" + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    answer = client.generic("POST", "/co-quan/", body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 413
    assert "413" in answer.text


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999", "[1, -1e400]", '{"a": {"b": NaN}}'])
def test_the_api_parser_refuses_numbers_that_are_not_finite(text):
    request = RequestFactory().generic("POST", "/api/v1/x", text, content_type="application/json")
    with pytest.raises(ValueError):
        api.parser.parse_body(request)


def test_the_api_parser_reads_ordinary_json():
    text = json.dumps({"a": [1, 2.5, -1e300, None, True, "NaN"]})
    request = RequestFactory().generic("POST", "/api/v1/x", text, content_type="application/json")
    assert api.parser.parse_body(request) == {"a": [1, 2.5, -1e300, None, True, "NaN"]}
