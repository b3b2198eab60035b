"""The OpenAPI document declares the errors every operation may answer, as RFC 7807 problem details, and the
answers match it (issue 13, finding 17: schemathesis found 401, 403, 404 and 422 answers no operation declared)."""

import jsonschema
import pytest

from smartgov.platform.api.site import PROBLEM_SCHEMA, api

pytestmark = pytest.mark.django_db


def _operations():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_declares_its_problem_answers():
    for path, method, operation in _operations():
        responses = operation["responses"]
        expected = {400, 403, 404, 409, 422, 429, 502}
        expected |= {401} if operation.get("security") else set()
        expected |= {413} if method in {"post", "put", "patch", "delete"} else set()
        assert expected <= set(responses), f"{method.upper()} {path}: {sorted(expected - set(responses))}"
        for status in expected:
            content = responses[status]["content"]
            assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_the_problem_answers_match_the_declared_schema(client):
    anonymous = client.get("/api/v1/procedures/dossiers")
    invalid = client.get("/api/v1/platform/agencies", {"offset": "-1"})
    missing = client.get("/api/v1/procedures/procedures/0.000000")
    for answer, status in ((anonymous, 401), (invalid, 422), (missing, 404)):
        assert answer.status_code == status
        assert answer["Content-Type"] == "application/problem+json"
        jsonschema.validate(answer.json(), PROBLEM_SCHEMA)
